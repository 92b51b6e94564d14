// Entry of a refresh worker thread (bundled as dist/process-worker.js): processes the feed bodies
// the pool sends, one message at a time, and answers with the same id.
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
