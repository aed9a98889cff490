/**
 * Record cards' content: what a rescue needs to rebuild a document's (a disclosure's, the
 * settings') rows, read from the database as one JSON card, and put back into a new database from
 * one. Which cards are due is the journal's (`db/recordCardsPending.ts`); sealing and writing them
 * is `vault/recordCardStore.ts`'s.
 *
 * Rows are carried column by column as SQLite holds them, with the schema version they were
 * read under, so a column added later is carried without a new card format. Ids that are only
 * this database's (a provider's or tag's row id, a document's search rowid) are not carried:
 * providers and tags go by name.
 */
import { LATEST_SCHEMA_VERSION } from '../db/migrations';
import type { Queryable, SqlValue } from '../db/Database';
import { parseCardName, type CardName } from '../db/recordCardsPending';
import { addTag, provider } from './repository';

export { parseCardName, type CardName };

export const RECORD_CARD_FORMAT = 'medvault-record-card';
export const RECORD_CARD_VERSION = 1;

export type CardRow = Record<string, string | number | null>;

interface CardBase {
  format: typeof RECORD_CARD_FORMAT;
  version: typeof RECORD_CARD_VERSION;
  /** The schema the rows were read under (`PRAGMA user_version`). */
  schema: number;
  writtenAt: string;
}

export interface DocumentCard extends CardBase {
  kind: 'document';
  document: CardRow;
  provider: string | null;
  tags: string[];
  /** The import runs its document and files name (a later run may have added files to a study). */
  runs: CardRow[];
  files: CardRow[];
  blobs: CardRow[];
  dicomInstances: CardRow[];
  keyImages: CardRow[];
  textRecognition: CardRow[];
  /** The extracted text (PDF text layer, OCR, C-CDA and FHIR narrative) the search index holds. */
  text: string;
}

export interface DisclosureCard extends CardBase {
  kind: 'disclosure';
  disclosure: CardRow;
  documents: CardRow[];
}

export interface SettingsCard extends CardBase {
  kind: 'settings';
  settings: CardRow[];
}

export type RecordCard = DocumentCard | DisclosureCard | SettingsCard;

/** The card as the database holds it now; null when what it stood for is gone. */
export async function readCard(q: Queryable, name: CardName, writtenAt: string): Promise<RecordCard | null> {
  const parsed = parseCardName(name);
  if (!parsed) return null;
  const base = {
    format: RECORD_CARD_FORMAT,
    version: RECORD_CARD_VERSION,
    schema: await schemaVersion(q),
    writtenAt,
  } as const;
  if (parsed.kind === 'settings') {
    const settings = await q.all<CardRow>('SELECT * FROM settings ORDER BY key');
    return settings.length ? { ...base, kind: 'settings', settings } : null;
  }
  if (parsed.kind === 'disclosure') {
    const disclosure = await q.get<CardRow>('SELECT * FROM disclosures WHERE id = ?', [parsed.id]);
    if (!disclosure) return null;
    const documents = await q.all<CardRow>(
      'SELECT * FROM disclosure_documents WHERE disclosure_id = ? ORDER BY position',
      [parsed.id],
    );
    return { ...base, kind: 'disclosure', disclosure, documents };
  }
  const id = parsed.id;
  const document = await q.get<CardRow>('SELECT * FROM documents WHERE id = ?', [id]);
  if (!document) return null;
  const seq = document.seq ?? null;
  const providerId = document.provider_id ?? null;
  delete document.seq;
  delete document.provider_id;
  const provider =
    providerId === null
      ? null
      : ((await q.get<{ name: string }>('SELECT name FROM providers WHERE id = ?', [providerId]))?.name ?? null);
  const tags = await q.all<{ name: string }>(
    `SELECT t.name FROM document_tags dt JOIN tags t ON t.id = dt.tag_id WHERE dt.document_id = ? ORDER BY t.name`,
    [id],
  );
  const files = await q.all<CardRow>('SELECT * FROM document_files WHERE document_id = ? ORDER BY position', [id]);
  const blobs = await q.all<CardRow>(
    `SELECT b.* FROM blobs b WHERE b.id IN (SELECT blob_id FROM document_files WHERE document_id = ?) ORDER BY b.id`,
    [id],
  );
  const runs = await q.all<CardRow>(
    `SELECT * FROM import_runs WHERE id = ? OR id IN (SELECT import_run_id FROM document_files WHERE document_id = ?)
     ORDER BY started_at, id`,
    [document.import_run_id ?? null, id],
  );
  const dicomInstances = await q.all<CardRow>('SELECT * FROM dicom_instances WHERE document_id = ? ORDER BY blob_id', [
    id,
  ]);
  const keyImages = await q.all<CardRow>(
    'SELECT * FROM key_images WHERE document_id = ? ORDER BY marked_at, sop_instance_uid, frame',
    [id],
  );
  const textRecognition = await q.all<CardRow>('SELECT * FROM text_recognition WHERE document_id = ?', [id]);
  const search = await q.get<{ body: string }>('SELECT body FROM document_search WHERE rowid = ?', [seq]);
  return {
    ...base,
    kind: 'document',
    document,
    provider,
    tags: tags.map((tag) => tag.name),
    runs,
    files,
    blobs,
    dicomInstances,
    keyImages,
    textRecognition,
    text: search?.body ?? '',
  };
}

