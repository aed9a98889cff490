/**
 * How the viewer opens a PDF with pdf.js. Whatever the file holds, nothing in it runs or opens:
 * no eval (the CSP forbids it too; pdf.js would compile fonts with `new Function`) and no XFA
 * forms, which carry scripts. pdf.js's `getDocument` runs no JavaScript itself: scripting lives
 * in its viewer's sandbox, which Medvault does not use. Pages are drawn onto a canvas with no
 * annotation layer, so a PDF's links, form actions and attachments are never live either.
 */
export const PDF_VIEW_OPTIONS = {
  isEvalSupported: false,
  enableXfa: false,
  // The core serves the bytes with Range support; let pdf.js read only what it shows.
  disableAutoFetch: true,
} as const;
