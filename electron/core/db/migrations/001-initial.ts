import { RECORD_CATEGORIES, RECORD_TYPES_BY_CATEGORY } from '../../../../shared/recordSet';
import type { Migration } from './types';

/** The first schema: documents and their files, tags, providers, import runs, disclosures, search. */
export const migration001Initial: Migration = {
  version: 1,
  name: 'initial',
  async up(db) {
    await db.exec(`
      CREATE TABLE record_categories (
        slug TEXT PRIMARY KEY
      ) STRICT;

      CREATE TABLE record_types (
        slug TEXT PRIMARY KEY,
        category TEXT NOT NULL REFERENCES record_categories (slug)
      ) STRICT;

      CREATE TABLE providers (
        id INTEGER PRIMARY KEY,
        name TEXT NOT NULL UNIQUE COLLATE NOCASE CHECK (length(trim(name)) > 0)
      ) STRICT;

      CREATE TABLE tags (
        id INTEGER PRIMARY KEY,
        name TEXT NOT NULL UNIQUE COLLATE NOCASE CHECK (length(trim(name)) > 0)
      ) STRICT;

      CREATE TABLE import_runs (
        id TEXT PRIMARY KEY,
        source_kind TEXT NOT NULL CHECK (source_kind IN ('file', 'disc', 'download', 'scan')),
        sources TEXT NOT NULL, -- JSON array of the paths given
        status TEXT NOT NULL CHECK (status IN ('running', 'completed', 'cancelled', 'interrupted')),
        started_at TEXT NOT NULL,
        finished_at TEXT,
        imported INTEGER NOT NULL DEFAULT 0,
        duplicates INTEGER NOT NULL DEFAULT 0,
        skipped INTEGER NOT NULL DEFAULT 0
      ) STRICT;

      CREATE TABLE import_problems (
        id INTEGER PRIMARY KEY,
        run_id TEXT NOT NULL REFERENCES import_runs (id) ON DELETE CASCADE,
        kind TEXT NOT NULL CHECK (kind IN ('failed', 'warning')),
        path TEXT NOT NULL,
        reason TEXT NOT NULL
      ) STRICT;

      CREATE TABLE blobs (
        id TEXT PRIMARY KEY CHECK (length(id) = 32),
        sha256 TEXT NOT NULL UNIQUE CHECK (length(sha256) = 64),
        bytes INTEGER NOT NULL CHECK (bytes >= 0),
        created_at TEXT NOT NULL
      ) STRICT;

      CREATE TABLE documents (
        seq INTEGER PRIMARY KEY, -- also the rowid of its search entry
        id TEXT NOT NULL UNIQUE,
        title TEXT NOT NULL,
        type TEXT NOT NULL REFERENCES record_types (slug),
        date TEXT CHECK (date IS NULL OR date GLOB '[0-9][0-9][0-9][0-9]-[0-1][0-9]-[0-3][0-9]'),
        provider_id INTEGER REFERENCES providers (id),
        source_kind TEXT NOT NULL CHECK (source_kind IN ('file', 'disc', 'download', 'scan')),
        source_path TEXT NOT NULL,
        media_type TEXT NOT NULL,
        bytes INTEGER NOT NULL CHECK (bytes >= 0),
        import_run_id TEXT NOT NULL REFERENCES import_runs (id),
        imported_at TEXT NOT NULL,
        updated_at TEXT NOT NULL,
        edited_fields TEXT NOT NULL DEFAULT '[]', -- JSON array: fields the patient set by hand
        dicom TEXT -- JSON study summary, for imaging studies
      ) STRICT;
      CREATE INDEX documents_by_date ON documents (date);
      CREATE INDEX documents_by_type ON documents (type);
      CREATE INDEX documents_by_run ON documents (import_run_id);

      CREATE TABLE document_files (
        document_id TEXT NOT NULL REFERENCES documents (id) ON DELETE CASCADE,
        position INTEGER NOT NULL,
        blob_id TEXT NOT NULL REFERENCES blobs (id),
        original_path TEXT NOT NULL,
        media_type TEXT NOT NULL,
        PRIMARY KEY (document_id, position)
      ) STRICT;
      CREATE INDEX document_files_by_blob ON document_files (blob_id);

      CREATE TABLE document_tags (
        document_id TEXT NOT NULL REFERENCES documents (id) ON DELETE CASCADE,
        tag_id INTEGER NOT NULL REFERENCES tags (id),
        PRIMARY KEY (document_id, tag_id)
      ) STRICT;

      CREATE TABLE disclosures (
        id TEXT PRIMARY KEY,
        created_at TEXT NOT NULL,
        purpose TEXT NOT NULL,
        recipient TEXT NOT NULL, -- JSON: name, organisation, address
        packet_kind TEXT NOT NULL,
        note TEXT
      ) STRICT;

      CREATE TABLE disclosure_documents (
        disclosure_id TEXT NOT NULL REFERENCES disclosures (id) ON DELETE CASCADE,
        document_id TEXT NOT NULL, -- kept even if the document is later removed
        sha256 TEXT NOT NULL,
        position INTEGER NOT NULL,
        PRIMARY KEY (disclosure_id, position)
      ) STRICT;

      CREATE TABLE settings (
        key TEXT PRIMARY KEY,
        value TEXT NOT NULL
      ) STRICT;

      CREATE VIRTUAL TABLE document_search USING fts5 (
        title, provider, tags, body,
        tokenize = 'unicode61 remove_diacritics 2'
      );
    `);
    for (const category of RECORD_CATEGORIES) {
      await db.run('INSERT INTO record_categories (slug) VALUES (?)', [category]);
      for (const type of RECORD_TYPES_BY_CATEGORY[category]) {
        await db.run('INSERT INTO record_types (slug, category) VALUES (?, ?)', [type, category]);
      }
    }
  },
};
