import type { Migration } from './types';

/**
 * Key images: the instances (and frames) of a study the patient marked in the viewer, in the
 * order marked. A packet shows a study by its key images. A row goes with its document and with
 * its instance (an import run undone takes the instances it added).
 */
export const migration005KeyImages: Migration = {
  version: 5,
  name: 'key-images',
  async up(db) {
    await db.exec(`
      CREATE TABLE key_images (
        document_id TEXT NOT NULL REFERENCES documents (id) ON DELETE CASCADE,
        sop_instance_uid TEXT NOT NULL REFERENCES dicom_instances (sop_instance_uid) ON DELETE CASCADE,
        frame INTEGER NOT NULL DEFAULT 0 CHECK (frame >= 0),
        marked_at TEXT NOT NULL,
        PRIMARY KEY (document_id, sop_instance_uid, frame)
      ) STRICT;
    `);
  },
};
