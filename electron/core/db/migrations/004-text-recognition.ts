import type { Migration } from './types';

/**
 * Documents whose text is still to be read by OCR (an image, a PDF without a text layer). OCR
 * takes about a second a page, so an import stores the files at disk speed and queues them
 * here; the text is read after the run, and the queue survives a restart.
 */
export const migration004TextRecognition: Migration = {
  version: 4,
  name: 'text-recognition',
  async up(db) {
    await db.exec(`
      CREATE TABLE text_recognition (
        document_id TEXT PRIMARY KEY REFERENCES documents (id) ON DELETE CASCADE,
        position INTEGER NOT NULL,
        kind TEXT NOT NULL CHECK (kind IN ('image', 'pdf')),
        queued_at TEXT NOT NULL
      ) STRICT;
    `);
  },
};
