import type {
  DicomStudySummary,
  DocumentDetails,
  DocumentEdit,
  DocumentFilter,
  DocumentSourceKind,
  EditableField,
  SuggestionBases,
  VaultDocument,
} from '../../../shared/documents';
import { isIsoDate, REVIEW_THRESHOLD } from '../../../shared/documents';
import {
  DEFAULT_RECORD_TYPE,
  isRecordType,
  type DesignatedRecordSetType,
  type RecordCategory,
} from '../../../shared/recordSet';
import { markDocumentCardPending } from '../db/recordCardsPending';
import type { Queryable, SqlValue } from '../db/Database';
import { insertRows } from '../db/insertRows';
import { MedvaultError } from '../errors';
import { newId, nowIso } from '../ids';

/** What an importer proposes for a document; the patient can change every field later. */
export interface DocumentSuggestion {
  title: string;
  type: DesignatedRecordSetType;
  date: string | null;
  provider: string | null;
  tags?: string[];
  dicom?: DicomStudySummary;
  /** Why each field has its value (confidence and reason), where the importer knows. */
  basis?: SuggestionBases;
}

export interface NewDocument extends DocumentSuggestion {
  sourceKind: DocumentSourceKind;
  sourcePath: string;
  mediaType: string;
  bytes: number;
  runId: string;
  files: { blobId: string; originalPath: string; mediaType: string }[];
  /** Text extracted for search (never shown outside the vault). */
  text: string;
  /** A file whose text is to be read by OCR after the run (see `import/recognition/`). */
  recognizeText?: { position: number; kind: 'image' | 'pdf' };
}

interface DocumentRow {
  seq: number;
  id: string;
  title: string;
  type: DesignatedRecordSetType;
  category: RecordCategory;
  date: string | null;
  provider: string | null;
  tags: string;
  source_kind: DocumentSourceKind;
  source_path: string;
  media_type: string;
  bytes: number;
  imported_at: string;
  edited_fields: string;
  dicom: string | null;
  import_run_id: string;
  suggested: string;
  needs_review: number;
}

const SELECT_DOCUMENTS = `
  SELECT d.seq, d.id, d.title, d.type, t.category, d.date, p.name AS provider,
         (SELECT json_group_array(name) FROM (
            SELECT tg.name FROM document_tags dt JOIN tags tg ON tg.id = dt.tag_id
            WHERE dt.document_id = d.id ORDER BY tg.name COLLATE NOCASE)) AS tags,
         d.source_kind, d.source_path, d.media_type, d.bytes, d.imported_at, d.edited_fields,
         d.dicom, d.import_run_id, d.suggested, d.needs_review
  FROM documents d
  JOIN record_types t ON t.slug = d.type
  LEFT JOIN providers p ON p.id = d.provider_id`;

function toDocument(row: DocumentRow): VaultDocument {
  const editedFields = JSON.parse(row.edited_fields) as EditableField[];
  const suggested = JSON.parse(row.suggested) as SuggestionBases;
  for (const field of editedFields) if (field in suggested) delete suggested[field as keyof SuggestionBases];
  const document: VaultDocument = {
    id: row.id,
    title: row.title,
    type: row.type,
    category: row.category,
    date: row.date,
    provider: row.provider,
    tags: JSON.parse(row.tags) as string[],
    source: { kind: row.source_kind, path: row.source_path },
    mediaType: row.media_type,
    bytes: row.bytes,
    importedAt: row.imported_at,
    editedFields,
    suggested,
    needsReview: row.needs_review === 1,
  };
  if (row.dicom) document.dicom = JSON.parse(row.dicom) as DicomStudySummary;
  return document;
}

export function normalizeTitle(title: string): string {
  const cleaned = title.replace(/\s+/g, ' ').trim().slice(0, 300);
  if (!cleaned) throw new MedvaultError('invalid-argument', 'A title cannot be empty.');
  return cleaned;
}

