import type { Migration } from './types';

/**
 * Record cards (`records/`, one sealed file per document, disclosure and the settings) let a
 * rescue rebuild this database from the vault's files. Every change to a row a card holds marks
 * the card here, by trigger — in the same transaction as the change, so no write path can forget
 * it — and the vault rewrites marked cards after each commit and at open. `generation` counts the
 * marks: a card written while a newer change came in stays marked. Everything already in the
 * vault is marked now, so its cards are written at the first open.
 */
export const migration007RecordCards: Migration = {
  version: 7,
  name: 'record-cards',
  async up(db) {
    await db.exec(`
      CREATE TABLE record_cards_pending (
        card TEXT PRIMARY KEY,
        generation INTEGER NOT NULL DEFAULT 1
      ) STRICT;
    `);
    for (const [table, card] of CARD_SOURCES) {
      for (const event of ['INSERT', 'UPDATE', 'DELETE'] as const) {
        const row = event === 'DELETE' ? 'OLD' : 'NEW';
        await db.exec(`
          CREATE TRIGGER record_card_${table}_${event.toLowerCase()} AFTER ${event} ON ${table} BEGIN
            INSERT INTO record_cards_pending (card) VALUES (${card(row)})
              ON CONFLICT (card) DO UPDATE SET generation = generation + 1;
          END;
        `);
      }
    }
    await db.exec(`
      INSERT INTO record_cards_pending (card) SELECT 'document/' || id FROM documents;
      INSERT INTO record_cards_pending (card) SELECT 'disclosure/' || id FROM disclosures;
      INSERT INTO record_cards_pending (card) SELECT 'settings' WHERE EXISTS (SELECT 1 FROM settings);
    `);
  },
};

/** Each table a card holds, and the card a row of it belongs to. */
const CARD_SOURCES: readonly [string, (row: string) => string][] = [
  ['documents', (row) => `'document/' || ${row}.id`],
  ['document_files', (row) => `'document/' || ${row}.document_id`],
  ['document_tags', (row) => `'document/' || ${row}.document_id`],
  ['dicom_instances', (row) => `'document/' || ${row}.document_id`],
  ['key_images', (row) => `'document/' || ${row}.document_id`],
  ['text_recognition', (row) => `'document/' || ${row}.document_id`],
  ['disclosures', (row) => `'disclosure/' || ${row}.id`],
  ['disclosure_documents', (row) => `'disclosure/' || ${row}.disclosure_id`],
  ['settings', () => `'settings'`],
];
