/** Messages between the core and the pdf.js text worker (`pdfTextWorker.mjs`). */
export interface PdfTextRequest {
  id: number;
  data: Uint8Array;
  maxChars: number;
}

/** What in the PDF could act rather than show (see `pdfActiveContent.mjs`). */
export interface PdfActiveContent {
  /** Where scripts are, in the report's words ('run on opening', 'form fields', …); empty if none. */
  javaScript: string[];
  launchActions: number;
  embeddedFiles: number;
  attachmentNames: string[];
}

export type PdfTextResponse =
  | { id: number; ok: true; text: string; pageCount: number; title: string | null; active: PdfActiveContent }
  | { id: number; ok: false; errorName: string; message: string };
