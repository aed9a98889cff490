/**
 * The `text_recognition` queue: documents whose text is still to be read by OCR (images, PDFs
 * without a text layer), queued by the import (`insertDocument`) and emptied by `recognizeText`.
 */
import type { Queryable } from '../db/Database';

/** One queued document, with the file to read. */
export interface PendingText {
  document_id: string;
  position: number;
  kind: 'image' | 'pdf';
  title: string;
  source_path: string;
  blob_id: string;
  bytes: number;
}

const SELECT_PENDING = `
  SELECT r.document_id, r.position, r.kind, d.title, d.source_path, f.blob_id, b.bytes
  FROM text_recognition r
  JOIN documents d ON d.id = r.document_id
  JOIN document_files f ON f.document_id = r.document_id AND f.position = r.position
  JOIN blobs b ON b.id = f.blob_id`;

/** The queue in the order it was filled (only these documents, when given). */
export function pendingText(q: Queryable, documentIds?: readonly string[]): Promise<PendingText[]> {
  return pendingFilter<PendingText>(q, SELECT_PENDING, documentIds, ' ORDER BY r.queued_at, d.seq');
}

/** How many documents are waiting for their text to be read. */
export function countPendingText(q: Queryable, documentIds?: readonly string[]): Promise<number> {
  return pendingFilter(q, 'SELECT count(*) AS n FROM text_recognition r', documentIds).then((rows) => rows[0]!.n);
}

export async function isTextPending(q: Queryable, documentId: string): Promise<boolean> {
  return (await q.get('SELECT 1 FROM text_recognition WHERE document_id = ?', [documentId])) !== undefined;
}

export async function textRecognized(tx: Queryable, documentId: string): Promise<void> {
  await tx.run('DELETE FROM text_recognition WHERE document_id = ?', [documentId]);
}

async function pendingFilter<T = { n: number }>(
  q: Queryable,
  select: string,
  documentIds: readonly string[] | undefined,
  order = '',
): Promise<T[]> {
  if (!documentIds) return q.all<T>(`${select}${order}`);
  if (documentIds.length === 0) return select.includes('count(*)') ? ([{ n: 0 }] as T[]) : [];
  const ids = JSON.stringify(documentIds);
  return q.all<T>(`${select} WHERE r.document_id IN (SELECT value FROM json_each(?))${order}`, [ids]);
}
