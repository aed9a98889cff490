/**
 * Runs inside a worker thread: renders the pages of a PDF that has no text layer (a scan saved as
 * PDF) to PNG images in memory, one page per request, for OCR. pdf.js parses untrusted input here,
 * so a pathological file is stopped with the worker. Plain JavaScript for the same reason as
 * pdfTextWorker.mjs (started as is from the sources and from the build).
 *
 * Messages: { id, kind: 'open', data } → { id, ok, pageCount }
 *           { id, kind: 'render', page, dpi, maxSide } → { id, ok, png, width, height, dpi }
 */
import { parentPort } from 'node:worker_threads';
import { getDocument } from 'pdfjs-dist/legacy/build/pdf.mjs';

/** @type {import('pdfjs-dist').PDFDocumentLoadingTask | null} */
let task = null;
/** @type {import('pdfjs-dist').PDFDocumentProxy | null} */
let pdf = null;

async function handle(request) {
  if (request.kind === 'open') {
    task = getDocument({
      data: request.data,
      isEvalSupported: false,
      disableFontFace: true,
      useSystemFonts: false,
      verbosity: 0,
    });
    pdf = await task.promise;
    return { pageCount: pdf.numPages };
  }
  if (!pdf) throw new Error('no PDF is open');
  const page = await pdf.getPage(request.page);
  try {
    const base = page.getViewport({ scale: 1 });
    // The page's resolution, lowered so that its longest side stays within maxSide pixels.
    const scale = Math.min(request.dpi / 72, request.maxSide / Math.max(base.width, base.height));
    const viewport = page.getViewport({ scale });
    const { canvas, context } = pdf.canvasFactory.create(Math.ceil(viewport.width), Math.ceil(viewport.height));
    context.fillStyle = '#fff';
    context.fillRect(0, 0, canvas.width, canvas.height);
    await page.render({ canvasContext: context, viewport, canvas }).promise;
    const png = new Uint8Array(await canvas.encode('png'));
    pdf.canvasFactory.destroy({ canvas, context });
    return { png, width: canvas.width, height: canvas.height, dpi: scale * 72 };
  } finally {
    page.cleanup();
  }
}

parentPort?.on('message', (request) => {
  handle(request).then(
    (result) => {
      const transfer = result.png ? [result.png.buffer] : [];
      parentPort.postMessage({ id: request.id, ok: true, ...result }, transfer);
    },
    (error) => parentPort.postMessage({ id: request.id, ok: false, message: String(error?.message ?? error) }),
  );
});