export function normalizeTag(tag: string): string {
  const cleaned = tag.replace(/\s+/g, ' ').trim().slice(0, 64);
  if (!cleaned) throw new MedvaultError('invalid-argument', 'A tag cannot be empty.');
  return cleaned;
}

function normalizeProvider(provider: string | null): string | null {
  if (provider === null) return null;
  const cleaned = provider.replace(/\s+/g, ' ').trim().slice(0, 200);
  return cleaned || null;
}

/**
 * Whether the patient should check a document's filing: its type is unknown or unsure, or its
 * date is missing or unsure — for fields they have not set themselves.
 */
export function isUnsure(
  document: { type: string; date: string | null; basis: SuggestionBases },
  edited: ReadonlySet<EditableField>,
): boolean {
  const typeUnsure =
    !edited.has('type') &&
    (document.basis.type?.confidence ?? (document.type === DEFAULT_RECORD_TYPE ? 0 : 1)) < REVIEW_THRESHOLD;
  const dateUnsure =
    !edited.has('date') && (document.date === null || (document.basis.date?.confidence ?? 1) < REVIEW_THRESHOLD);
  return typeUnsure || dateUnsure;
}

function checkDate(date: string | null): string | null {
  if (date !== null && !isIsoDate(date)) {
    throw new MedvaultError('invalid-argument', `"${date}" is not a date in the form YYYY-MM-DD.`);
  }
  return date;
}

/**
 * Turns what the patient typed into an FTS5 query that cannot be a syntax error: every word
 * becomes a quoted prefix term, and all must match.
 */
export function ftsQuery(text: string): string | null {
  const words = text.match(/[\p{L}\p{N}]+/gu);
  if (!words) return null;
  return words.map((word) => `"${word}"*`).join(' ');
}

export async function listDocuments(q: Queryable, filter: DocumentFilter = {}): Promise<VaultDocument[]> {
  const where: string[] = [];
  const params: SqlValue[] = [];
  if (filter.category) {
    where.push('t.category = ?');
    params.push(filter.category);
  }
  if (filter.type) {
    where.push('d.type = ?');
    params.push(filter.type);
  }
  if (filter.from) {
    where.push('d.date >= ?');
    params.push(checkDate(filter.from)!);
  }
  if (filter.to) {
    where.push('d.date <= ?');
    params.push(checkDate(filter.to)!);
  }
  if (filter.provider) {
    where.push(`p.name LIKE ? ESCAPE '\\'`);
    params.push(`%${filter.provider.replace(/[\\%_]/g, (c) => `\\${c}`)}%`);
  }
  if (filter.tag) {
    where.push(`EXISTS (SELECT 1 FROM document_tags dt JOIN tags tg ON tg.id = dt.tag_id
                       WHERE dt.document_id = d.id AND tg.name = ? COLLATE NOCASE)`);
    params.push(filter.tag.trim());
  }
  if (filter.needsReview !== undefined) {
    where.push('d.needs_review = ?');
    params.push(filter.needsReview ? 1 : 0);
  }
  if (filter.text !== undefined) {
    const match = ftsQuery(filter.text);
    if (match) {
      where.push('d.seq IN (SELECT rowid FROM document_search WHERE document_search MATCH ?)');
      params.push(match);
    }
  }
  const sql = `${SELECT_DOCUMENTS}
    ${where.length ? `WHERE ${where.join(' AND ')}` : ''}
    ORDER BY d.date IS NULL, d.date DESC, d.title COLLATE NOCASE, d.seq`;
  return (await q.all<DocumentRow>(sql, params)).map(toDocument);
}

/** Finds a document by its id or an unambiguous prefix of it (as typed in the CLI). */
export async function resolveDocumentId(q: Queryable, idOrPrefix: string): Promise<string> {
  const cleaned = idOrPrefix.trim().toLowerCase();
  if (!/^[0-9a-z]{4,32}$/.test(cleaned)) {
    throw new MedvaultError('not-found', `There is no document with id "${idOrPrefix}".`);
  }
  const rows = await q.all<{ id: string }>(`SELECT id FROM documents WHERE id >= ? AND id < ? LIMIT 2`, [
    cleaned,
    `${cleaned}\uffff`,
  ]);
  if (rows.length === 0) throw new MedvaultError('not-found', `There is no document with id "${idOrPrefix}".`);
  if (rows.length > 1 && rows[0]!.id !== cleaned) {
    throw new MedvaultError('invalid-argument', `"${idOrPrefix}" matches more than one document; give more of the id.`);
  }
  return rows[0]!.id;
}

