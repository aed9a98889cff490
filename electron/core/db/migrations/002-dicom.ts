import type { Migration } from './types';

/**
 * DICOM studies: one document per study, one file per instance, and what each instance is
 * (kept to group, dedupe by SOP Instance UID, and show series). Files now also record the run
 * that added them, since a later run can add instances to a study an earlier run created.
 */
export const migration002Dicom: Migration = {
  version: 2,
  name: 'dicom',
  async up(db) {
    await db.exec(`
      ALTER TABLE document_files ADD COLUMN import_run_id TEXT REFERENCES import_runs (id);
      UPDATE document_files SET import_run_id =
        (SELECT d.import_run_id FROM documents d WHERE d.id = document_files.document_id);
      CREATE INDEX document_files_by_run ON document_files (import_run_id);

      CREATE TABLE dicom_instances (
        blob_id TEXT PRIMARY KEY REFERENCES blobs (id),
        document_id TEXT NOT NULL REFERENCES documents (id) ON DELETE CASCADE,
        study_instance_uid TEXT NOT NULL,
        series_instance_uid TEXT NOT NULL,
        sop_instance_uid TEXT NOT NULL UNIQUE,
        sop_class_uid TEXT,
        modality TEXT,
        body_part TEXT,
        series_description TEXT,
        series_number INTEGER,
        instance_number INTEGER,
        frames INTEGER NOT NULL DEFAULT 1,
        transfer_syntax TEXT NOT NULL,
        rows INTEGER,
        columns INTEGER
      ) STRICT;
      CREATE INDEX dicom_instances_by_study ON dicom_instances (study_instance_uid);
      CREATE INDEX dicom_instances_by_document ON dicom_instances (document_id);
    `);
  },
};
