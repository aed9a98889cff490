/**
 * "Nothing in plaintext on disk": after importing and tagging records through the CLI, no file in
 * the vault folder, in the temporary folder the CLI used (TMPDIR), or in a backup holds the
 * patient's words or any run of their files' bytes, and no file name gives away a record's name
 * or content hash.
 */
import { createHash } from 'node:crypto';
import { mkdir, readdir, readFile } from 'node:fs/promises';
import { basename, extname, join, relative } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DocumentDetails, VaultDocument } from '../shared/documents';
import { describeRun, parseJson, runCli, type CliResult } from './support/cli';
import { makePdf, makeRecordsFolder, tempDir, writeTree } from './support/fixtures';

const MARKERS = {
  clinic: 'Zanzibar-Oncology-7731',
  patient: 'Philomena Quackenbush',
  mrn: 'MRN-00488123',
  provider: 'Dr. Ignatius Fernsby-Oyelaran',
  title: 'Quackenbush biopsy follow-up 5527',
};

interface Needle {
  label: string;
  bytes: Buffer;
}

interface Hit {
  file: string;
  needle: string;
}

let root: string;
let cleanup: () => Promise<void>;
let sourceDir: string;
let vaultDir: string;
let childTmp: string;
let backupDir: string;
let sources: Record<string, Buffer | string>;

function cli(args: string[]): Promise<CliResult> {
  return runCli([...args, '--vault', vaultDir], { env: { TMPDIR: childTmp, TMP: childTmp, TEMP: childTmp } });
}

async function filesUnder(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true, recursive: true });
  return entries
    .filter((entry) => entry.isFile())
    .map((entry) => join(entry.parentPath, entry.name))
    .sort();
}

/** Every path component (files and folders) under `dir`. */
async function namesUnder(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true });
  return entries.flatMap((path) => path.split(/[\\/]/));
}

/** Which needles occur in which files under `dirs` (raw bytes). */
async function grep(dirs: string[], needles: Needle[]): Promise<Hit[]> {
  const hits: Hit[] = [];
  for (const dir of dirs) {
    for (const file of await filesUnder(dir)) {
      const data = await readFile(file);
      for (const needle of needles) {
        if (data.includes(needle.bytes)) hits.push({ file: relative(root, file), needle: needle.label });
      }
    }
  }
  return hits;
}

/** A text marker as UTF-8 and as UTF-16LE (how Windows APIs and some libraries write text). */
function textNeedles(label: string, text: string): Needle[] {
  return [
    { label: `${label} (utf-8)`, bytes: Buffer.from(text, 'utf8') },
    { label: `${label} (utf-16le)`, bytes: Buffer.from(text, 'utf16le') },
  ];
}

/** The 32-byte window of `data` with the most distinct byte values (nearest the middle on ties). */
function distinctiveRun(data: Buffer): Buffer {
  const size = Math.min(32, data.length);
  const middle = Math.floor((data.length - size) / 2);
  let best = middle;
  let bestScore = -1;
  for (let offset = 0; offset + size <= data.length; offset += 8) {
    const score = new Set(data.subarray(offset, offset + size)).size;
    if (score > bestScore || (score === bestScore && Math.abs(offset - middle) < Math.abs(best - middle))) {
      best = offset;
      bestScore = score;
    }
  }
  return Buffer.from(data.subarray(best, best + size));
}

function sha256Hex(data: Buffer | string): string {
  return createHash('sha256').update(data).digest('hex');
}

function recordFiles(): [string, Buffer][] {
  return Object.entries(sources)
    .filter(([path]) => basename(path) !== '.DS_Store')
    .map(([path, content]) => [path, Buffer.from(content)]);
}

function markerNeedles(): Needle[] {
  const needles = Object.entries(MARKERS).flatMap(([label, text]) => textNeedles(label, text));
  // Search indexes keep words lowercased and one by one.
  for (const word of ['zanzibar', 'quackenbush', 'philomena', '00488123', 'fernsby', 'oyelaran', 'ignatius']) {
    needles.push(...textNeedles(`word "${word}"`, word));
  }
  return needles;
}

function contentNeedles(): Needle[] {
  return recordFiles().map(([path, bytes]) => ({ label: `32 bytes of ${path}`, bytes: distinctiveRun(bytes) }));
}

beforeAll(async () => {
  const temp = await tempDir('medvault-plaintext-');
  root = temp.path;
  cleanup = temp.cleanup;
  sourceDir = join(root, 'records');
  vaultDir = join(root, 'vault');
  childTmp = join(root, 'tmp');
  backupDir = join(root, 'backup');
  await mkdir(childTmp);
  sources = await makeRecordsFolder(sourceDir);
  const extra: Record<string, Buffer | string> = {
    'oncology/Quackenbush clinic letter.txt': [
      `Patient: ${MARKERS.patient}`,
      `Record number: ${MARKERS.mrn}`,
      `Seen today at ${MARKERS.clinic} for follow-up of the biopsy.`,
      '',
    ].join('\n'),
    'oncology/pathology report.pdf': await makePdf(
      ['Pathology report', `Patient: ${MARKERS.patient}`, `MRN: ${MARKERS.mrn}`, `Laboratory: ${MARKERS.clinic}`],
      { title: `${MARKERS.clinic} pathology` },
    ),
    'oncology/2023-09-01 biopsy.pdf': await makePdf([
      'Core needle biopsy',
      `${MARKERS.patient} (${MARKERS.mrn})`,
      'Specimen received intact.',
    ]),
  };
  await writeTree(sourceDir, extra);
  sources = { ...sources, ...extra };

  const init = await cli(['init', '--json']);
  expect(init.code, describeRun(init)).toBe(0);
  const imported = await cli(['import', sourceDir, '--json']);
  expect(imported.code, describeRun(imported)).toBe(0);
  expect(parseJson<{ imported: number }>(imported).imported).toBe(recordFiles().length);
}, 120_000);

