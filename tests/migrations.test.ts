import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { RECORD_TYPES, categoryOf } from '../shared/recordSet';
import { Database } from '../electron/core/db/Database';
import { migrate } from '../electron/core/db/migrate';
import { LATEST_SCHEMA_VERSION, MIGRATIONS } from '../electron/core/db/migrations';
import type { Migration } from '../electron/core/db/migrations/types';
import { tempDir } from './support/fixtures';

describe('schema migrations', () => {
  let path: string;
  let cleanup: () => Promise<void>;
  let key: Buffer;
  let db: Database;

  beforeEach(async () => {
    const temp = await tempDir();
    cleanup = temp.cleanup;
    path = join(temp.path, 'test.db');
    key = randomBytes(32);
    db = await Database.open(path, key);
  });
  afterEach(async () => {
    await db.close().catch(() => undefined);
    await cleanup();
  });

  const userVersion = () =>
    db.read(async (q) => (await q.get<{ user_version: number }>('PRAGMA user_version'))!.user_version);

  it('numbers migrations by their place in the registry', () => {
    MIGRATIONS.forEach((migration, index) => expect(migration.version).toBe(index + 1));
    expect(LATEST_SCHEMA_VERSION).toBe(MIGRATIONS.length);
  });

  it('001 creates STRICT tables, the search index and the record-set types on an empty database', async () => {
    expect(await migrate(db)).toEqual({ from: 0, to: LATEST_SCHEMA_VERSION });
    const tables = await db.read((q) =>
      q.all<{ name: string; sql: string }>(
        `SELECT name, sql FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'document_search%'`,
      ),
    );
    const names = tables.map((table) => table.name);
    for (const table of [
      'documents',
      'document_files',
      'blobs',
      'tags',
      'document_tags',
      'providers',
      'import_runs',
      'import_problems',
      'disclosures',
      'disclosure_documents',
    ]) {
      expect(names).toContain(table);
    }
    for (const table of tables) expect(table.sql).toMatch(/\)\s*STRICT$/);
    const types = await db.read((q) =>
      q.all<{ slug: string; category: string }>('SELECT slug, category FROM record_types'),
    );
    expect(types.map((t) => t.slug).sort()).toEqual([...RECORD_TYPES].sort());
    for (const type of types) expect(type.category).toBe(categoryOf(type.slug as never));
    const fts = await db.read((q) =>
      q.get<{ sql: string }>(`SELECT sql FROM sqlite_master WHERE name = 'document_search'`),
    );
    expect(fts?.sql).toContain('fts5');
  });

  it('002 adds the DICOM instance table and records, for files already there, the run that added them', async () => {
    expect(await migrate(db, MIGRATIONS.slice(0, 1))).toEqual({ from: 0, to: 1 });
    await db.transaction(async (tx) => {
      await tx.run(`INSERT INTO import_runs (id, source_kind, sources, status, started_at)
                    VALUES ('run1', 'file', '[]', 'completed', '2024-01-01T00:00:00Z')`);
      await tx.run(`INSERT INTO blobs (id, sha256, bytes, created_at) VALUES (?, ?, 3, '2024-01-01T00:00:00Z')`, [
        'a'.repeat(32),
        'b'.repeat(64),
      ]);
      await tx.run(`INSERT INTO documents (id, title, type, source_kind, source_path, media_type, bytes, import_run_id,
                                           imported_at, updated_at)
                    VALUES ('doc1', 'Old', 'other-record', 'file', '/x', 'text/plain', 3, 'run1', 'now', 'now')`);
      await tx.run(
        `INSERT INTO document_files (document_id, position, blob_id, original_path, media_type)
                    VALUES ('doc1', 0, ?, '/x', 'text/plain')`,
        ['a'.repeat(32)],
      );
    });
    expect(await migrate(db, MIGRATIONS.slice(0, 2))).toEqual({ from: 1, to: 2 });
    expect(await db.read((q) => q.all('SELECT document_id, import_run_id FROM document_files'))).toEqual([
      { document_id: 'doc1', import_run_id: 'run1' },
    ]);
    const table = await db.read((q) =>
      q.get<{ sql: string }>(`SELECT sql FROM sqlite_master WHERE name = 'dicom_instances'`),
    );
    expect(table?.sql).toMatch(/sop_instance_uid TEXT NOT NULL UNIQUE/);
    expect(table?.sql).toMatch(/\)\s*STRICT$/);
  });

  it('003 records suggestion bases and marks documents filed without a type or date for review', async () => {
    expect(await migrate(db, MIGRATIONS.slice(0, 2))).toEqual({ from: 0, to: 2 });
    await db.transaction(async (tx) => {
      await tx.run(`INSERT INTO import_runs (id, source_kind, sources, status, started_at)
                    VALUES ('run1', 'file', '[]', 'completed', '2024-01-01T00:00:00Z')`);
      const insert = `INSERT INTO documents (id, title, type, date, source_kind, source_path, media_type, bytes,
                                             import_run_id, imported_at, updated_at, edited_fields)
                      VALUES (?, 'Doc', ?, ?, 'file', '/x', 'text/plain', 3, 'run1', 'now', 'now', ?)`;
      await tx.run(insert, ['known', 'lab-result', '2024-02-03', '[]']);
      await tx.run(insert, ['untyped', 'other-record', '2024-02-03', '[]']);
      await tx.run(insert, ['undated', 'lab-result', null, '[]']);
      await tx.run(insert, ['patient-set', 'other-record', '2024-02-03', '["type"]']);
    });
    expect(await migrate(db, MIGRATIONS.slice(0, 3))).toEqual({ from: 2, to: 3 });
    expect(await db.read((q) => q.all('SELECT id, needs_review, suggested FROM documents ORDER BY id'))).toEqual([
      { id: 'known', needs_review: 0, suggested: '{}' },
      { id: 'patient-set', needs_review: 0, suggested: '{}' },
      { id: 'undated', needs_review: 1, suggested: '{}' },
      { id: 'untyped', needs_review: 1, suggested: '{}' },
    ]);
    await expect(
      db.transaction((tx) => tx.run(`UPDATE documents SET suggested = 'not json' WHERE id = 'known'`)),
    ).rejects.toThrow(/CHECK/);
  });

  it('004 adds the queue of documents waiting for OCR, emptied when a document goes', async () => {
    expect(await migrate(db, MIGRATIONS.slice(0, 3))).toEqual({ from: 0, to: 3 });
    await db.transaction(async (tx) => {
      await tx.run(`INSERT INTO import_runs (id, source_kind, sources, status, started_at)
                    VALUES ('run1', 'file', '[]', 'completed', '2024-01-01T00:00:00Z')`);
      await tx.run(`INSERT INTO documents (id, title, type, source_kind, source_path, media_type, bytes, import_run_id,
                                           imported_at, updated_at)
                    VALUES ('doc1', 'Scan', 'other-record', 'file', '/x.png', 'image/png', 3, 'run1', 'now', 'now')`);
    });
    expect(await migrate(db, MIGRATIONS.slice(0, 4))).toEqual({ from: 3, to: 4 });
    await db.transaction((tx) =>
      tx.run(
        `INSERT INTO text_recognition (document_id, position, kind, queued_at) VALUES ('doc1', 0, 'image', 'now')`,
      ),
    );
    await expect(
      db.transaction((tx) =>
        tx.run(
          `INSERT INTO text_recognition (document_id, position, kind, queued_at) VALUES ('nope', 0, 'image', 'now')`,
        ),
      ),
    ).rejects.toThrow(/FOREIGN KEY/);
    await expect(
      db.transaction((tx) => tx.run(`UPDATE text_recognition SET kind = 'video' WHERE document_id = 'doc1'`)),
    ).rejects.toThrow(/CHECK/);
    await db.transaction((tx) => tx.run(`DELETE FROM documents WHERE id = 'doc1'`));
    expect(await db.read((q) => q.all('SELECT * FROM text_recognition'))).toEqual([]);
  });

  it('005 adds key images, kept in marking order and gone with their document or their instance', async () => {
    expect(await migrate(db, MIGRATIONS.slice(0, 4))).toEqual({ from: 0, to: 4 });
    await db.transaction(async (tx) => {
      await tx.run(`INSERT INTO import_runs (id, source_kind, sources, status, started_at)
                    VALUES ('run1', 'disc', '[]', 'completed', '2024-01-01T00:00:00Z')`);
      for (const id of ['doc1', 'doc2']) {
        await tx.run(
          `INSERT INTO documents (id, title, type, source_kind, source_path, media_type, bytes, import_run_id,
                                  imported_at, updated_at)
           VALUES (?, 'MRI', 'imaging-study', 'disc', '/d', 'application/dicom', 3, 'run1', 'now', 'now')`,
          [id],
        );
      }
      for (const [n, document, uid] of [
        [1, 'doc1', '1.2.3.1'],
        [2, 'doc1', '1.2.3.2'],
        [3, 'doc2', '1.2.3.3'],
      ] as const) {
        const blob = String(n).repeat(32);
        await tx.run(`INSERT INTO blobs (id, sha256, bytes, created_at) VALUES (?, ?, 3, 'now')`, [
          blob,
          String(n).repeat(64),
        ]);
        await tx.run(
          `INSERT INTO dicom_instances (blob_id, document_id, study_instance_uid, series_instance_uid,
                                        sop_instance_uid, transfer_syntax)
           VALUES (?, ?, '1.2', '1.2.3', ?, '1.2.840.10008.1.2.1')`,
          [blob, document, uid],
        );
      }
    });
    expect(await migrate(db, MIGRATIONS.slice(0, 5))).toEqual({ from: 4, to: 5 });
    const table = await db.read((q) =>
      q.get<{ sql: string }>(`SELECT sql FROM sqlite_master WHERE name = 'key_images'`),
    );
    expect(table?.sql).toMatch(/\)\s*STRICT$/);
    const mark = (document: string, uid: string, frame: number, at: string) =>
      db.transaction((tx) =>
        tx.run(`INSERT INTO key_images (document_id, sop_instance_uid, frame, marked_at) VALUES (?, ?, ?, ?)`, [
          document,
          uid,
          frame,
          at,
        ]),
      );
    await mark('doc1', '1.2.3.2', 0, '2024-01-02T00:00:00Z');
    await mark('doc1', '1.2.3.1', 0, '2024-01-03T00:00:00Z');
    await mark('doc1', '1.2.3.1', 3, '2024-01-04T00:00:00Z');
    await mark('doc2', '1.2.3.3', 0, '2024-01-05T00:00:00Z');
    await expect(mark('doc1', '1.2.3.1', 3, 'later')).rejects.toThrow(/UNIQUE|PRIMARY KEY/);
    await expect(mark('doc1', '9.9.9', 0, 'now')).rejects.toThrow(/FOREIGN KEY/);
    await expect(mark('nope', '1.2.3.1', 0, 'now')).rejects.toThrow(/FOREIGN KEY/);
    await expect(mark('doc1', '1.2.3.2', -1, 'now')).rejects.toThrow(/CHECK/);
    await expect(
      db.transaction((tx) => tx.run(`UPDATE key_images SET frame = 'one' WHERE document_id = 'doc2'`)),
    ).rejects.toThrow(/cannot store TEXT value in INTEGER column/);
    await db.transaction((tx) => tx.run(`DELETE FROM dicom_instances WHERE sop_instance_uid = '1.2.3.2'`));
    expect(
      await db.read((q) => q.all('SELECT document_id, sop_instance_uid, frame FROM key_images ORDER BY marked_at')),
    ).toEqual([
      { document_id: 'doc1', sop_instance_uid: '1.2.3.1', frame: 0 },
      { document_id: 'doc1', sop_instance_uid: '1.2.3.1', frame: 3 },
      { document_id: 'doc2', sop_instance_uid: '1.2.3.3', frame: 0 },
    ]);
    await db.transaction((tx) => tx.run(`DELETE FROM documents WHERE id = 'doc1'`));
    expect(await db.read((q) => q.all('SELECT document_id FROM key_images'))).toEqual([{ document_id: 'doc2' }]);
  });

  it('006 records the vault the database belongs to: one STRICT row, never two', async () => {
    expect(await migrate(db, MIGRATIONS.slice(0, 5))).toEqual({ from: 0, to: 5 });
    expect(await migrate(db, MIGRATIONS.slice(0, 6))).toEqual({ from: 5, to: 6 });
    const table = await db.read((q) =>
      q.get<{ sql: string }>(`SELECT sql FROM sqlite_master WHERE name = 'vault_identity'`),
    );
    expect(table?.sql).toMatch(/\)\s*STRICT$/);
    const insert = (row: string, id: string | null) =>
      db.transaction((tx) => tx.run(`INSERT INTO vault_identity (only_row, vault_id) VALUES (${row}, ?)`, [id]));
    await insert('1', 'vault-a');
    await expect(insert('1', 'vault-b')).rejects.toThrow(/UNIQUE|PRIMARY KEY/);
    await expect(insert('2', 'vault-b')).rejects.toThrow(/CHECK/);
    await expect(insert('NULL', 'vault-b')).rejects.toThrow(/UNIQUE|PRIMARY KEY|CHECK|NOT NULL/);
    await db.transaction((tx) => tx.run(`DELETE FROM vault_identity`));
    await expect(insert('1', null)).rejects.toThrow(/NOT NULL/);
    await insert('1', 'vault-a');
    expect(await db.read((q) => q.all('SELECT vault_id FROM vault_identity'))).toEqual([{ vault_id: 'vault-a' }]);
  });

  it('007 marks a record card due, by trigger, on every change to the rows it holds', async () => {
    expect(await migrate(db, MIGRATIONS.slice(0, 6))).toEqual({ from: 0, to: 6 });
    await db.transaction(async (tx) => {
      await tx.run(`INSERT INTO import_runs (id, source_kind, sources, status, started_at)
                    VALUES ('run1', 'file', '[]', 'completed', 'now')`);
      await tx.run(`INSERT INTO documents (id, title, type, source_kind, source_path, media_type, bytes, import_run_id,
                                           imported_at, updated_at)
                    VALUES ('doc1', 'Old', 'other-record', 'file', '/a', 'text/plain', 1, 'run1', 'now', 'now')`);
      await tx.run(`INSERT INTO settings (key, value) VALUES ('owner', '{}')`);
    });
    expect(await migrate(db, MIGRATIONS.slice(0, 7))).toEqual({ from: 6, to: 7 });
    const table = await db.read((q) =>
      q.get<{ sql: string }>(`SELECT sql FROM sqlite_master WHERE name = 'record_cards_pending'`),
    );
    expect(table?.sql).toMatch(/\)\s*STRICT$/);
    const pending = () =>
      db.read((q) =>
        q.all<{ card: string; generation: number }>('SELECT card, generation FROM record_cards_pending ORDER BY card'),
      );
    // What was there before is due once, so its cards are written at the first open.
    expect(await pending()).toEqual([
      { card: 'document/doc1', generation: 1 },
      { card: 'settings', generation: 1 },
    ]);
    await db.transaction((tx) => tx.run('DELETE FROM record_cards_pending'));
    await db.transaction(async (tx) => {
      await tx.run(`UPDATE documents SET title = 'New' WHERE id = 'doc1'`);
      await tx.run(`INSERT INTO tags (name) VALUES ('knee')`);
      await tx.run(`INSERT INTO document_tags (document_id, tag_id) VALUES ('doc1', 1)`);
      await tx.run(
        `INSERT INTO disclosures (id, created_at, purpose, recipient, packet_kind) VALUES ('x1', 'now', 'p', '{}', 'k')`,
      );
    });
    expect(await pending()).toEqual([
      { card: 'disclosure/x1', generation: 1 },
      { card: 'document/doc1', generation: 2 },
    ]);
    // A document gone (an import undone) is due too: its card is removed.
    await db.transaction((tx) => tx.run('DELETE FROM record_cards_pending'));
    await db.transaction((tx) => tx.run(`DELETE FROM documents WHERE id = 'doc1'`));
    expect((await pending()).map((row) => row.card)).toEqual(['document/doc1']);
    await expect(
      db.transaction((tx) => tx.run(`INSERT INTO record_cards_pending (card, generation) VALUES ('settings', 'one')`)),
    ).rejects.toThrow(/cannot store TEXT value in INTEGER column/);
  });

  it('leaves a current database as it is', async () => {
    await migrate(db);
    await db.transaction((tx) => tx.run(`INSERT INTO settings (key, value) VALUES ('owner', 'x')`));
    expect(await migrate(db)).toEqual({ from: LATEST_SCHEMA_VERSION, to: LATEST_SCHEMA_VERSION });
    expect(await db.read((q) => q.get(`SELECT value FROM settings WHERE key = 'owner'`))).toEqual({ value: 'x' });
  });

  it('refuses a database from a newer version and changes nothing', async () => {
    await migrate(db);
    await db.transaction((tx) => tx.exec('PRAGMA user_version = 99'));
    await expect(migrate(db)).rejects.toMatchObject({ code: 'vault-too-new' });
    expect(await userVersion()).toBe(99);
  });

  it('applies all pending migrations in one transaction: a failing one undoes the others', async () => {
    const broken: Migration[] = [
      ...MIGRATIONS,
      { version: MIGRATIONS.length + 1, name: 'adds a table', up: (q) => q.exec('CREATE TABLE extra (a TEXT) STRICT') },
      { version: MIGRATIONS.length + 2, name: 'fails', up: (q) => q.exec('THIS IS NOT SQL') },
    ];
    await expect(migrate(db, broken)).rejects.toThrow();
    expect(await userVersion()).toBe(0);
    expect(await db.read((q) => q.all(`SELECT name FROM sqlite_master WHERE type = 'table'`))).toEqual([]);
  });

  it('a wrong key fails on the first query, as SQLCipher does', async () => {
    await migrate(db);
    await db.close();
    await expect(Database.open(path, randomBytes(32))).rejects.toMatchObject({ code: 'database-unusable' });
    db = await Database.open(path, key);
    expect(await userVersion()).toBe(LATEST_SCHEMA_VERSION);
  });
});
