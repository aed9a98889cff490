/**
 * Runs inside a worker thread: pdf.js parses untrusted PDFs here, so a pathological file can be
 * stopped (terminate) without freezing or bloating the process that holds the vault.
 */
import { parentPort } from 'node:worker_threads';
import { getDocument } from 'pdfjs-dist/legacy/build/pdf.mjs';

export interface PdfTextRequest {
  id: number;
  data: Uint8Array;
  maxChars: number;
}

export type PdfTextResponse =
  | { id: number; ok: true; text: string; pageCount: number; title: string | null; creationDate: string | null }
  | { id: number; ok: false; errorName: string; message: string };

async function extract(request: PdfTextRequest): Promise<PdfTextResponse> {
  const task = getDocument({
    data: request.data,
    isEvalSupported: false,
    disableFontFace: true,
    useSystemFonts: false,
    verbosity: 0,
  });
  try {
    const pdf = await task.promise;
    const parts: string[] = [];
    let length = 0;
    for (let pageNumber = 1; pageNumber <= pdf.numPages && length < request.maxChars; pageNumber++) {
      const page = await pdf.getPage(pageNumber);
      const content = await page.getTextContent();
      const text = content.items
        .map((item) => ('str' in item ? item.str + (item.hasEOL ? '\n' : ' ') : ''))
        .join('')
        .replace(/[ \t]+/g, ' ')
        .trim();
      parts.push(text);
      length += text.length;
      page.cleanup();
    }
    const meta = await pdf.getMetadata().catch(() => null);
    const info = (meta?.info ?? {}) as { Title?: unknown; CreationDate?: unknown };
    return {
      id: request.id,
      ok: true,
      text: parts.join('\n\n').slice(0, request.maxChars),
      pageCount: pdf.numPages,
      title: typeof info.Title === 'string' ? info.Title : null,
      creationDate: typeof info.CreationDate === 'string' ? info.CreationDate : null,
    };
  } catch (error) {
    const name = (error as Error)?.name ?? 'Error';
    return { id: request.id, ok: false, errorName: name, message: String((error as Error)?.message ?? error) };
  } finally {
    await task.destroy();
  }
}

parentPort?.on('message', (request: PdfTextRequest) => {
  void extract(request).then((response) => parentPort!.postMessage(response));
});
