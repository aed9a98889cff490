import type { ImportFailure } from '../../../../shared/imports';
import { DEFAULT_RECORD_TYPE } from '../../../../shared/recordSet';
import { decideSuggestion } from '../../classify/textSuggestion';
import { addSearchText, applySuggestion } from '../../documents/repository';
import {
  countPendingText,
  isTextPending,
  pendingText,
  textRecognized,
  type PendingText,
} from '../../documents/textRecognition';

export { countPendingText } from '../../documents/textRecognition';
import type { Vault } from '../../vault/Vault';
import { readImageText, readPdfText } from '../scan/ocrFiles';
import { OcrEngine } from '../scan/OcrEngine';
import type { FoundFile } from '../types';

export interface RecognitionProgress {
  done: number;
  total: number;
  /** The document being read now. */
  current: string | null;
}

export interface RecognitionResult {
  /** Documents whose text was read (some may have had none). */
  recognized: number;
  /** Documents still waiting (cancelled, or another process got there first). */
  remaining: number;
  /** Files whose text could not be read, and why; they stay in the vault as they are. */
  problems: ImportFailure[];
}

/**
 * Reads by OCR the text of the documents an import queued (images, PDFs without a text layer):
 * one at a time, each decrypted in memory only, its text added to the search index and, where
 * the document's type, date or provider is still unknown, used to file it. Cancelling leaves the
 * rest queued for next time; a file whose text cannot be read is reported and dropped from the
 * queue, the document itself untouched.
 */
export async function recognizePendingText(
  vault: Vault,
  options: {
    signal?: AbortSignal;
    onProgress?: (progress: RecognitionProgress) => void;
    /** Only these documents (an import's); by default every one queued. */
    documentIds?: readonly string[];
    ocr?: OcrEngine;
  } = {},
): Promise<RecognitionResult> {
  const signal = options.signal ?? new AbortController().signal;
  const queue = await vault.db.read((q) => pendingText(q, options.documentIds));
  const problems: ImportFailure[] = [];
  const progress: RecognitionProgress = { done: 0, total: queue.length, current: null };
  const ocr = options.ocr ?? new OcrEngine();
  let recognized = 0;
  try {
    for (const item of queue) {
      if (signal.aborted) break;
      progress.current = item.title;
      options.onProgress?.({ ...progress });
      const text = await readText(vault, item, ocr, signal, problems);
      if (text === null) break; // cancelled mid-read: the item stays queued
      await vault.db.transaction(async (tx) => {
        if (!(await isTextPending(tx, item.document_id))) return; // removed meanwhile (its import undone, or done by another run)
        if (text.trim()) {
          await addSearchText(tx, item.document_id, text);
          // What the text says fills in only what is still unknown, never what the patient set.
          const filed = decideSuggestion(
            { title: item.title, type: DEFAULT_RECORD_TYPE, date: null, provider: null },
            { text },
          );
          await applySuggestion(tx, item.document_id, filed);
        }
        await textRecognized(tx, item.document_id);
      });
      recognized += 1;
      progress.done += 1;
      options.onProgress?.({ ...progress, current: null });
    }
  } finally {
    if (!options.ocr) await ocr.close();
  }
  const remaining = await vault.db.read((q) => countPendingText(q, options.documentIds));
  return { recognized, remaining, problems };
}

async function readText(
  vault: Vault,
  item: PendingText,
  ocr: OcrEngine,
  signal: AbortSignal,
  problems: ImportFailure[],
): Promise<string | null> {
  const parts: Buffer[] = [];
  try {
    for await (const part of vault.blobs.read(item.blob_id)) parts.push(part);
  } catch (error) {
    problems.push({ path: item.source_path, reason: `The file could not be read from the vault (${String(error)}).` });
    return '';
  }
  const file: FoundFile = { path: item.source_path, relativePath: item.source_path, bytes: item.bytes };
  const context = { signal, warn: (_file: FoundFile, reason: string) => problems.push({ path: file.path, reason }) };
  try {
    const bytes = Buffer.concat(parts);
    return item.kind === 'image'
      ? await readImageText(file, bytes, ocr, context)
      : await readPdfText(file, bytes, ocr, context);
  } catch (error) {
    if (signal.aborted) return null;
    throw error;
  }
}
