/**
 * Optical character recognition with tesseract.js, offline: the language data comes from the
 * npm packages installed with the app (`@tesseract.js-data/eng`, `…/osd`), never from its CDN,
 * and nothing is cached to disk (`cacheMethod: 'none'`). Images go to the worker as bytes in
 * memory; tesseract's own worker thread does the work, so the main thread only waits.
 */
import { createRequire } from 'node:module';
import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import Tesseract from 'tesseract.js';
import type { Rotation, ScanPage } from './scanPages';
import { WorkerClient } from './WorkerClient';

export interface OcrText {
  text: string;
  /** Tesseract's mean word confidence, 0–100. */
  confidence: number;
}

/** A page that took longer than allowed; the worker was stopped. */
export class OcrTimeoutError extends Error {
  constructor() {
    super('Reading the text of a page took too long.');
    this.name = 'OcrTimeoutError';
  }
}

export interface OcrEngineOptions {
  /** Time allowed to one page (a page takes about a second or two on a laptop). */
  pageTimeoutMs?: number;
}

const require = createRequire(import.meta.url);

interface LangData {
  code: string;
  gzip: boolean;
  langPath: string;
}

/** The options every tesseract worker is created with: local data, no cache, errors as rejections. */
export function tesseractOptions(language: 'eng' | 'osd'): Partial<Tesseract.WorkerOptions> {
  const data = require(`@tesseract.js-data/${language}`) as LangData;
  return {
    langPath: data.langPath, // a folder on disk: tesseract reads it with fs, no fetch
    gzip: data.gzip,
    cacheMethod: 'none', // never writes the (decompressed) data next to the working directory
    // Tesseract's worker script behind a guard that refuses any fetch (see ocrWorker.mjs).
    workerPath: fileURLToPath(
      new URL(import.meta.url.endsWith('.ts') ? './ocrWorker.mjs' : './ocrWorker.js', import.meta.url),
    ),
    // Without a handler tesseract.js throws failed jobs from its message listener: an uncaught exception.
    errorHandler: () => undefined,
    logger: () => undefined,
    ...(language === 'osd' ? { legacyCore: true, legacyLang: true } : {}),
  };
}

/**
 * One tesseract worker per kind of job (reading text; finding a page's orientation), created
 * when first needed and taking one page at a time. A page that runs over its time, or an import
 * that is cancelled, stops the worker; the next page starts a fresh one.
 */
export class OcrEngine {
  private readonly text = new OcrLane('eng');
  private readonly orientation = new OcrLane('osd');
  /**
   * Decoding every image to see whether it is paper costs more than reading it from disk: two
   * decoders where there are two cores, so images do not wait on each other.
   */
  private readonly imagers = Array.from(
    { length: Math.min(2, Math.max(1, availableParallelism())) },
    () => new WorkerClient('pageImageWorker', 1024),
  );

  constructor(private readonly options: OcrEngineOptions = {}) {}

  /**
   * A page as tesseract should see it: decoded (in a worker thread, by pure-JavaScript decoders),
   * turned clockwise by `turn`, scaled to at most `maxSide` pixels, grey (PGM).
   */
  async pageImage(
    page: ScanPage,
    turn: Rotation,
    maxSide: number,
    signal: AbortSignal,
  ): Promise<{ image: Buffer; scale: number; light: number; smooth: number }> {
    const bytes = new Uint8Array(page.bytes); // a copy the worker owns
    const imager = this.imagers.reduce((best, candidate) => (candidate.pending < best.pending ? candidate : best));
    const reply = await imager.request<{ pgm: Uint8Array; scale: number; light: number; smooth: number }>(
      { format: page.format, bytes, tiffPage: page.tiffPage ?? 0, turn, maxSide },
      [bytes.buffer],
      signal,
      this.timeout(),
    );
    const image = Buffer.from(reply.pgm.buffer, reply.pgm.byteOffset, reply.pgm.byteLength);
    return { image, scale: reply.scale, light: reply.light, smooth: reply.smooth };
  }

