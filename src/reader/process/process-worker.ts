// Entry of a refresh worker thread (bundled as dist/process-worker.js): processes the feed bodies
// the pool sends, one message at a time, and answers with the same id.
import { setPriority } from 'node:os';
import { parentPort } from 'node:worker_threads';
import type { ArticlePageJob, ArticlePageResult } from '../full-content/fetch-full-content.ts';
import { processFeedBody, type FeedBodyJob, type ProcessedFeedBody } from './process-feed-body.ts';

/** A feed body to process, or a fetched article page to read (full content). */
export type ProcessRequest = { id: number; job: FeedBodyJob } | { id: number; page: ArticlePageJob };

export interface ProcessReply {
  id: number;
  result: ProcessedFeedBody | ArticlePageResult;
}

// Parsing and sanitizing yield the CPU to web requests: a lower priority for this thread only
// (on Linux, setpriority on the calling thread), so the pages served while a large refresh runs
// stay fast; on an idle machine the refresh goes as fast as before. Not permitted: left as is.
try {
  setPriority(10);
} catch {
  // keep the default priority
}

parentPort?.on('message', (request: ProcessRequest) => {
  if ('page' in request) {
    void readPage(request.page).then((result) => parentPort!.postMessage({ id: request.id, result }));
    return;
  }
  let result: ProcessedFeedBody;
  try {
    result = processFeedBody(request.job);
  } catch (err) {
    result = {
      ok: false,
      message: `process: ${err instanceof Error ? err.message : String(err)}`,
      code: 'process.failed',
    };
  }
  const reply: ProcessReply = { id: request.id, result };
  parentPort!.postMessage(reply);
});

/**
 * Full content (Readability on linkedom): loaded on the first page only, so that threads of
 * refreshes without full-content feeds do not load it.
 */
async function readPage(page: ArticlePageJob): Promise<ArticlePageResult> {
  try {
    const { readArticlePage } = await import('../full-content/fetch-full-content.ts');
    return readArticlePage(page);
  } catch (err) {
    return {
      kind: 'error',
      code: 'full_content.extract',
      message: `full content: ${err instanceof Error ? err.message : String(err)}`,
    };
  }
}
