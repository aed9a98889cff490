/** Messages between the core and the pdf.js text worker (`pdfTextWorker.mjs`). */
export interface PdfTextRequest {
  id: number;
  data: Uint8Array;
  maxChars: number;
}

export type PdfTextResponse =
  | { id: number; ok: true; text: string; pageCount: number; title: string | null }
  | { id: number; ok: false; errorName: string; message: string };