afterAll(async () => {
  await cleanup?.();
});

describe('nothing in plaintext on disk', () => {
  let taggedId: string;

  it('the vault holds the markers (so their absence on disk below means they are encrypted)', async () => {
    // The marker words are in the vault's search index: a text search finds the documents.
    const found = await cli(['list', '--json', '--text', 'Zanzibar']);
    expect(found.code, describeRun(found)).toBe(0);
    const documents = parseJson<VaultDocument[]>(found);
    expect(documents.map((d) => basename(d.source.path)).sort()).toEqual([
      'Quackenbush clinic letter.txt',
      'pathology report.pdf',
    ]);

    taggedId = documents.find((d) => d.source.path.endsWith('.pdf'))!.id;
    const tagged = await cli(['tag', taggedId, '--json', '--provider', MARKERS.provider, '--title', MARKERS.title]);
    expect(tagged.code, describeRun(tagged)).toBe(0);

    const shown = await cli(['show', taggedId, '--json']);
    expect(shown.code, describeRun(shown)).toBe(0);
    const details = parseJson<DocumentDetails>(shown);
    expect(details).toMatchObject({ provider: MARKERS.provider, title: MARKERS.title });
    expect(details.textExcerpt).toContain(MARKERS.patient);

    const backup = await cli(['backup', '--out', join(backupDir, 'records.medvault-backup')]);
    expect(backup.code, describeRun(backup)).toBe(0);
  });

  it('the search works: it finds every marker and file run where they are in the clear', async () => {
    // Positive controls for grep itself: the source folder holds every run of file bytes, and the
    // letter holds the three markers as plain UTF-8.
    const sourceHits = await grep([sourceDir], contentNeedles());
    for (const [path] of recordFiles()) {
      expect(sourceHits.map((hit) => hit.needle)).toContain(`32 bytes of ${path}`);
    }
    const markerHits = await grep([sourceDir], markerNeedles());
    const letter = relative(root, join(sourceDir, 'oncology/Quackenbush clinic letter.txt'));
    for (const label of ['clinic', 'patient', 'mrn']) {
      expect(markerHits).toContainEqual({ file: letter, needle: `${label} (utf-8)` });
    }
    // …and UTF-16LE text is found as such.
    const control = join(root, 'control');
    await writeTree(control, { 'wide.txt': Buffer.from(`x ${MARKERS.provider} y`, 'utf16le') });
    expect(await grep([control], markerNeedles())).toContainEqual({
      file: 'control/wide.txt',
      needle: 'provider (utf-16le)',
    });

    // The CLI did use the temporary folder we gave it (tsx keeps its compile cache there).
    expect((await filesUnder(childTmp)).length).toBeGreaterThan(0);
  });

  it('no marker, and no run of any record’s bytes, is in the vault, the temporary folder or the backup', async () => {
    const dirs = [vaultDir, childTmp, backupDir];
    const unencryptedDatabase: Needle = {
      label: 'an unencrypted SQLite file',
      bytes: Buffer.from('SQLite format 3\0'),
    };
    const hits = await grep(dirs, [...markerNeedles(), ...contentNeedles(), unencryptedDatabase]);
    expect(hits).toEqual([]);
    // Something was searched: the vault's database and one encrypted file per record.
    const vaultFiles = await filesUnder(vaultDir);
    expect(vaultFiles.length).toBeGreaterThanOrEqual(recordFiles().length + 2);
  });

  it('file and folder names in the vault reveal neither record names nor content hashes', async () => {
    const names = await namesUnder(vaultDir);
    const lower = names.map((name) => name.toLowerCase());
    for (const [path, bytes] of recordFiles()) {
      const hash = sha256Hex(bytes);
      for (const name of lower) {
        expect(name, `a name in the vault holds the SHA-256 of ${path}`).not.toContain(hash.slice(0, 16));
      }
      const stem = basename(path, extname(path)).toLowerCase();
      // A short all-hex name such as "cbc" could occur in a random hex blob name by chance.
      if (!/^[0-9a-f]+$/.test(stem)) {
        for (const name of lower) expect(name, `a name in the vault holds "${stem}"`).not.toContain(stem);
      }
    }
    for (const word of ['quackenbush', 'zanzibar', 'oncology', 'pathology', 'biopsy', 'lipid', 'knee']) {
      for (const name of lower) expect(name).not.toContain(word);
    }
    // The whole layout: fixed file names, blobs named by random ids in two-letter folders, and
    // record cards named by the documents' and disclosures' random ids.
    for (const relativePath of await readdir(vaultDir, { recursive: true })) {
      expect(relativePath).toMatch(
        /^(vault\.json|vault\.db(-wal|-shm|-journal)?|vault\.lock|blobs|blobs\/incoming|blobs\/(?<dir>[0-9a-f]{2})(\/\k<dir>[0-9a-f]{30})?|records|records\/(incoming|settings\.card|documents|disclosures)|records\/(documents|disclosures)\/[0-9a-z]{12}\.card)$/,
      );
    }
  });
});
