/**
 * The `blobs` table: one row per stored file's content (its SHA-256 and size), by the blob store's
 * id. What the importers, the backup and the vault's checks ask of it.
 */
import type { Queryable, SqlValue } from '../db/Database';
import { insertRows } from '../db/insertRows';
import { nowIso } from '../ids';

export interface BlobRow {
  blobId: string;
  sha256: string;
  bytes: number;
}

/** Records a blob unless one with the same content is there (two identical files in flight): false then. */
export async function insertBlobRow(tx: Queryable, blob: BlobRow): Promise<boolean> {
  const { changes } = await tx.run(
    'INSERT INTO blobs (id, sha256, bytes, created_at) VALUES (?, ?, ?, ?) ON CONFLICT (sha256) DO NOTHING',
    [blob.blobId, blob.sha256, blob.bytes, nowIso()],
  );
  return changes > 0;
}

/** Records many blobs at once (none of them may be there yet). */
export async function insertBlobRows(tx: Queryable, blobs: readonly BlobRow[]): Promise<void> {
  const now = nowIso();
  const rows: SqlValue[][] = blobs.map((blob) => [blob.blobId, blob.sha256, blob.bytes, now]);
  await insertRows(tx, 'blobs', ['id', 'sha256', 'bytes', 'created_at'], rows);
}

/** The blobs already stored with these contents, by SHA-256. */
export async function blobIdsBySha256(q: Queryable, hashes: readonly string[]): Promise<Map<string, string>> {
  const known = new Map<string, string>();
  for (let start = 0; start < hashes.length; start += 500) {
    const some = hashes.slice(start, start + 500);
    const rows = await q.all<{ id: string; sha256: string }>(
      `SELECT id, sha256 FROM blobs WHERE sha256 IN (${some.map(() => '?').join(', ')})`,
      some,
    );
    for (const row of rows) known.set(row.sha256, row.id);
  }
  return known;
}

/** The stored blob with this content, and a document that has it (one query: imports ask per file). */
export async function blobOwner(
  q: Queryable,
  sha256: string,
): Promise<{ blobId: string; documentId: string | null } | null> {
  const row = await q.get<{ id: string; document_id: string | null }>(
    `SELECT b.id, (SELECT f.document_id FROM document_files f WHERE f.blob_id = b.id LIMIT 1) AS document_id
     FROM blobs b WHERE b.sha256 = ?`,
    [sha256],
  );
  return row ? { blobId: row.id, documentId: row.document_id } : null;
}

/** Every blob's id, in order. */
export async function allBlobIds(q: Queryable): Promise<string[]> {
  const rows = await q.all<{ id: string }>('SELECT id FROM blobs ORDER BY id');
  return rows.map((row) => row.id);
}

/** Every blob with what it should hold, and a document that has it, for a check of the files. */
export function blobsToVerify(
  q: Queryable,
): Promise<{ id: string; sha256: string; bytes: number; document_id: string | null }[]> {
  return q.all(
    `SELECT b.id, b.sha256, b.bytes,
            (SELECT document_id FROM document_files f WHERE f.blob_id = b.id LIMIT 1) AS document_id
     FROM blobs b ORDER BY b.id`,
  );
}