export async function getDocument(q: Queryable, idOrPrefix: string): Promise<DocumentDetails> {
  const id = await resolveDocumentId(q, idOrPrefix);
  const row = await q.get<DocumentRow>(`${SELECT_DOCUMENTS} WHERE d.id = ?`, [id]);
  if (!row) throw new MedvaultError('not-found', `There is no document with id "${idOrPrefix}".`);
  const files = await q.all<{
    position: number;
    original_path: string;
    media_type: string;
    bytes: number;
    sha256: string;
  }>(
    `SELECT f.position, f.original_path, f.media_type, b.bytes, b.sha256
     FROM document_files f JOIN blobs b ON b.id = f.blob_id
     WHERE f.document_id = ? ORDER BY f.position`,
    [id],
  );
  const text = await q.get<{ excerpt: string }>(
    `SELECT substr(body, 1, 400) AS excerpt FROM document_search WHERE rowid = ?`,
    [row.seq],
  );
  return {
    ...toDocument(row),
    importRunId: row.import_run_id,
    files: files.map((file) => ({
      position: file.position,
      originalPath: file.original_path,
      mediaType: file.media_type,
      bytes: file.bytes,
      sha256: file.sha256,
    })),
    textExcerpt: text?.excerpt ? text.excerpt : null,
  };
}

async function providerId(q: Queryable, name: string | null): Promise<number | null> {
  return (await provider(q, name))?.id ?? null;
}

/** The provider of that name (names differing only in case are one provider), added if new. */
export async function provider(q: Queryable, name: string | null): Promise<{ id: number; name: string } | null> {
  const cleaned = normalizeProvider(name);
  if (!cleaned) return null;
  // One statement either way: an existing name is "updated" to itself, which returns its row.
  const row = await q.get<{ id: number; name: string }>(
    'INSERT INTO providers (name) VALUES (?) ON CONFLICT (name) DO UPDATE SET name = providers.name RETURNING id, name',
    [cleaned],
  );
  return row!;
}

export async function addTag(q: Queryable, documentId: string, tag: string): Promise<void> {
  const name = normalizeTag(tag);
  await q.run('INSERT INTO tags (name) VALUES (?) ON CONFLICT (name) DO NOTHING', [name]);
  await q.run(
    `INSERT INTO document_tags (document_id, tag_id) SELECT ?, id FROM tags WHERE name = ?
     ON CONFLICT DO NOTHING`,
    [documentId, name],
  );
}

/** Keeps the search entry in step with the document's title, provider and tags. */
async function reindex(q: Queryable, documentId: string, body?: string): Promise<void> {
  const row = await q.get<{ seq: number; title: string; provider: string | null; tags: string }>(
    `SELECT d.seq, d.title, p.name AS provider,
            (SELECT group_concat(tg.name, ' ') FROM document_tags dt JOIN tags tg ON tg.id = dt.tag_id
             WHERE dt.document_id = d.id) AS tags
     FROM documents d LEFT JOIN providers p ON p.id = d.provider_id WHERE d.id = ?`,
    [documentId],
  );
  if (!row) return;
  let text = body;
  if (text === undefined) {
    const existing = await q.get<{ body: string }>('SELECT body FROM document_search WHERE rowid = ?', [row.seq]);
    text = existing?.body ?? '';
  }
  await q.run('DELETE FROM document_search WHERE rowid = ?', [row.seq]);
  await q.run('INSERT INTO document_search (rowid, title, provider, tags, body) VALUES (?, ?, ?, ?, ?)', [
    row.seq,
    row.title,
    row.provider ?? '',
    row.tags ?? '',
    text,
  ]);
  // The card carries the text; no trigger sees a virtual table change.
  await markDocumentCardPending(q, documentId);
}

