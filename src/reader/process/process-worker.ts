// Entry of a refresh worker thread (bundled as dist/process-worker.js): processes the feed bodies
// the pool sends, one message at a time, and answers with the same id.
import { setPriority } from 'node:os';
import { parentPort } from 'node:worker_threads';
import { processFeedBody, type FeedBodyJob, type ProcessedFeedBody } from './process-feed-body.ts';

export interface ProcessRequest {
  id: number;
  job: FeedBodyJob;
}

export interface ProcessReply {
  id: number;
  result: ProcessedFeedBody;
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
