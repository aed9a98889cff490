import type { OcrEngine } from './OcrEngine';
import { readPageText } from './pageText';
import { WorkerClient } from './WorkerClient';

/** Pages of a text-less PDF read by OCR: the first 50 (a long scan's text after that is left out). */
export const MAX_OCR_PDF_PAGES = 50;
const RENDER_DPI = 300;
const RENDER_MAX_SIDE = 3600;
const RENDER_TIMEOUT_MS = 30_000;

export interface PdfOcrResult {
  text: string;
  pagesRead: number;
  pageCount: number;
}

/**
 * The text of a PDF without a text layer: each page rendered to an image by pdf.js in a worker
 * thread (pdfPageWorker.mjs; one page at a time, in memory), then read by OCR. The worker lives
 * for this one PDF.
 */
export async function readPdfByOcr(data: Buffer, ocr: OcrEngine, signal: AbortSignal): Promise<PdfOcrResult> {
  const renderer = new WorkerClient('pdfPageWorker');
  try {
    const copy = new Uint8Array(data);
    const { pageCount } = await renderer.request<{ pageCount: number }>(
      { kind: 'open', data: copy },
      [copy.buffer],
      signal,
      RENDER_TIMEOUT_MS,
    );
    const pagesRead = Math.min(pageCount, MAX_OCR_PDF_PAGES);
    const texts: string[] = [];
    for (let page = 1; page <= pagesRead; page++) {
      const rendered = await renderer.request<{ png: Uint8Array; width: number; height: number; dpi: number }>(
        { kind: 'render', page, dpi: RENDER_DPI, maxSide: RENDER_MAX_SIDE },
        [],
        signal,
        RENDER_TIMEOUT_MS,
      );
      const png = Buffer.from(rendered.png.buffer, rendered.png.byteOffset, rendered.png.byteLength);
      const dpi = { x: rendered.dpi, y: rendered.dpi };
      const scanPage = { format: 'png', bytes: png, width: rendered.width, height: rendered.height, dpi } as const;
      const { text } = await readPageText(ocr, { ...scanPage, fileRotation: 0 }, undefined, signal);
      texts.push(text);
    }
    return { text: texts.filter(Boolean).join('\n\n'), pagesRead, pageCount };
  } finally {
    await renderer.stop();
  }
}