  /** The text of an upright page image (PNG or JPEG bytes). */
  async recognize(image: Buffer, signal: AbortSignal, dpi = 300): Promise<OcrText> {
    const { data } = await this.text.run(signal, this.timeout(), async (worker) => {
      // The resolution helps tesseract size its text, and keeps it from guessing (and saying so).
      await worker.setParameters({ user_defined_dpi: String(Math.round(dpi)) });
      return worker.recognize(image);
    });
    return { text: cleanText(data.text ?? ''), confidence: data.confidence ?? 0 };
  }

  /** The clockwise turn that would make the page upright, as tesseract's orientation detection sees it. */
  async detectOrientation(
    image: Buffer,
    signal: AbortSignal,
    dpi = 300,
  ): Promise<{ rotation: Rotation; confidence: number }> {
    const { data } = await this.orientation.run(signal, this.timeout(), async (worker) => {
      await worker.setParameters({ user_defined_dpi: String(Math.round(dpi)) });
      return worker.detect(image);
    });
    const degrees = data.orientation_degrees ?? 0;
    const rotation = ([0, 90, 180, 270] as const).find((turn) => turn === degrees) ?? 0;
    return { rotation, confidence: data.orientation_confidence ?? 0 };
  }

  async close(): Promise<void> {
    await Promise.all([this.text.stop(), this.orientation.stop(), ...this.imagers.map((imager) => imager.stop())]);
  }

  private timeout(): number {
    return this.options.pageTimeoutMs ?? 60_000;
  }
}

class OcrLane {
  private worker: Promise<Tesseract.Worker> | null = null;
  /** One job at a time: a page's time limit starts when the worker takes it. */
  private queue: Promise<unknown> = Promise.resolve();

  constructor(private readonly language: 'eng' | 'osd') {}

  run<T>(signal: AbortSignal, timeoutMs: number, job: (worker: Tesseract.Worker) => Promise<T>): Promise<T> {
    const next = this.queue.then(() => this.runNow(signal, timeoutMs, job));
    this.queue = next.catch(() => undefined);
    return next;
  }

  private async runNow<T>(
    signal: AbortSignal,
    timeoutMs: number,
    job: (worker: Tesseract.Worker) => Promise<T>,
  ): Promise<T> {
    signal.throwIfAborted();
    let timer: NodeJS.Timeout | undefined;
    let onAbort: (() => void) | undefined;
    const stopped = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new OcrTimeoutError()), timeoutMs);
      onAbort = () => reject(signal.reason);
      signal.addEventListener('abort', onAbort, { once: true });
    });
    try {
      const worker = await Promise.race([this.ensureWorker(), stopped]);
      return await Promise.race([job(worker), stopped]);
    } catch (error) {
      // Whatever the worker was doing is abandoned with it; the next page gets a fresh one.
      await this.stop();
      throw error;
    } finally {
      clearTimeout(timer);
      signal.removeEventListener('abort', onAbort!);
    }
  }

  private ensureWorker(): Promise<Tesseract.Worker> {
    if (!this.worker) {
      const oem = this.language === 'osd' ? Tesseract.OEM.TESSERACT_ONLY : Tesseract.OEM.LSTM_ONLY;
      const starting = Tesseract.createWorker(this.language, oem, tesseractOptions(this.language));
      starting.catch(() => {
        if (this.worker === starting) this.worker = null;
      });
      this.worker = starting;
    }
    return this.worker;
  }

  async stop(): Promise<void> {
    const worker = this.worker;
    this.worker = null;
    if (!worker) return;
    await worker.then((started) => started.terminate()).catch(() => undefined);
  }
}

/** Tesseract's text with its stray whitespace and lone symbols of noise taken out. */
function cleanText(text: string): string {
  return text
    .split('\n')
    .map((line) => line.replace(/\s+/g, ' ').trim())
    .filter((line) => /[\p{L}\p{N}]{2}/u.test(line))
    .join('\n');
}
