import type { Worker } from 'node:worker_threads';
import { startWorker } from '../../workers';

type Reply = { id: number; ok: true } | { id: number; ok: false; message: string };

/**
 * One of our worker threads (page images, PDF pages), started when first asked and asked one
 * thing at a time. A request that runs over its time, is cancelled, or kills the worker stops it;
 * the next request starts a fresh one.
 */
export class WorkerClient {
  private worker: Worker | null = null;
  private nextId = 1;
  private queue: Promise<unknown> = Promise.resolve();
  /** Requests waiting or under way, to pick the least busy of several workers. */
  pending = 0;

  constructor(
    private readonly script: string,
    private readonly maxOldGenerationSizeMb = 512,
  ) {}

  request<T extends object>(
    message: object,
    transfer: ArrayBuffer[],
    signal: AbortSignal,
    timeoutMs: number,
  ): Promise<T> {
    this.pending++;
    const next = this.queue
      .then(() => this.requestNow<T>(message, transfer, signal, timeoutMs))
      .finally(() => this.pending--);
    this.queue = next.catch(() => undefined);
    return next;
  }

  private requestNow<T>(message: object, transfer: ArrayBuffer[], signal: AbortSignal, timeoutMs: number): Promise<T> {
    signal.throwIfAborted();
    const worker = this.ensureWorker();
    const id = this.nextId++;
    return new Promise<T>((resolve, reject) => {
      const done = (finish: () => void, stop: boolean) => {
        clearTimeout(timer);
        worker.off('message', onMessage);
        worker.off('error', onError);
        worker.off('exit', onExit);
        signal.removeEventListener('abort', onAbort);
        if (stop) void this.stop();
        finish();
      };
      const onMessage = (reply: Reply) => {
        if (reply.id !== id) return;
        if (reply.ok) done(() => resolve(reply as T), false);
        else done(() => reject(new Error(reply.message)), false);
      };
      const onError = (error: Error) => done(() => reject(error), true);
      const onExit = () => done(() => reject(new Error('the worker stopped')), true);
      const onAbort = () => done(() => reject(signal.reason), true);
      const timer = setTimeout(() => done(() => reject(new Error('it took too long')), true), timeoutMs);
      worker.on('message', onMessage);
      worker.on('error', onError);
      worker.on('exit', onExit);
      signal.addEventListener('abort', onAbort, { once: true });
      worker.postMessage({ id, ...message }, transfer);
    });
  }

  private ensureWorker(): Worker {
    if (!this.worker) {
      const worker = startWorker(
        // From the sources the worker is the .mjs file itself; a build emits it as .js next to the bundle.
        new URL(import.meta.url.endsWith('.ts') ? `./${this.script}.mjs` : `./${this.script}.js`, import.meta.url),
        { maxOldGenerationSizeMb: this.maxOldGenerationSizeMb },
      );
      worker.stderr?.resume(); // warnings of the libraries inside are not ours to print
      this.worker = worker;
    }
    return this.worker;
  }

  async stop(): Promise<void> {
    const worker = this.worker;
    this.worker = null;
    if (worker) await worker.terminate();
  }
}
