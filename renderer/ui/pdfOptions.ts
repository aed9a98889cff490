/**
 * How the viewer opens a PDF with pdf.js. Whatever the file holds, nothing in it runs or opens:
 * no eval (the CSP forbids it too; pdf.js would compile fonts with `new Function`) and no XFA
 * forms, which carry scripts. pdf.js's `getDocument` runs no JavaScript itself: scripting lives
 * in its viewer's sandbox, which Medvault does not use. Pages are drawn onto a canvas with no
 * annotation layer, so a PDF's links, form actions and attachments are never live either.
 *
 * Nothing is fetched but the document, and pdf.js's own JavaScript JPEG 2000 decoder from our
 * origin (`wasmUrl`, set in pdf.ts): no cMapUrl or standardFontDataUrl (fonts a PDF does not embed
 * come from the system's fonts) and no WebAssembly (`useWasm: false`: pdf.js uses its JavaScript
 * decoders, whatever the CSP allows).
 */
export const PDF_VIEW_OPTIONS = {
  isEvalSupported: false,
  enableXfa: false,
  // An image larger than this (pixels, 64 MP) is not drawn: a hostile PDF cannot make the
  // window decode a gigapixel picture.
  maxImageSize: 64 * 1024 * 1024,
  useWasm: false,
  // The core serves the bytes with Range support: pdf.js reads only the ranges of the pages it
  // shows (no whole-file stream, no prefetch of the rest), 256 KiB at a time. pdf.ts feeds it
  // those ranges itself (a PDFDataRangeTransport), so no request is ever for the whole file.
  disableStream: true,
  disableAutoFetch: true,
  rangeChunkSize: 256 * 1024,
} as const;
