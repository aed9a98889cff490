import type { DicomInstanceView, DicomSeriesView, DicomStudyView, KeyImage } from '../../../shared/dicom';
import type { DicomStudySummary } from '../../../shared/documents';
import type { Queryable } from '../db/Database';
import { MedvaultError } from '../errors';
import { nowIso } from '../ids';
import { resolveDocumentId } from './repository';

interface InstanceRow {
  position: number;
  series_instance_uid: string;
  sop_instance_uid: string;
  sop_class_uid: string | null;
  modality: string | null;
  body_part: string | null;
  series_description: string | null;
  series_number: number | null;
  instance_number: number | null;
  frames: number;
  transfer_syntax: string;
  rows: number | null;
  columns: number | null;
}

/**
 * The series and instances of an imaging-study document, for the viewer and snapshots: series in
 * series-number order, instances in instance-number order (unnumbered ones last, as stored).
 */
export async function getDicomStudy(q: Queryable, idOrPrefix: string): Promise<DicomStudyView> {
  const id = await resolveDocumentId(q, idOrPrefix);
  const document = await q.get<{ dicom: string | null }>('SELECT dicom FROM documents WHERE id = ?', [id]);
  const rows = await q.all<InstanceRow>(
    `SELECT f.position, i.series_instance_uid, i.sop_instance_uid, i.sop_class_uid, i.modality, i.body_part,
            i.series_description, i.series_number, i.instance_number, i.frames, i.transfer_syntax, i.rows, i.columns
     FROM dicom_instances i JOIN document_files f ON f.blob_id = i.blob_id AND f.document_id = i.document_id
     WHERE i.document_id = ?
     ORDER BY i.series_number IS NULL, i.series_number, i.series_instance_uid,
              i.instance_number IS NULL, i.instance_number, f.position`,
    [id],
  );
  if (rows.length === 0) throw new MedvaultError('invalid-argument', 'This document is not a DICOM study.');
  const series = new Map<string, DicomSeriesView>();
  for (const row of rows) {
    let entry = series.get(row.series_instance_uid);
    if (!entry) {
      entry = {
        seriesInstanceUid: row.series_instance_uid,
        seriesNumber: row.series_number,
        modality: row.modality,
        description: row.series_description,
        bodyPart: row.body_part,
        instances: [],
      };
      series.set(row.series_instance_uid, entry);
    }
    const instance: DicomInstanceView = {
      position: row.position,
      sopInstanceUid: row.sop_instance_uid,
      sopClassUid: row.sop_class_uid,
      instanceNumber: row.instance_number,
      rows: row.rows,
      columns: row.columns,
      frames: row.frames,
      transferSyntax: row.transfer_syntax,
      hasPixels: row.rows !== null && row.columns !== null && row.rows > 0 && row.columns > 0,
    };
    entry.instances.push(instance);
  }
  return {
    documentId: id,
    summary: document?.dicom ? (JSON.parse(document.dicom) as DicomStudySummary) : null,
    series: [...series.values()],
    keyImages: await listKeyImages(q, id),
  };
}

/** A study's key images in the order they were marked. */
export async function listKeyImages(q: Queryable, documentId: string): Promise<KeyImage[]> {
  const rows = await q.all<{ sop_instance_uid: string; frame: number }>(
    'SELECT sop_instance_uid, frame FROM key_images WHERE document_id = ? ORDER BY marked_at, rowid',
    [documentId],
  );
  return rows.map((row) => ({ sopInstanceUid: row.sop_instance_uid, frame: row.frame }));
}

export interface KeyImageChange extends KeyImage {
  /** The study's document id (or a unique prefix of it). */
  id: string;
  /** True marks it (again: no change), false unmarks it (not marked: no change). */
  marked: boolean;
}

/**
 * Marks or unmarks one image of a study as a key image; returns the study as the viewer sees it.
 * An instance not in this study, or a frame it does not have, is refused with a sentence.
 */
export async function setKeyImage(q: Queryable, change: KeyImageChange): Promise<DicomStudyView> {
  const id = await resolveDocumentId(q, change.id);
  const instance = await q.get<{ frames: number; rows: number | null; columns: number | null }>(
    'SELECT frames, rows, columns FROM dicom_instances WHERE document_id = ? AND sop_instance_uid = ?',
    [id, change.sopInstanceUid],
  );
  if (!instance) {
    const study = await q.get('SELECT 1 FROM dicom_instances WHERE document_id = ? LIMIT 1', [id]);
    if (!study) throw new MedvaultError('invalid-argument', 'This document is not a DICOM study.');
    throw new MedvaultError(
      'not-found',
      `This study has no instance with the SOP Instance UID "${change.sopInstanceUid}".`,
    );
  }
  if (!change.marked) {
    await q.run('DELETE FROM key_images WHERE document_id = ? AND sop_instance_uid = ? AND frame = ?', [
      id,
      change.sopInstanceUid,
      change.frame,
    ]);
    return getDicomStudy(q, id);
  }
  if (!instance.rows || !instance.columns)
    throw new MedvaultError('invalid-argument', 'This instance has no image to mark: it is a report or other data.');
  const frames = Math.max(1, instance.frames);
  if (!Number.isInteger(change.frame) || change.frame < 0 || change.frame >= frames) {
    throw new MedvaultError(
      'invalid-argument',
      // Counted from 1 in the sentence, as the viewer shows frames ("frame 3 of 4").
      frames === 1
        ? 'This instance has only one frame.'
        : `This instance has ${frames} frames; there is no frame ${change.frame + 1}.`,
    );
  }
  await q.run(
    `INSERT INTO key_images (document_id, sop_instance_uid, frame, marked_at) VALUES (?, ?, ?, ?)
     ON CONFLICT DO NOTHING`,
    [id, change.sopInstanceUid, change.frame, nowIso()],
  );
  return getDicomStudy(q, id);
}
