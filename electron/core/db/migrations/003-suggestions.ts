import type { Migration } from './types';

/**
 * What each suggested field (type, date, provider) went by — confidence and reason, shown to the
 * patient — and whether the document needs their review. Documents already in the vault were
 * filed by what they said of themselves without a recorded basis: those of the default type or
 * with no date are marked for review, as a new import would mark them.
 */
export const migration003Suggestions: Migration = {
  version: 3,
  name: 'suggestions',
  async up(db) {
    await db.exec(`
      ALTER TABLE documents ADD COLUMN suggested TEXT NOT NULL DEFAULT '{}' CHECK (json_valid(suggested));
      ALTER TABLE documents ADD COLUMN needs_review INTEGER NOT NULL DEFAULT 0 CHECK (needs_review IN (0, 1));
      UPDATE documents SET needs_review = 1
        WHERE (type = 'other-record' AND edited_fields NOT LIKE '%"type"%')
           OR (date IS NULL AND edited_fields NOT LIKE '%"date"%');
      CREATE INDEX documents_needing_review ON documents (needs_review) WHERE needs_review = 1;
    `);
  },
};
