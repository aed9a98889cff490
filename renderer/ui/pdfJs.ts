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

/** Bytes [begin, end) of the file, by an HTTP range request (the core decrypts only those chunks). */
async function readRange(url: string, begin: number, end: number, signal?: AbortSignal): Promise<Response> {
  const response = await fetch(url, { headers: { Range: `bytes=${begin}-${end - 1}` }, signal });
  if (!response.ok) throw new Error(`The file could not be read (HTTP ${response.status}).`);
  return response;
}

/**
 * Opens a document file by range: its first chunk (which also tells the length, in Content-Range),
 * then only the chunks pdf.js asks for — never a whole-file request, so the core decrypts what the
 * pages shown need. A file served whole (short, or no Range support) is given to pdf.js as it came.
 *
 * One pdf.js worker serves every document, started with the first: starting a worker (parsing its
 * 1 MB of code) is most of the time to a first page otherwise. A document's `destroy()` leaves a
 * worker it was given running.
 */
export async function openPdf(url: string) {
  const pdfjs = await loadPdfJs();
  worker ??= new pdfjs.PDFWorker();
  // Only pdf.js's JavaScript JPEG 2000 decoder is looked up here, from our own origin (the build
  // puts it there: electron/build/pdfjsFallbacks.ts); no WebAssembly is fetched (useWasm: false).
  const wasmUrl = new URL('/pdfjs/', window.location.href).href;
  const options = { ...PDF_VIEW_OPTIONS, worker, wasmUrl };

  // The start and, at once, the end (a suffix range): pdf.js reads the cross-reference table at the
  // end of the file right after the header, and this saves that round trip.
  const chunk = PDF_VIEW_OPTIONS.rangeChunkSize;
  const [first, last] = await Promise.all([
    readRange(url, 0, chunk),
    fetch(url, { headers: { Range: `bytes=-${chunk}` } }).catch(() => null),
  ]);
  const head = new Uint8Array(await first.arrayBuffer());
  const length = Number(first.headers.get('Content-Range')?.split('/')[1]);
  if (first.status !== 206 || !Number.isSafeInteger(length) || length <= head.length) {
    void last?.body?.cancel();
    return pdfjs.getDocument({ ...options, data: head });
  }
  const tail = last?.status === 206 ? new Uint8Array(await last.arrayBuffer()) : new Uint8Array();
  const tailStart = length - tail.length;

  const aborted = new AbortController();
  const transport = new pdfjs.PDFDataRangeTransport(length, head);
  transport.requestDataRange = (begin: number, end: number) => {
    const bytes =
      begin >= tailStart && end <= length
        ? Promise.resolve(tail.slice(begin - tailStart, end - tailStart).buffer)
        : readRange(url, begin, end, aborted.signal).then((response) => response.arrayBuffer());
    bytes.then(
      (bytes) => transport.onDataRange(begin, new Uint8Array(bytes)),
      // pdf.js would wait for the range for ever: a file that cannot be read ends the document.
      () => void (aborted.signal.aborted ? undefined : task.destroy()),
    );
  };
  transport.abort = () => aborted.abort();
  const task = pdfjs.getDocument({ ...options, range: transport });
  return task;
}
