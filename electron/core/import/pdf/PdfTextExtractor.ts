import { availableParallelism } from 'node:os';
import type { Worker } from 'node:worker_threads';
import { startWorker } from '../../workers';
import { describeActiveContent } from './activeContent';
import type { PdfTextRequest, PdfTextResponse } from './pdfTextProtocol';

export type PdfTextResult =
  /** `warnings`: what in the PDF could act (scripts, Launch, embedded files), as the report's sentences. */
  | { kind: 'text'; text: string; pageCount: number; title: string | null; warnings: string[] }
  | { kind: 'password-protected' }
  | { kind: 'damaged'; detail: string }
  | { kind: 'too-slow' };

/** The text layer of a PDF is indexed up to this many characters. */
export const MAX_INDEXED_CHARS = 2_000_000;

interface ExtractorOptions {
  timeoutMs?: number;
  maxOldGenerationSizeMb?: number;
  /** Worker threads; the default is two where there are two cores (pdf.js is the slowest step of an import). */
  workers?: number;
}

/** Extracts PDF text in a small pool of worker threads, each taking the next file when free. */
export class PdfTextExtractor {
  private readonly slots: PdfWorkerSlot[];

  constructor(options: ExtractorOptions = {}) {
    const count = options.workers ?? Math.min(2, Math.max(1, availableParallelism()));
    this.slots = Array.from({ length: count }, () => new PdfWorkerSlot(options));
  }

  extract(data: Buffer): Promise<PdfTextResult> {
    const slot = this.slots.reduce((best, candidate) => (candidate.pending < best.pending ? candidate : best));
    return slot.extract(data);
  }

  async close(): Promise<void> {
    await Promise.all(this.slots.map((slot) => slot.close()));
  }
}

/**
 * One worker thread, reused between files and replaced when a file takes too long or exhausts
 * the worker's memory.
 */
class PdfWorkerSlot {
  pending = 0;
  private worker: Worker | null = null;
  private nextId = 1;
  /** One PDF at a time: a file's time limit starts when the worker takes it, not while it waits. */
  private queue: Promise<unknown> = Promise.resolve();

  constructor(private readonly options: ExtractorOptions) {}

  extract(data: Buffer): Promise<PdfTextResult> {
    this.pending++;
    const next = this.queue.then(() => this.extractNow(data)).finally(() => this.pending--);
    this.queue = next.catch(() => undefined);
    return next;
  }

  private async extractNow(data: Buffer): Promise<PdfTextResult> {
    const worker = this.ensureWorker();
    const id = this.nextId++;
    // Copy into a transferable buffer so the worker owns it and the caller's bytes stay intact.
    const copy = new Uint8Array(data);
    const timeoutMs = this.options.timeoutMs ?? 20_000 + Math.ceil(data.length / (1024 * 1024)) * 1_000;
    return new Promise<PdfTextResult>((resolve) => {
      const done = (result: PdfTextResult, restart: boolean) => {
        clearTimeout(timer);
        worker.off('message', onMessage);
        worker.off('error', onError);
        worker.off('exit', onExit);
        if (restart) void this.stopWorker();
        resolve(result);
      };
      const onMessage = (response: PdfTextResponse) => {
        if (response.id !== id) return;
        if (response.ok) {
          const { text, pageCount, title, active } = response;
          done({ kind: 'text', text, pageCount, title, warnings: describeActiveContent(active) }, false);
        } else if (response.errorName === 'PasswordException') {
          done({ kind: 'password-protected' }, false);
        } else {
          done({ kind: 'damaged', detail: response.message }, false);
        }
      };
      const onError = (error: Error) => done({ kind: 'damaged', detail: error.message }, true);
      const onExit = () => done({ kind: 'damaged', detail: 'the PDF reader stopped' }, true);
      const timer = setTimeout(() => done({ kind: 'too-slow' }, true), timeoutMs);
      worker.on('message', onMessage);
      worker.on('error', onError);
      worker.on('exit', onExit);
      const request: PdfTextRequest = { id, data: copy, maxChars: MAX_INDEXED_CHARS };
      worker.postMessage(request, [copy.buffer]);
    });
  }

  async close(): Promise<void> {
    await this.stopWorker();
  }

  private ensureWorker(): Worker {
    if (!this.worker) {
      const worker = startWorker(
        // From the sources the worker is the .mjs file itself; a build emits it as .js next to the bundle.
        new URL(import.meta.url.endsWith('.ts') ? './pdfTextWorker.mjs' : './pdfTextWorker.js', import.meta.url),
        {
          maxOldGenerationSizeMb: this.options.maxOldGenerationSizeMb ?? 512,
        },
      );
      worker.stderr?.resume(); // pdf.js warnings are not ours to print
      this.worker = worker;
    }
    return this.worker;
  }

  private async stopWorker(): Promise<void> {
    const worker = this.worker;
    this.worker = null;
    if (worker) await worker.terminate();
  }
}
