/** Reading the text of images and text-less PDFs by OCR: after `medvault import`, and `medvault ocr`. */
import { countQueuedText, readQueuedText, type RecognitionProgress, type RecognitionResult } from '../usecases/text';
import type { Vault } from '../usecases/vaults';

export interface TextIo {
  err: (text: string) => void;
  /** Progress on the terminal's status line, when it is one. */
  status?: (line: string) => void;
}

/**
 * Reads the text the given documents (or every one) still wait for, with progress. Ctrl-C
 * (`signal`) stops between pages and leaves the rest queued for `medvault ocr`.
 */
export async function readPendingText(
  vault: Vault,
  io: TextIo,
  options: { signal: AbortSignal; documentIds?: readonly string[]; quiet?: boolean },
): Promise<RecognitionResult | null> {
  const pending = await countQueuedText(vault, options.documentIds);
  if (pending === 0) return null;
  if (!options.quiet) {
    io.err(
      `Reading the text of ${pending} scanned page${pending === 1 ? '' : 's'} or image${pending === 1 ? '' : 's'} (OCR, about a second a page; Ctrl-C leaves it for "medvault ocr")…`,
    );
  }
  const started = Date.now();
  const result = await readQueuedText(vault, {
    signal: options.signal,
    documentIds: options.documentIds,
    onProgress: io.status ? (progress) => io.status!(textProgressLine(progress, started)) : undefined,
  });
  io.status?.('');
  return result;
}

export function textProgressLine(progress: RecognitionProgress, started: number): string {
  const elapsed = (Date.now() - started) / 1000;
  const current = progress.current ? ` · ${progress.current.slice(0, 40)}` : '';
  return `Reading text ${progress.done}/${progress.total} · ${Math.round(elapsed)} s${current}`;
}

/** One line on what reading text did, for the import's summary. */
export function describeTextResult(result: RecognitionResult): string[] {
  const lines = [`Read the text of ${result.recognized} document${result.recognized === 1 ? '' : 's'} by OCR.`];
  if (result.remaining > 0) {
    lines.push(
      `${result.remaining} document${result.remaining === 1 ? '' : 's'} still wait${result.remaining === 1 ? 's' : ''} for OCR: run "medvault ocr".`,
    );
  }
  for (const problem of result.problems) lines.push(`  note: ${problem.path}: ${problem.reason}`);
  return lines;
}
