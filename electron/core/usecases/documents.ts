/**
 * Finding, reading and correcting documents: the app's library and viewers and the CLI's
 * `list`, `show`, `tag` and `snapshot` all come here.
 */
import type { LibraryFacets } from '../../../shared/api';
import type { DocumentDetails, DocumentEdit, DocumentFilter, VaultDocument } from '../../../shared/documents';
import type { ReadableDocument } from '../../../shared/readable';
import {
  countByCategory,
  editDocument as editDocumentRow,
  findDocumentFile,
  getDocument as getDocumentRow,
  libraryFacetRows,
  listDocuments as listDocumentRows,
} from '../documents/repository';
import { hasReadableView, readableView } from '../readable/readableDocument';
import { MedvaultError } from '../errors';
import { countPendingText } from '../documents/textRecognition';
import type { Vault } from '../vault/Vault';

export interface DocumentFileSource {
  mediaType: string;
  bytes: number;
  /** Decrypted as it is read; only the chunks the range touches. */
  read(range: { start: number; end: number }): AsyncIterable<Buffer>;
}

export function listDocuments(vault: Vault, filter: DocumentFilter = {}): Promise<VaultDocument[]> {
  return vault.db.read((q) => listDocumentRows(q, filter));
}

export function getDocument(vault: Vault, id: string): Promise<DocumentDetails> {
  return vault.db.read((q) => getDocumentRow(q, id));
}

export function editDocument(vault: Vault, id: string, edit: DocumentEdit): Promise<VaultDocument> {
  return vault.db.transaction((tx) => editDocumentRow(tx, id, edit));
}

export function getFacets(vault: Vault): Promise<LibraryFacets> {
  return vault.db.read(async (q) => {
    const categories = await countByCategory(q);
    const rows = await libraryFacetRows(q);
    return {
      total: categories.reduce((sum, row) => sum + row.count, 0),
      categories,
      needsReview: rows.needsReview,
      textPending: await countPendingText(q),
      providers: rows.providers,
      tags: rows.tags,
    };
  });
}

/** One file of a document, to stream to a viewer. */
export async function openDocumentFile(
  vault: Vault,
  documentId: string,
  position: number,
): Promise<DocumentFileSource> {
  const file = await vault.db.read((q) => findDocumentFile(q, documentId, position));
  return { mediaType: file.mediaType, bytes: file.bytes, read: (range) => vault.blobs.read(file.blobId, range) };
}

/**
 * One file of a document decrypted into memory. `maxBytes` refuses a file too large for that
 * (with `tooLarge` as the sentence) before any of it is read.
 */
export async function readDocumentFile(
  vault: Vault,
  documentId: string,
  position: number,
  limit?: { maxBytes: number; tooLarge: string },
): Promise<Buffer> {
  const file = await vault.db.read((q) => findDocumentFile(q, documentId, position));
  if (limit && file.bytes > limit.maxBytes) throw new MedvaultError('invalid-argument', limit.tooLarge);
  const parts: Buffer[] = [];
  for await (const part of vault.blobs.read(file.blobId, { start: 0, end: file.bytes })) parts.push(part);
  return Buffer.concat(parts);
}

/** A C-CDA or FHIR document as a page (headers, paragraphs, tables); null for other kinds. */
export async function getReadableDocument(vault: Vault, id: string): Promise<ReadableDocument | null> {
  const document = await getDocument(vault, id);
  const file = document.files[0];
  if (!file || !hasReadableView(file.mediaType)) return null;
  return readableView(file.mediaType, await readDocumentFile(vault, document.id, file.position));
}