/**
 * Adds a document, its files, tags and search entry. An import commits one per file, each waiting
 * its turn on the one connection, so it keeps to a few statements (each is a round trip).
 */
export async function insertDocument(q: Queryable, input: NewDocument): Promise<string> {
  const id = newId();
  const now = nowIso();
  const title = normalizeTitle(input.title);
  const byProvider = await provider(q, input.provider);
  const inserted = await q.get<{ seq: number }>(
    `INSERT INTO documents (id, title, type, date, provider_id, source_kind, source_path, media_type, bytes,
                            import_run_id, imported_at, updated_at, dicom, suggested, needs_review)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING seq`,
    [
      id,
      title,
      input.type,
      checkDate(input.date),
      byProvider?.id ?? null,
      input.sourceKind,
      input.sourcePath,
      input.mediaType,
      input.bytes,
      input.runId,
      now,
      now,
      input.dicom ? JSON.stringify(input.dicom) : null,
      JSON.stringify(input.basis ?? {}),
      isUnsure({ type: input.type, date: input.date, basis: input.basis ?? {} }, new Set()) ? 1 : 0,
    ],
  );
  await insertRows(
    q,
    'document_files',
    ['document_id', 'position', 'blob_id', 'original_path', 'media_type', 'import_run_id'],
    input.files.map((file, position) => [id, position, file.blobId, file.originalPath, file.mediaType, input.runId]),
  );
  // Tags, like providers, are one whatever their case.
  const tags = [...new Map((input.tags ?? []).map(normalizeTag).map((tag) => [tag.toLowerCase(), tag])).values()];
  for (const tag of tags) await addTag(q, id, tag);
  // A new document has no search entry yet: what reindex would read back is all here.
  await q.run('INSERT INTO document_search (rowid, title, provider, tags, body) VALUES (?, ?, ?, ?, ?)', [
    inserted!.seq,
    title,
    byProvider?.name ?? '',
    tags.join(' '),
    input.text,
  ]);
  if (input.recognizeText) {
    await q.run('INSERT INTO text_recognition (document_id, position, kind, queued_at) VALUES (?, ?, ?, ?)', [
      id,
      input.recognizeText.position,
      input.recognizeText.kind,
      now,
    ]);
  }
  return id;
}

/** Adds text read later (OCR) to a document's search entry, after what was there. */
export async function addSearchText(q: Queryable, documentId: string, text: string): Promise<void> {
  const row = await q.get<{ seq: number }>('SELECT seq FROM documents WHERE id = ?', [documentId]);
  if (!row) return;
  const existing = await q.get<{ body: string }>('SELECT body FROM document_search WHERE rowid = ?', [row.seq]);
  await reindex(q, documentId, [existing?.body, text].filter(Boolean).join('\n'));
}

/**
 * Lets a later import fill in what is still unknown about an existing document (no date, no
 * provider, the default type). It never replaces a known value, and never a field the patient
 * edited: those are theirs.
 */
