/** Types of the plain-JS module (it runs in the pdf.js worker thread, which loads no TypeScript). */
export function scanPdfObjects(data: Uint8Array): {
  javaScriptActions: number;
  launchActions: number;
  embeddedFiles: number;
};