async function schemaVersion(q: Queryable): Promise<number> {
  return (await q.get<{ user_version: number }>('PRAGMA user_version'))?.user_version ?? 0;
}

/** Why a card cannot go back into the database, in one sentence. */
export class CardRejected extends Error {}

/**
 * Puts one card's rows into a new database (the caller's transaction; a savepoint per card, so a
 * card that does not fit leaves nothing behind). Runs a rescue found still running are taken as
 * completed: their documents are here, and an open would otherwise undo them.
 */
export async function restoreCard(tx: Queryable, card: RecordCard): Promise<void> {
  if (card.schema > LATEST_SCHEMA_VERSION) {
    throw new CardRejected(`it was written by a newer version of Medvault (schema ${card.schema})`);
  }
  await tx.exec('SAVEPOINT restore_card');
  try {
    const columns = new ColumnCache(tx);
    if (card.kind === 'settings') {
      for (const row of card.settings) await insertRow(tx, columns, 'settings', row, 'REPLACE');
    } else if (card.kind === 'disclosure') {
      await insertRow(tx, columns, 'disclosures', card.disclosure);
      for (const row of card.documents) await insertRow(tx, columns, 'disclosure_documents', row);
    } else {
      await restoreDocument(tx, columns, card);
    }
    await tx.exec('RELEASE restore_card');
  } catch (error) {
    await tx.exec('ROLLBACK TO restore_card; RELEASE restore_card');
    if (error instanceof CardRejected) throw error;
    throw new CardRejected(`its rows do not fit the database (${(error as Error).message})`);
  }
}

async function restoreDocument(tx: Queryable, columns: ColumnCache, card: DocumentCard): Promise<void> {
  for (const run of card.runs) {
    const status = run.status === 'running' ? 'completed' : (run.status ?? null);
    await insertRow(tx, columns, 'import_runs', { ...run, status }, 'IGNORE');
  }
  const providerId = (await provider(tx, card.provider))?.id ?? null;
  for (const blob of card.blobs) {
    const known = await tx.get<{ id: string }>('SELECT id FROM blobs WHERE sha256 = ?', [blob.sha256 ?? null]);
    if (known && known.id !== blob.id) throw new CardRejected('its file is recorded twice under two names');
    if (!known) await insertRow(tx, columns, 'blobs', blob);
  }
  const seq = await insertRow(tx, columns, 'documents', { ...card.document, provider_id: providerId });
  for (const file of card.files) await insertRow(tx, columns, 'document_files', file);
  for (const tag of card.tags) await addTag(tx, String(card.document.id), tag);
  for (const instance of card.dicomInstances) await insertRow(tx, columns, 'dicom_instances', instance);
  for (const mark of card.keyImages) await insertRow(tx, columns, 'key_images', mark);
  for (const queued of card.textRecognition) await insertRow(tx, columns, 'text_recognition', queued);
  await tx.run('INSERT INTO document_search (rowid, title, provider, tags, body) VALUES (?, ?, ?, ?, ?)', [
    seq,
    card.document.title ?? '',
    card.provider ?? '',
    card.tags.join(' '),
    card.text,
  ]);
}

/** Each table's columns as this database has them: a card's column this schema lacks is refused. */
class ColumnCache {
  private readonly known = new Map<string, Set<string>>();
  constructor(private readonly q: Queryable) {}
  async of(table: string): Promise<Set<string>> {
    let columns = this.known.get(table);
    if (!columns) {
      const rows = await this.q.all<{ name: string }>(`SELECT name FROM pragma_table_info(?)`, [table]);
      columns = new Set(rows.map((row) => row.name));
      this.known.set(table, columns);
    }
    return columns;
  }
}

async function insertRow(
  tx: Queryable,
  cache: ColumnCache,
  table: string,
  row: CardRow,
  onConflict: 'ABORT' | 'IGNORE' | 'REPLACE' = 'ABORT',
): Promise<number> {
  const columns = await cache.of(table);
  const names = Object.keys(row);
  for (const name of names) {
    if (!columns.has(name)) throw new CardRejected(`it has a column this version does not know (${table}.${name})`);
  }
  const values: SqlValue[] = names.map((name) => row[name] ?? null);
  const result = await tx.run(
    `INSERT OR ${onConflict} INTO ${table} (${names.map((name) => `"${name}"`).join(', ')})
     VALUES (${names.map(() => '?').join(', ')})`,
    values,
  );
  return result.lastID;
}