export async function applySuggestion(q: Queryable, documentId: string, suggestion: DocumentSuggestion): Promise<void> {
  const row = await q.get<{
    edited_fields: string;
    date: string | null;
    provider_id: number | null;
    type: string;
    suggested: string;
    needs_review: number;
  }>('SELECT edited_fields, date, provider_id, type, suggested, needs_review FROM documents WHERE id = ?', [
    documentId,
  ]);
  if (!row) return;
  const edited = new Set(JSON.parse(row.edited_fields) as EditableField[]);
  const basis = JSON.parse(row.suggested) as SuggestionBases;
  const updated = { type: row.type, date: row.date, basis };
  const sets: string[] = [];
  const params: SqlValue[] = [];
  if (!edited.has('type') && row.type === DEFAULT_RECORD_TYPE && suggestion.type !== DEFAULT_RECORD_TYPE) {
    sets.push('type = ?');
    params.push(suggestion.type);
    updated.type = suggestion.type;
    if (suggestion.basis?.type) basis.type = suggestion.basis.type;
  }
  if (!edited.has('date') && row.date === null && suggestion.date) {
    sets.push('date = ?');
    params.push(checkDate(suggestion.date));
    updated.date = suggestion.date;
    if (suggestion.basis?.date) basis.date = suggestion.basis.date;
  }
  if (!edited.has('provider') && row.provider_id === null && suggestion.provider) {
    sets.push('provider_id = ?');
    params.push(await providerId(q, suggestion.provider));
    if (suggestion.basis?.provider) basis.provider = suggestion.basis.provider;
  }
  if (sets.length === 0) return;
  // What is filled in can settle a review, never open one the patient already closed.
  const needsReview = row.needs_review === 1 && isUnsure(updated, edited);
  await q.run(`UPDATE documents SET ${sets.join(', ')}, suggested = ?, needs_review = ?, updated_at = ? WHERE id = ?`, [
    ...params,
    JSON.stringify(basis),
    needsReview ? 1 : 0,
    nowIso(),
    documentId,
  ]);
  await reindex(q, documentId);
}

export async function editDocument(q: Queryable, idOrPrefix: string, edit: DocumentEdit): Promise<VaultDocument> {
  const id = await resolveDocumentId(q, idOrPrefix);
  const row = await q.get<{
    edited_fields: string;
    type: string;
    date: string | null;
    suggested: string;
    needs_review: number;
  }>('SELECT edited_fields, type, date, suggested, needs_review FROM documents WHERE id = ?', [id]);
  const edited = new Set(JSON.parse(row!.edited_fields) as EditableField[]);
  const current = { type: row!.type, date: row!.date, basis: JSON.parse(row!.suggested) as SuggestionBases };
  const sets: string[] = [];
  const params: SqlValue[] = [];
  if (edit.title !== undefined) {
    sets.push('title = ?');
    params.push(normalizeTitle(edit.title));
    edited.add('title');
  }
  if (edit.type !== undefined) {
    if (!isRecordType(edit.type))
      throw new MedvaultError('invalid-argument', `"${String(edit.type)}" is not a record type.`);
    sets.push('type = ?');
    params.push(edit.type);
    edited.add('type');
    current.type = edit.type;
  }
  if (edit.date !== undefined) {
    sets.push('date = ?');
    params.push(checkDate(edit.date));
    edited.add('date');
    current.date = edit.date;
  }
  if (edit.provider !== undefined) {
    sets.push('provider_id = ?');
    params.push(await providerId(q, edit.provider));
    edited.add('provider');
  }
  for (const tag of edit.addTags ?? []) {
    await addTag(q, id, tag);
    edited.add('tags');
  }
  for (const tag of edit.removeTags ?? []) {
    await q.run(
      `DELETE FROM document_tags WHERE document_id = ? AND tag_id IN (SELECT id FROM tags WHERE name = ? COLLATE NOCASE)`,
      [id, tag.trim()],
    );
    edited.add('tags');
  }
  await q.run('DELETE FROM tags WHERE id NOT IN (SELECT tag_id FROM document_tags)');
  // Setting the type or date by hand settles that field; "reviewed" settles the document.
  const needsReview = !edit.reviewed && row!.needs_review === 1 && isUnsure(current, edited);
  sets.push('edited_fields = ?', 'needs_review = ?', 'updated_at = ?');
  params.push(JSON.stringify([...edited].sort()), needsReview ? 1 : 0, nowIso());
  await q.run(`UPDATE documents SET ${sets.join(', ')} WHERE id = ?`, [...params, id]);
  await reindex(q, id);
  const updated = await q.get<DocumentRow>(`${SELECT_DOCUMENTS} WHERE d.id = ?`, [id]);
  return toDocument(updated!);
}

