// A pool of worker threads that parse and sanitize feed bodies, so that a refresh uses every core
// while the main thread fetches and stores. Threads start on first use (an unchanged refresh
// starts none) and one more whenever every started thread is busy, up to `size`.
import { Worker } from 'node:worker_threads';
import type { ArticlePageJob, ArticlePageResult } from '../full-content/fetch-full-content.ts';
import type { FeedBodyJob, ProcessedFeedBody } from './process-feed-body.ts';
import type { ProcessReply, ProcessRequest } from './process-worker.ts';

export interface ProcessPool {
  process(job: FeedBodyJob): Promise<ProcessedFeedBody>;
  /** A fetched article page read in a thread (full content: DOM, Readability, sanitizing). */
  readPage(job: ArticlePageJob): Promise<ArticlePageResult>;
  /** Threads running now. */
  running(): number;
  close(): Promise<void>;
}

interface Pending {
  request: ProcessRequest;
  resolve: (result: ProcessedFeedBody | ArticlePageResult) => void;
  reject: (err: Error) => void;
}

interface PoolThread {
  worker: Worker;
  current: Pending | null;
  /** Ends the thread when it has had nothing to do for a while (idleMs). */
  idleTimer: NodeJS.Timeout | null;
  /** Ended on purpose: its exit is not a failure. */
  retired: boolean;
}

/** The worker's entry: the .ts source under tsx (tests), dist/process-worker.js in the bundle. */
export function processWorkerUrl(moduleUrl: string = import.meta.url): URL {
  if (moduleUrl.endsWith('.ts')) return new URL('./process-worker.ts', moduleUrl);
  return new URL(moduleUrl.includes('/chunks/') ? '../process-worker.js' : './process-worker.js', moduleUrl);
}

/**
 * A small young generation: a job's garbage (parsed feed, intermediate strings) is short-lived,
 * and V8's default (3 × 16 MiB semi-spaces per thread) made up a third of a large refresh's peak
 * memory. The old generation keeps V8's default.
 */
const WORKER_LIMITS = { maxYoungGenerationSizeMb: 12 };

/** Under tsx (tests), a worker must register tsx itself before it can load TypeScript. */
function workerFor(url: URL): Worker {
  if (!url.pathname.endsWith('.ts')) return new Worker(url, { resourceLimits: WORKER_LIMITS });
  const code = `import('tsx/esm/api').then((m) => m.register()).then(() => import(${JSON.stringify(url.href)}))`;
  return new Worker(code, { eval: true, resourceLimits: WORKER_LIMITS });
}

export function createProcessPool(input: {
  size: number;
  workerUrl?: URL;
  /**
   * A thread with nothing to do for this long ends (a long-running process refreshing now and
   * then gives back the threads' memory meanwhile); another starts when work comes. Default: never.
   */
  idleMs?: number;
}): ProcessPool {
  const size = Math.max(1, input.size);
  const url = input.workerUrl ?? processWorkerUrl();
  const threads: PoolThread[] = [];
  const queue: Pending[] = [];
  let nextId = 1;
  let closed = false;

  function start(): PoolThread {
    const thread: PoolThread = { worker: workerFor(url), current: null, idleTimer: null, retired: false };
    thread.worker.on('message', (reply: ProcessReply) => {
      const done = thread.current;
      thread.current = null;
      if (done && done.request.id === reply.id) done.resolve(reply.result);
      dispatch();
      if (thread.current === null) retireWhenIdle(thread);
    });
    const fail = (err: Error) => {
      const index = threads.indexOf(thread);
      if (index >= 0) threads.splice(index, 1);
      const done = thread.current;
      thread.current = null;
      done?.reject(new Error(`process: worker thread failed: ${err.message}`));
      dispatch();
    };
    thread.worker.on('error', fail);
    thread.worker.on('exit', (code) => {
      if (!closed && !thread.retired) fail(new Error(`exited with code ${code}`));
    });
    threads.push(thread);
    return thread;
  }

  function retireWhenIdle(thread: PoolThread) {
    if (input.idleMs === undefined || closed) return;
    thread.idleTimer = setTimeout(() => {
      thread.idleTimer = null;
      if (thread.current !== null || closed) return;
      thread.retired = true;
      threads.splice(threads.indexOf(thread), 1);
      void thread.worker.terminate();
    }, input.idleMs);
    thread.idleTimer.unref();
  }

  function dispatch() {
    while (queue.length) {
      let idle = threads.find((t) => t.current === null);
      if (!idle && threads.length < size) idle = start();
      if (!idle) return;
      const pending = queue.shift()!;
      idle.current = pending;
      if (idle.idleTimer) clearTimeout(idle.idleTimer);
      idle.idleTimer = null;
      // The body is copied: moving its buffer instead (a transfer list) measured slower, 6 ms
      // per message against 0.5 ms, on the 1000-feed refresh benchmark (Node 20).
      idle.worker.postMessage(pending.request);
    }
  }

  function submit(request: ProcessRequest): Promise<ProcessedFeedBody | ArticlePageResult> {
    if (closed) return Promise.reject(new Error('process: the pool is closed'));
    return new Promise((resolve, reject) => {
      queue.push({ request, resolve, reject });
      dispatch();
    });
  }

  return {
    process: (job) => submit({ id: nextId++, job }) as Promise<ProcessedFeedBody>,
    readPage: (page) => submit({ id: nextId++, page }) as Promise<ArticlePageResult>,
    running: () => threads.length,
    async close() {
      closed = true;
      for (const pending of queue.splice(0)) pending.reject(new Error('process: the pool is closed'));
      for (const thread of threads) if (thread.idleTimer) clearTimeout(thread.idleTimer);
      await Promise.all(threads.splice(0).map((t) => t.worker.terminate()));
    },
  };
}
