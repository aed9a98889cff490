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

/** The study's instances already in the vault, SOP Instance UID → document. */
export async function instancesOfStudy(q: Queryable, studyUid: string): Promise<Map<string, string | null>> {
  const rows = await q.all<{ sop_instance_uid: string; document_id: string }>(
    'SELECT sop_instance_uid, document_id FROM dicom_instances WHERE study_instance_uid = ?',
    [studyUid],
  );
  return new Map<string, string | null>(rows.map((row) => [row.sop_instance_uid, row.document_id]));
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
