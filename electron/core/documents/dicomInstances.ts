/**
 * The `dicom_instances` table: one row per DICOM file of a study document (its UIDs, series and
 * image numbers, frames, transfer syntax), which the viewer and the packets read the study from.
 */
import type { Queryable, SqlValue } from '../db/Database';
import { insertRows } from '../db/insertRows';

/** What is stored of one DICOM instance, as the importer parsed it. */
export interface StoredDicomInstance {
  studyInstanceUid: string;
  seriesInstanceUid: string;
  sopInstanceUid: string;
  sopClassUid: string | null;
  modality: string | null;
  bodyPart: string | null;
  seriesDescription: string | null;
  seriesNumber: number | null;
  instanceNumber: number | null;
  frames: number;
  transferSyntax: string;
  rows: number | null;
  columns: number | null;
}

const INSTANCE_COLUMNS = [
  'blob_id',
  'document_id',
  'study_instance_uid',
  'series_instance_uid',
  'sop_instance_uid',
  'sop_class_uid',
  'modality',
  'body_part',
  'series_description',
  'series_number',
  'instance_number',
  'frames',
  'transfer_syntax',
  'rows',
  'columns',
];

export async function insertDicomInstances(
  tx: Queryable,
  documentId: string,
  instances: readonly { blobId: string; instance: StoredDicomInstance }[],
): Promise<void> {
  const rows: SqlValue[][] = instances.map(({ blobId, instance }) => [
    blobId,
    documentId,
    instance.studyInstanceUid,
    instance.seriesInstanceUid,
    instance.sopInstanceUid,
    instance.sopClassUid,
    instance.modality,
    instance.bodyPart,
    instance.seriesDescription,
    instance.seriesNumber,
    instance.instanceNumber,
    instance.frames,
    instance.transferSyntax,
    instance.rows,
    instance.columns,
  ]);
  await insertRows(tx, 'dicom_instances', INSTANCE_COLUMNS, rows);
}

/** An instance as stored: the document it is in and the SHA-256 of its file. */
export interface StoredInstanceRef {
  documentId: string | null;
  sha256: string;
}

/** The study's instances already in the vault, by SOP Instance UID. */
export async function instancesOfStudy(q: Queryable, studyUid: string): Promise<Map<string, StoredInstanceRef>> {
  const rows = await q.all<{ sop_instance_uid: string; document_id: string; sha256: string }>(
    `SELECT i.sop_instance_uid, i.document_id, b.sha256 FROM dicom_instances i JOIN blobs b ON b.id = i.blob_id
     WHERE i.study_instance_uid = ?`,
    [studyUid],
  );
  return new Map(rows.map((row) => [row.sop_instance_uid, { documentId: row.document_id, sha256: row.sha256 }]));
}

/** Which of these SOP Instance UIDs are stored already, in any study. */
export async function storedInstances(
  q: Queryable,
  sopInstanceUids: readonly string[],
): Promise<Map<string, StoredInstanceRef>> {
  const found = new Map<string, StoredInstanceRef>();
  for (let start = 0; start < sopInstanceUids.length; start += 500) {
    const some = sopInstanceUids.slice(start, start + 500);
    const rows = await q.all<{ sop_instance_uid: string; document_id: string; sha256: string }>(
      `SELECT i.sop_instance_uid, i.document_id, b.sha256 FROM dicom_instances i JOIN blobs b ON b.id = i.blob_id
       WHERE i.sop_instance_uid IN (${some.map(() => '?').join(', ')})`,
      some,
    );
    for (const row of rows) found.set(row.sop_instance_uid, { documentId: row.document_id, sha256: row.sha256 });
  }
  return found;
}

/** The imaging-study document that already holds this study, if one does. */
export async function studyDocumentOf(q: Queryable, studyUid: string): Promise<string | null> {
  const row = await q.get<{ document_id: string }>(
    `SELECT i.document_id FROM dicom_instances i JOIN documents d ON d.id = i.document_id
     WHERE i.study_instance_uid = ? AND d.type = 'imaging-study' LIMIT 1`,
    [studyUid],
  );
  return row?.document_id ?? null;
}
