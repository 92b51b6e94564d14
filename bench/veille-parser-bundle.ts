// Veille's feed parser bundled by esbuild with the options scripts/build.mjs uses for the shipped
// server (ESM, node20, packages external, no keepNames), so that benchmarks time the code users
// run rather than tsx's on-the-fly transform. Written under node_modules/.cache so that the
// bundle's bare imports (htmlparser2, entities) resolve to the project's node_modules.

import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { build } from 'esbuild';

/** Builds the bundle and returns its file URL. */
export async function veilleParserBundle(repoDir: string): Promise<string> {
  const outfile = join(repoDir, 'node_modules/.cache/veille-bench/parse-feed.js');
  await build({
    entryPoints: [join(repoDir, 'src/reader/parse/parse-feed.ts')],
    outfile,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    packages: 'external',
    sourcemap: true,
    logLevel: 'warning',
  });
  return pathToFileURL(outfile).href;
}
