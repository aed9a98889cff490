/**
 * pdf.js, loaded on first use (it is large) with its worker from our own origin; documents are
 * opened with `PDF_VIEW_OPTIONS` (nothing in a PDF runs).
 */
import type * as PdfJs from 'pdfjs-dist';
import workerUrl from 'pdfjs-dist/build/pdf.worker.min.mjs?url';
import { PDF_VIEW_OPTIONS } from './pdfOptions';

let loading: Promise<typeof PdfJs> | null = null;

export function loadPdfJs(): Promise<typeof PdfJs> {
  loading ??= import('pdfjs-dist').then((pdfjs) => {
    pdfjs.GlobalWorkerOptions.workerSrc = workerUrl;
    return pdfjs;
  });
  return loading;
}

let worker: PdfJs.PDFWorker | null = null;

/**
 * One pdf.js worker for every document, started with the first: starting a worker (parsing its
 * 1 MB of code) is most of the time to a first page otherwise. A document's `destroy()` leaves a
 * worker it was given running.
 */
export async function openPdf(url: string) {
  const pdfjs = await loadPdfJs();
  worker ??= new pdfjs.PDFWorker();
  // Only pdf.js's JavaScript JPEG 2000 decoder is looked up here, from our own origin (the build
  // puts it there: electron/build/pdfjsFallbacks.ts); no WebAssembly is fetched (useWasm: false).
  const wasmUrl = new URL('/pdfjs/', window.location.href).href;
  return pdfjs.getDocument({ url, ...PDF_VIEW_OPTIONS, worker, wasmUrl });
}
