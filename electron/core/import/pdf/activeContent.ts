import type { PdfActiveContent } from './pdfTextProtocol';

/**
 * The import report's sentences for what in a PDF could act. The file is stored as it came (the
 * vault keeps what the patient received); nothing in it ever runs: the import's pdf.js has no
 * scripting, and the app's viewer neither runs scripts nor opens attachments (see renderer/
 * features/document/pdfOptions.ts).
 */
export function describeActiveContent(active: PdfActiveContent | undefined): string[] {
  if (!active) return [];
  const sentences: string[] = [];
  if (active.javaScript.length > 0) {
    sentences.push(`The PDF contains JavaScript (${active.javaScript.join(', ')}); Medvault never runs it.`);
  }
  if (active.launchActions > 0) {
    sentences.push('The PDF has an action that would start a program or open a file (Launch); Medvault never does.');
  }
  if (active.embeddedFiles > 0) {
    const names = active.attachmentNames.map((name) => name.replace(/[\p{C}]/gu, '').slice(0, 60)).filter(Boolean);
    sentences.push(
      `The PDF carries embedded files${names.length ? ` (${names.join(', ')})` : ''}; they stay inside it and Medvault never opens them.`,
    );
  }
  return sentences;
}
