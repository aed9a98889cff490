/**
 * pdf.js, loaded on first use (it is large) with its worker from our own origin. The CSP allows
 * no eval, so pdf.js must not try to compile fonts with `new Function`.
 */
import type * as PdfJs from 'pdfjs-dist';
import workerUrl from 'pdfjs-dist/build/pdf.worker.min.mjs?url';

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
  return pdfjs.getDocument({
    url,
    isEvalSupported: false,
    // The core serves the bytes with Range support; let pdf.js read only what it shows.
    disableAutoFetch: true,
  });
}