/**
 * Removes what an import run added: the documents it created, and the files it added to older
 * documents (instances added to a study already in the vault). Returns the blobs nothing refers
 * to any more, for the caller to delete once this transaction has committed.
 */
export async function deleteRunDocuments(q: Queryable, runId: string): Promise<string[]> {
  const documents = await q.all<{ id: string; seq: number }>('SELECT id, seq FROM documents WHERE import_run_id = ?', [
    runId,
  ]);
  const blobIds = new Set(
    (
      await q.all<{ blob_id: string }>(
        `SELECT DISTINCT f.blob_id FROM document_files f JOIN documents d ON d.id = f.document_id
         WHERE d.import_run_id = ? OR f.import_run_id = ?`,
        [runId, runId],
      )
    ).map((row) => row.blob_id),
  );
  const extended = (
    await q.all<{ document_id: string }>(
      `SELECT DISTINCT f.document_id FROM document_files f JOIN documents d ON d.id = f.document_id
       WHERE f.import_run_id = ? AND d.import_run_id <> ?`,
      [runId, runId],
    )
  ).map((row) => row.document_id);
  for (const document of documents) {
    await q.run('DELETE FROM document_search WHERE rowid = ?', [document.seq]);
    await q.run('DELETE FROM documents WHERE id = ?', [document.id]);
  }
  for (const documentId of extended) {
    await q.run(
      `DELETE FROM dicom_instances WHERE document_id = ? AND blob_id IN
         (SELECT blob_id FROM document_files WHERE document_id = ? AND import_run_id = ?)`,
      [documentId, documentId, runId],
    );
    await q.run('DELETE FROM document_files WHERE document_id = ? AND import_run_id = ?', [documentId, runId]);
    await refreshStudySummary(q, documentId);
  }
  const orphaned: string[] = [];
  for (const blobId of blobIds) {
    const used = await q.get('SELECT 1 FROM document_files WHERE blob_id = ? LIMIT 1', [blobId]);
    if (!used) {
      await q.run('DELETE FROM dicom_instances WHERE blob_id = ?', [blobId]);
      await q.run('DELETE FROM blobs WHERE id = ?', [blobId]);
      orphaned.push(blobId);
    }
  }
  await q.run('DELETE FROM tags WHERE id NOT IN (SELECT tag_id FROM document_tags)');
  return orphaned;
}

/**
 * Recomputes a document's size and, for a study, its summary (modalities, series and instance
 * counts) from the files it holds; the identity fields of the summary are kept as they were.
 */
export async function refreshStudySummary(q: Queryable, documentId: string): Promise<void> {
  const totals = await q.get<{ bytes: number }>(
    `SELECT coalesce(sum(b.bytes), 0) AS bytes FROM document_files f JOIN blobs b ON b.id = f.blob_id
     WHERE f.document_id = ?`,
    [documentId],
  );
  await q.run('UPDATE documents SET bytes = ?, updated_at = ? WHERE id = ?', [totals!.bytes, nowIso(), documentId]);
  const row = await q.get<{ dicom: string | null }>('SELECT dicom FROM documents WHERE id = ?', [documentId]);
  if (!row?.dicom) return;
  const summary = JSON.parse(row.dicom) as DicomStudySummary;
  const counts = await q.get<{ series: number; instances: number }>(
    `SELECT count(DISTINCT series_instance_uid) AS series, count(*) AS instances
     FROM dicom_instances WHERE document_id = ?`,
    [documentId],
  );
  const modalities = await q.all<{ modality: string }>(
    `SELECT DISTINCT modality FROM dicom_instances WHERE document_id = ? AND modality IS NOT NULL ORDER BY modality`,
    [documentId],
  );
  const updated: DicomStudySummary = {
    ...summary,
    modalities: modalities.map((m) => m.modality),
    seriesCount: counts!.series,
    instanceCount: counts!.instances,
  };
  await q.run('UPDATE documents SET dicom = ? WHERE id = ?', [JSON.stringify(updated), documentId]);
}

export interface CategoryCount {
  category: RecordCategory;
  count: number;
}

