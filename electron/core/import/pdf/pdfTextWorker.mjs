/**
 * Runs inside a worker thread: pdf.js parses untrusted PDFs here, so a pathological file can be
 * stopped (terminate) without freezing or bloating the process that holds the vault.
 *
 * Plain JavaScript on purpose: it is started as is, both from the sources (CLI, tests) and from
 * the build, without a TypeScript loader — which would also run over pdf.js itself and cost a
 * second and hundreds of megabytes per start. Messages: see pdfTextProtocol.ts.
 */
import { parentPort } from 'node:worker_threads';
import { getDocument } from 'pdfjs-dist/legacy/build/pdf.mjs';
import { findDocumentActions, findPageActions, newFindings, scanPdfObjects, summarize } from './pdfActiveContent.mjs';

/** @param {{ id: number, data: Uint8Array, maxChars: number }} request */
async function extract(request) {
  const scanned = scanPdfObjects(request.data); // before pdf.js takes the bytes
  const found = newFindings();
  const task = getDocument({
    data: request.data,
    isEvalSupported: false,
    disableFontFace: true,
    useSystemFonts: false,
    verbosity: 0,
  });
  try {
    const pdf = await task.promise;
    await findDocumentActions(pdf, found);
    const parts = [];
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
      await findPageActions(page, found);
      page.cleanup();
    }
    const meta = await pdf.getMetadata().catch(() => null);
    const info = meta?.info ?? {};
    return {
      id: request.id,
      ok: true,
      text: parts.join('\n\n').slice(0, request.maxChars),
      pageCount: pdf.numPages,
      title: typeof info.Title === 'string' ? info.Title : null,
      active: summarize(found, scanned),
    };
  } catch (error) {
    return { id: request.id, ok: false, errorName: error?.name ?? 'Error', message: String(error?.message ?? error) };
  } finally {
    await task.destroy();
  }
}

parentPort?.on('message', (request) => {
  void extract(request).then((response) => parentPort.postMessage(response));
});
