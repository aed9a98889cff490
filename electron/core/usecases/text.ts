/** Text read by OCR after an import: what still waits, and reading it (stopped by a signal). */
import {
  countPendingText,
  recognizePendingText,
  type RecognitionProgress,
  type RecognitionResult,
} from '../import/recognition/recognizeText';
import type { Vault } from '../vault/Vault';

export type { RecognitionProgress, RecognitionResult };

export function countQueuedText(vault: Vault, documentIds?: readonly string[]): Promise<number> {
  return vault.db.read((q) => countPendingText(q, documentIds));
}

export function readQueuedText(
  vault: Vault,
  options: {
    signal: AbortSignal;
    documentIds?: readonly string[];
    onProgress?: (progress: RecognitionProgress) => void;
  },
): Promise<RecognitionResult> {
  return recognizePendingText(vault, options);
}