export async function countByCategory(q: Queryable): Promise<CategoryCount[]> {
  return q.all<CategoryCount>(
    `SELECT c.slug AS category, count(d.id) AS count
     FROM record_categories c
     LEFT JOIN record_types t ON t.category = c.slug
     LEFT JOIN documents d ON d.type = t.slug
     GROUP BY c.slug ORDER BY c.rowid`,
  );
}

/** The library's side panel: what the documents are filed under, who they came from, their tags. */
export async function libraryFacetRows(
  q: Queryable,
): Promise<{ needsReview: number; providers: string[]; tags: string[] }> {
  const needsReview = (await q.get<{ n: number }>('SELECT count(*) AS n FROM documents WHERE needs_review = 1'))!.n;
  const providers = await q.all<{ name: string }>(
    `SELECT name FROM providers WHERE id IN (SELECT provider_id FROM documents) ORDER BY name COLLATE NOCASE`,
  );
  const tags = await q.all<{ name: string }>(
    `SELECT name FROM tags WHERE id IN (SELECT tag_id FROM document_tags) ORDER BY name COLLATE NOCASE`,
  );
  return { needsReview, providers: providers.map((row) => row.name), tags: tags.map((row) => row.name) };
}

/** One stored file of a document: which blob holds it, its media type and size. */
export interface DocumentFileRow {
  blobId: string;
  mediaType: string;
  bytes: number;
}

export async function findDocumentFile(q: Queryable, documentId: string, position: number): Promise<DocumentFileRow> {
  const row = await q.get<{ blob_id: string; media_type: string; bytes: number }>(
    `SELECT f.blob_id, f.media_type, b.bytes FROM document_files f JOIN blobs b ON b.id = f.blob_id
     WHERE f.document_id = ? AND f.position = ?`,
    [documentId, position],
  );
  if (!row) throw new MedvaultError('not-found', 'There is no such document file.');
  return { blobId: row.blob_id, mediaType: row.media_type, bytes: row.bytes };
}

/** The document's first file (the document itself; a study's instances are its other files), with its SHA-256. */
export async function firstDocumentFile(
  q: Queryable,
  documentId: string,
): Promise<{ blobId: string; mediaType: string; sha256: string } | null> {
  const row = await q.get<{ blob_id: string; media_type: string; sha256: string }>(
    `SELECT f.blob_id, f.media_type, b.sha256 FROM document_files f JOIN blobs b ON b.id = f.blob_id
     WHERE f.document_id = ? ORDER BY f.position LIMIT 1`,
    [documentId],
  );
  return row ? { blobId: row.blob_id, mediaType: row.media_type, sha256: row.sha256 } : null;
}

/** Which blob holds each of the document's files, by position. */
export async function documentFileBlobs(q: Queryable, documentId: string): Promise<Map<number, string>> {
  const rows = await q.all<{ position: number; blob_id: string }>(
    'SELECT position, blob_id FROM document_files WHERE document_id = ?',
    [documentId],
  );
  return new Map(rows.map((row) => [row.position, row.blob_id]));
}

export async function countDocuments(q: Queryable): Promise<number> {
  return (await q.get<{ n: number }>('SELECT count(*) AS n FROM documents'))!.n;
}

/** Adds files after the document's last, in order (a study's new instances); returns nothing. */
export async function appendDocumentFiles(
  tx: Queryable,
  documentId: string,
  files: readonly { blobId: string; originalPath: string; mediaType: string }[],
  runId: string,
): Promise<void> {
  const last = await tx.get<{ next: number }>(
    'SELECT coalesce(max(position), -1) + 1 AS next FROM document_files WHERE document_id = ?',
    [documentId],
  );
  let position = last!.next;
  await insertRows(
    tx,
    'document_files',
    ['document_id', 'position', 'blob_id', 'original_path', 'media_type', 'import_run_id'],
    files.map((file) => [documentId, position++, file.blobId, file.originalPath, file.mediaType, runId]),
  );
}
