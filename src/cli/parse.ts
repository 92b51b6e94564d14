// veille parse --json FILE_OR_URL…: one JSON line per input, in order — what the document says
// (publisher ids and dates, null when absent). A failed input prints {"error": "…"}; exit 1.
import { readFile } from 'node:fs/promises';
import type { Config } from '../config/config.ts';
import { feedToJsonLine } from './parse-line.ts';
import { fetcherFor } from './app-context.ts';
import { CliError } from './user-for-command.ts';

export async function parseCommand(
  config: Config,
  inputs: string[],
  flags: { json: boolean },
): Promise<number> {
  if (!flags.json) throw new CliError('parse: only --json output exists; add --json');
  if (!inputs.length) throw new CliError('parse: give at least one file or URL');
  const fetcher = /^https?:\/\//i.test(inputs.join(' ')) ? fetcherFor(config) : null;
  let failed = false;
  try {
    for (const input of inputs) {
      let line: string;
      if (/^https?:\/\//i.test(input)) {
        const result = await fetcher!.fetch({ url: input });
        if (result.kind === 'ok')
          line = feedToJsonLine(result.body, { url: result.finalUrl, contentType: result.contentType });
        else
          line = JSON.stringify({
            error: result.kind === 'error' ? result.message : 'fetch: unexpected 304 Not Modified',
          });
      } else {
        try {
          line = feedToJsonLine(await readFile(input), { url: null, contentType: null });
        } catch (err) {
          line = JSON.stringify({
            error: `parse: cannot read ${input}: ${(err as NodeJS.ErrnoException).code ?? String(err)}`,
          });
        }
      }
      if (line.startsWith('{"error"')) failed = true;
      process.stdout.write(line + '\n');
    }
  } finally {
    await fetcher?.close();
  }
  return failed ? 1 : 0;
}
