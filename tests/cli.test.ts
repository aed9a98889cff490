/**
 * The `medvault` command as scripts see it: real child processes, real files, the documented
 * JSON shapes and exit codes (0 ok, 1 user error, 2 data problem).
 *
 * The tests in this file share one vault and run in order (each builds on what the previous one
 * left): every child process costs about a second (tsx start-up plus the scrypt unlock).
 */
import { createHash, randomBytes } from 'node:crypto';
import { readdir, readFile, stat, writeFile, mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DocumentDetails, VaultDocument } from '../shared/documents';
import { describeRun, parseJson, runCli, type CliResult } from './support/cli';
import { makePdf, makePng, makeRecordsFolder, tempDir, writeTree } from './support/fixtures';
import { PASSPHRASE } from './support/vault';
import type { ImportJson, VerifyJson } from '../shared/cliOutput';

const NEW_PASSPHRASE = 'a brand new passphrase 2024';

let root: string;
let cleanup: () => Promise<void>;
let vaultDir: string;
let recordsDir: string;
let badDir: string;
let records: Record<string, Buffer | string>;
let recoveryKey: string;
/** The passphrase that opens the vault now (the passphrase test changes it). */
let passphrase = PASSPHRASE;
/** Every document after the first imports, by path relative to its import folder. */
const idOf = new Map<string, string>();

function cli(args: string[], env: Record<string, string | undefined> = {}): Promise<CliResult> {
  return runCli([...args, '--vault', vaultDir], { env: { MEDVAULT_PASSPHRASE: passphrase, ...env } });
}

async function listJson(...filter: string[]): Promise<VaultDocument[]> {
  const result = await cli(['list', '--json', ...filter]);
  expect(result.code, describeRun(result)).toBe(0);
  return parseJson<VaultDocument[]>(result);
}

function ids(documents: { id: string }[]): string[] {
  return documents.map((document) => document.id).sort();
}

function sha256(data: Buffer | string): string {
  return createHash('sha256').update(data).digest('hex');
}

function expectOneLineError(result: CliResult, pattern: RegExp): void {
  expect(result.code, describeRun(result)).toBe(1);
  expect(result.stdout).toBe('');
  const lines = result.stderr.trim().split('\n');
  expect(lines, result.stderr).toHaveLength(1);
  expect(lines[0]).toMatch(/^medvault: /);
  expect(lines[0]).toMatch(pattern);
}

/** The fields `list --json` documents, with the right types. */
function expectDocumentShape(document: VaultDocument): void {
  expect(typeof document.id).toBe('string');
  expect(typeof document.title).toBe('string');
  expect(typeof document.type).toBe('string');
  expect(typeof document.category).toBe('string');
  expect(document.date === null || /^\d{4}-\d{2}-\d{2}$/.test(document.date)).toBe(true);
  expect(document.provider === null || typeof document.provider === 'string').toBe(true);
  expect(Array.isArray(document.tags)).toBe(true);
  expect(document.source).toEqual({ kind: 'file', path: expect.any(String) });
  expect(typeof document.mediaType).toBe('string');
  expect(Number.isInteger(document.bytes)).toBe(true);
}

beforeAll(async () => {
  const temp = await tempDir('medvault-cli-');
  root = temp.path;
  cleanup = temp.cleanup;
  vaultDir = join(root, 'vault');
  recordsDir = join(root, 'records');
  badDir = join(root, 'mixed');
  records = await makeRecordsFolder(recordsDir);
});

afterAll(async () => {
  await cleanup?.();
});

