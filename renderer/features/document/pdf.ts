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

export async function openPdf(url: string) {
  const pdfjs = await loadPdfJs();
  return pdfjs.getDocument({ url, ...PDF_VIEW_OPTIONS });
}