describe('medvault CLI', () => {
  it('init creates a vault and prints the recovery key once; a second init is refused', async () => {
    const created = await cli(['init', '--json']);
    expect(created.code, describeRun(created)).toBe(0);
    const json = parseJson<{ vault: string; recoveryKey: string }>(created);
    expect(json.vault).toBe(vaultDir);
    expect(json.recoveryKey).toMatch(/^[0-9A-Z]{4}(-[0-9A-Z]{4})+$/);
    recoveryKey = json.recoveryKey;
    expect(await readdir(vaultDir)).toContain('vault.json');
    // The key file holds wrapped keys only: the recovery key itself is never stored.
    const keyFile = await readFile(join(vaultDir, 'vault.json'), 'utf8');
    expect(keyFile).not.toContain(recoveryKey);
    expect(keyFile).not.toContain(recoveryKey.replace(/-/g, ''));

    const again = await cli(['init', '--json']);
    expect(again.code, describeRun(again)).toBe(1);
    expect(again.stderr).toMatch(/already a vault/);
    expect(again.stdout).toBe('');
    expect(await readFile(join(vaultDir, 'vault.json'), 'utf8')).toBe(keyFile);
  });

  it('imports a folder of records: every record once, system litter skipped, nothing failed', async () => {
    const result = await cli(['import', recordsDir, '--json']);
    expect(result.code, describeRun(result)).toBe(0);
    const report = parseJson<ImportJson>(result);
    const recordFiles = Object.keys(records).filter((relative) => relative !== '.DS_Store');
    expect(report.failed).toEqual([]);
    expect(report.imported).toBe(recordFiles.length);
    expect(report.duplicates).toBe(0);
    expect(report.skipped).toBe(1); // .DS_Store
    expect(report.documents).toHaveLength(recordFiles.length);
    expect(new Set(report.documents).size).toBe(recordFiles.length);

    const documents = await listJson();
    expect(ids(documents)).toEqual([...report.documents].sort());
    const byPath = new Map(documents.map((document) => [document.source.path, document]));
    for (const relative of recordFiles) {
      const document = byPath.get(join(recordsDir, relative));
      expect(document, `no document for ${relative}`).toBeDefined();
      expectDocumentShape(document!);
      expect(document!.bytes).toBe(Buffer.byteLength(records[relative]!));
      idOf.set(relative, document!.id);
    }
    expect(documents.some((document) => document.source.path.endsWith('.DS_Store'))).toBe(false);
    const mediaTypes = Object.fromEntries(
      documents.map((d) => [d.source.path.slice(recordsDir.length + 1), d.mediaType]),
    );
    expect(mediaTypes).toEqual({
      'labs/2023-04-05 lipid panel.pdf': 'application/pdf',
      'labs/cbc.pdf': 'application/pdf',
      'scans/knee-xray-photo.jpg': 'image/jpeg',
      'scans/insurance card.png': 'image/png',
      'scans/referral.tif': 'image/tiff',
      'notes/visit 03-14-2021.txt': 'text/plain',
    });
  });

  it('importing the same folder again finds only duplicates and adds nothing', async () => {
    const result = await cli(['import', recordsDir, '--json']);
    expect(result.code, describeRun(result)).toBe(0);
    const report = parseJson<ImportJson>(result);
    expect(report.imported).toBe(0);
    expect(report.duplicates).toBe(idOf.size);
    expect(report.documents).toEqual([]);
    expect(report.failed).toEqual([]);
  });

  it('a corrupt PDF and an unsupported file are reported (exit 2) while the good files are imported', async () => {
    const unsupported = randomBytes(4096);
    unsupported.fill(0, 0, 8); // no file signature Medvault knows
    await writeTree(badDir, {
      'broken.pdf': '%PDF-1.4 garbage',
      'mystery.bin': unsupported,
      'discharge.pdf': await makePdf(['Discharge summary', 'Discharged home in good condition']),
      'wound photo.png': makePng(70, 40, 21),
    });
    const result = await cli(['import', badDir, '--json']);
    expect(result.code, describeRun(result)).toBe(2);
    const report = parseJson<ImportJson>(result);
    const failed = [...report.failed].sort((a, b) => a.path.localeCompare(b.path));
    expect(failed.map((failure) => failure.path)).toEqual([join(badDir, 'broken.pdf'), join(badDir, 'mystery.bin')]);
    expect(failed[0]!.reason).toMatch(/PDF.*damaged/i);
    expect(failed[1]!.reason).toMatch(/not a file type/i);
    expect(report.imported).toBe(2);
    expect(report.documents).toHaveLength(2);
    expect(report.duplicates).toBe(0);

    const documents = await listJson();
    expect(documents).toHaveLength(idOf.size + 2);
    for (const name of ['discharge.pdf', 'wound photo.png']) {
      const document = documents.find((d) => d.source.path === join(badDir, name));
      expect(document, name).toBeDefined();
      expect(report.documents).toContain(document!.id);
      idOf.set(`mixed/${name}`, document!.id);
    }
    expect(documents.some((d) => /broken|mystery/.test(d.source.path))).toBe(false);
  });

  it('tag changes type, date, provider, title and tags; the category follows the type', async () => {
    const lipid = idOf.get('labs/2023-04-05 lipid panel.pdf')!;
    const first = await cli([
      'tag',
      lipid,
      '--json',
      '--type',
      'lab-result',
      '--date',
      '2023-04-05',
      '--provider',
      'Mercy Lab',
      '--title',
      'Lipid panel (fasting)',
      '--add-tag',
      'knee',
      '--add-tag',
      'fasting',
    ]);
    expect(first.code, describeRun(first)).toBe(0);
    const tagged = parseJson<VaultDocument>(first);
    expect(tagged).toMatchObject({
      id: lipid,
      type: 'lab-result',
      category: 'medical-record',
      date: '2023-04-05',
      provider: 'Mercy Lab',
      title: 'Lipid panel (fasting)',
      tags: ['fasting', 'knee'],
    });
    expect([...tagged.editedFields].sort()).toEqual(['date', 'provider', 'tags', 'title', 'type']);

    const second = await cli(['tag', lipid, '--json', '--remove-tag', 'fasting']);
    expect(second.code, describeRun(second)).toBe(0);
    expect(parseJson<VaultDocument>(second)).toMatchObject({
      tags: ['knee'],
      type: 'lab-result',
      title: 'Lipid panel (fasting)',
    });

    const xray = idOf.get('scans/knee-xray-photo.jpg')!;
    const third = await cli([
      'tag',
      xray,
      '--json',
      '--type',
      'imaging-study',
      '--provider',
      'Valley Imaging',
      '--date',
      '2021-06-01',
      '--add-tag',
      'knee',
    ]);
    expect(third.code, describeRun(third)).toBe(0);
    expect(parseJson<VaultDocument>(third)).toMatchObject({
      type: 'imaging-study',
      category: 'medical-record',
      provider: 'Valley Imaging',
      date: '2021-06-01',
      tags: ['knee'],
    });
  });

  it('list filters by category, type, date range, provider, tag and text', async () => {
    const all = await listJson();
    expect(all).toHaveLength(idOf.size);
    for (const document of all) expectDocumentShape(document);
    const lipid = idOf.get('labs/2023-04-05 lipid panel.pdf')!;
    const xray = idOf.get('scans/knee-xray-photo.jpg')!;
    const note = idOf.get('notes/visit 03-14-2021.txt')!;

    const cbc = idOf.get('labs/cbc.pdf')!;
    const discharge = idOf.get('mixed/discharge.pdf')!;
    // The x-ray was filed by hand; the PDFs by their text ("Complete blood count … g/dL").
    expect(ids(await listJson('--category', 'medical-record'))).toEqual([lipid, xray, cbc, discharge].sort());
    expect(ids(await listJson('--type', 'lab-result'))).toEqual([lipid, cbc].sort());

    // The note's date comes from its name (US order, 03-14-2021).
    const in2021 = await listJson('--from', '2021-01-01', '--to', '2021-03-31');
    expect(ids(in2021)).toEqual([note]);
    expect(ids(in2021)).toEqual(
      ids(all.filter((d) => d.date !== null && d.date >= '2021-01-01' && d.date <= '2021-03-31')),
    );

    expect(ids(await listJson('--provider', 'mercy'))).toEqual([lipid]);
    expect(ids(await listJson('--tag', 'knee'))).toEqual([lipid, xray].sort());
    // A word that is only inside the PDF's text (not in its name or title).
    expect(ids(await listJson('--text', 'quetzalcoatl'))).toEqual([lipid]);
  });

  it('show ID --json gives the document with its files and an excerpt of its text', async () => {
    const lipid = idOf.get('labs/2023-04-05 lipid panel.pdf')!;
    const result = await cli(['show', lipid, '--json']);
    expect(result.code, describeRun(result)).toBe(0);
    const document = parseJson<DocumentDetails>(result);
    expectDocumentShape(document);
    const source = records['labs/2023-04-05 lipid panel.pdf']!;
    expect(document).toMatchObject({
      id: lipid,
      title: 'Lipid panel (fasting)',
      type: 'lab-result',
      category: 'medical-record',
      provider: 'Mercy Lab',
      mediaType: 'application/pdf',
      bytes: source.length,
      source: { kind: 'file', path: join(recordsDir, 'labs/2023-04-05 lipid panel.pdf') },
    });
    expect(document.files).toEqual([
      {
        position: 0,
        originalPath: join(recordsDir, 'labs/2023-04-05 lipid panel.pdf'),
        mediaType: 'application/pdf',
        bytes: source.length,
        sha256: sha256(source),
      },
    ]);
    expect(document.textExcerpt).toContain('quetzalcoatl');
  });

  it('a later re-import of the same files does not overwrite fields the patient edited', async () => {
    // The import suggests 2021-03-14 for the note (from its name) whenever its date is unknown;
    // the patient says it is unknown, and that must stick.
    const note = idOf.get('notes/visit 03-14-2021.txt')!;
    const cleared = await cli(['tag', note, '--json', '--date', 'unknown']);
    expect(cleared.code, describeRun(cleared)).toBe(0);
    expect(parseJson<VaultDocument>(cleared).date).toBeNull();

    const before = await listJson();
    const again = await cli(['import', recordsDir, '--json']);
    expect(again.code, describeRun(again)).toBe(0);
    const recordFiles = Object.keys(records).filter((relative) => relative !== '.DS_Store');
    expect(parseJson<ImportJson>(again)).toMatchObject({ imported: 0, duplicates: recordFiles.length, documents: [] });

    const after = await listJson();
    expect(after).toEqual(before);
    const byId = new Map(after.map((document) => [document.id, document]));
    expect(byId.get(idOf.get('labs/2023-04-05 lipid panel.pdf')!)).toMatchObject({
      title: 'Lipid panel (fasting)',
      type: 'lab-result',
      date: '2023-04-05',
      provider: 'Mercy Lab',
      tags: ['knee'],
    });
    expect(byId.get(note)!.date).toBeNull();
    expect(byId.get(idOf.get('scans/knee-xray-photo.jpg')!)).toMatchObject({
      type: 'imaging-study',
      provider: 'Valley Imaging',
      date: '2021-06-01',
    });
  });

  it('a wrong passphrase or recovery key is exit 1 with one plain sentence, no database error or stack', async () => {
    const wrong = await cli(['list', '--json'], { MEDVAULT_PASSPHRASE: 'not the passphrase' });
    expect(wrong.code, describeRun(wrong)).toBe(1);
    expect(wrong.stdout).toBe('');
    expect(wrong.stderr).toMatch(/passphrase is incorrect/i);
    expect(wrong.stderr).not.toMatch(/not a database|SQLITE_NOTADB/i);
    expect(wrong.stderr).not.toMatch(/^ {4}at /m);

    const wrongKey = await cli(['list', '--json', '--recovery-key'], {
      MEDVAULT_RECOVERY_KEY: 'AAAA-BBBB-CCCC-DDDD-EEEE-FFFF-GGGG-HHHH',
    });
    expect(wrongKey.code, describeRun(wrongKey)).toBe(1);
    expect(wrongKey.stderr).toMatch(/recovery key is incorrect/i);
    expect(wrongKey.stderr).not.toMatch(/not a database|SQLITE_NOTADB/i);
    expect(wrongKey.stderr).not.toMatch(/^ {4}at /m);
  });

  it('bad arguments are exit 1 with one line', async () => {
    expectOneLineError(await cli(['frobnicate']), /Unknown command "frobnicate"/);
    expectOneLineError(
      await cli(['tag', idOf.get('labs/cbc.pdf')!, '--date', '2023-13-45']),
      /--date needs a date in the form YYYY-MM-DD/,
    );
    expectOneLineError(await cli(['list', '--type', 'x-ray-thing']), /"x-ray-thing" is not a record type/);
  });

  it('verify is clean (exit 0) on a healthy vault', async () => {
    const result = await cli(['verify', '--json']);
    expect(result.code, describeRun(result)).toBe(0);
    expect(parseJson<VerifyJson>(result)).toMatchObject({
      ok: true,
      database: 'ok',
      documents: idOf.size,
      blobsChecked: idOf.size,
      problems: [],
    });
  });

  it('backup then restore into a new folder gives the same documents, and verify is clean there', async () => {
    const archive = join(root, 'backups', 'vault.medvault-backup');
    const backup = await cli(['backup', '--out', archive, '--json']);
    expect(backup.code, describeRun(backup)).toBe(0);
    expect(parseJson<{ path: string; documents: number }>(backup)).toMatchObject({
      path: archive,
      documents: idOf.size,
    });
    expect((await stat(archive)).size).toBeGreaterThan(0);

    const restoredDir = join(root, 'restored');
    const restored = await runCli(['restore', archive, '--vault', restoredDir, '--json'], {
      env: { MEDVAULT_PASSPHRASE: passphrase },
    });
    expect(restored.code, describeRun(restored)).toBe(0);
    expect(parseJson<{ documents: number }>(restored).documents).toBe(idOf.size);

    const env = { env: { MEDVAULT_PASSPHRASE: passphrase } };
    const original = await listJson();
    const listed = await runCli(['list', '--json', '--vault', restoredDir], env);
    expect(listed.code, describeRun(listed)).toBe(0);
    const summary = (documents: VaultDocument[]) =>
      documents.map(({ id, title, type, date, provider, tags }) => ({ id, title, type, date, provider, tags }));
    expect(summary(parseJson<VaultDocument[]>(listed))).toEqual(summary(original));

    const verified = await runCli(['verify', '--json', '--vault', restoredDir], env);
    expect(verified.code, describeRun(verified)).toBe(0);
    expect(parseJson<VerifyJson>(verified)).toMatchObject({ ok: true, database: 'ok', blobsChecked: idOf.size });

    // A folder with something in it is never overwritten by a restore.
    const occupied = join(root, 'occupied');
    await mkdir(occupied);
    await writeFile(join(occupied, 'keep-me.txt'), 'mine\n');
    const refused = await runCli(['restore', archive, '--vault', occupied], env);
    expect(refused.code, describeRun(refused)).toBe(1);
    expect(refused.stderr).toMatch(/not empty/);
    expect(await readdir(occupied)).toEqual(['keep-me.txt']);
    expect(await readFile(join(occupied, 'keep-me.txt'), 'utf8')).toBe('mine\n');
  });

  it('a new passphrase replaces the old one; the recovery key still opens the vault', async () => {
    const changed = await cli(['passphrase'], { MEDVAULT_NEW_PASSPHRASE: NEW_PASSPHRASE });
    expect(changed.code, describeRun(changed)).toBe(0);

    const old = await cli(['list', '--json']);
    expect(old.code, describeRun(old)).toBe(1);
    expect(old.stderr).toMatch(/passphrase is incorrect/i);

    passphrase = NEW_PASSPHRASE;
    expect(await listJson()).toHaveLength(idOf.size);

    // The passphrase in the environment is a wrong one here: only the recovery key can open it.
    const recovered = await cli(['list', '--json', '--recovery-key'], {
      MEDVAULT_PASSPHRASE: 'certainly not it',
      MEDVAULT_RECOVERY_KEY: recoveryKey,
    });
    expect(recovered.code, describeRun(recovered)).toBe(0);
    expect(parseJson<VaultDocument[]>(recovered)).toHaveLength(idOf.size);
  });
});
