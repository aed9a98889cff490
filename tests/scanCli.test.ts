/**
 * `medvault import --scan` and `medvault scan` as scripts see them: real child processes. The
 * scanner is SANE's scanimage; it is not installed here, so "not found" is tested as it is, and
 * the scanning path with a stand-in `scanimage` on PATH that prints real PNG pages — which tests
 * how Medvault calls it and reads what it gives. Nothing of the pages is left in plaintext on disk.
 */
import { chmod, mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DocumentDetails, VaultDocument } from '../shared/documents';
import { describeRun, parseJson, runCli, type CliResult } from './support/cli';
import { tempDir, writeTree } from './support/fixtures';
import { jpegOf, pngOf, textPage } from './support/scanFixtures';
import type { ImportJson } from '../shared/cliOutput';

const NO_SCANNER = 'medvault: No scanner interface (SANE scanimage) was found; import the scanned images instead.\n';

let root: string;
let cleanup: () => Promise<void>;
let vaultDir: string;
let pagesDir: string;
let childTmp: string;

function cli(args: string[], env: Record<string, string | undefined> = {}): Promise<CliResult> {
  return runCli([...args, '--vault', vaultDir], { env: { TMPDIR: childTmp, ...env } });
}

async function findByWord(word: string): Promise<VaultDocument[]> {
  const result = await cli(['list', '--json', '--text', word]);
  expect(result.code, describeRun(result)).toBe(0);
  return parseJson<VaultDocument[]>(result);
}

async function filesUnder(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true, recursive: true });
  return entries.filter((entry) => entry.isFile()).map((entry) => join(entry.parentPath, entry.name));
}

beforeAll(async () => {
  ({ path: root, cleanup } = await tempDir());
  vaultDir = join(root, 'vault');
  pagesDir = join(root, 'pages');
  childTmp = join(root, 'tmp');
  await mkdir(childTmp);
  await writeTree(pagesDir, {
    'letter-1.png': await pngOf(textPage(['Oncology gazelle letter'])),
    'letter-2.jpg': await jpegOf(textPage(['Second page flamingo'], { turn: 180 })),
  });
  const init = await cli(['init', '--json']);
  expect(init.code, describeRun(init)).toBe(0);
}, 60_000);

afterAll(() => cleanup());

describe('medvault import --scan', () => {
  it('makes one document from the pages in order, turning a page by @180, searchable by its words', async () => {
    const result = await cli([
      'import',
      '--scan',
      '--title',
      'Oncology letter',
      join(pagesDir, 'letter-1.png'),
      `${join(pagesDir, 'letter-2.jpg')}@180`,
      '--json',
    ]);
    expect(result.code, describeRun(result)).toBe(0);
    const report = parseJson<ImportJson>(result);
    expect(report).toMatchObject({ imported: 1, failed: [] });
    for (const word of ['gazelle', 'flamingo']) {
      expect(
        (await findByWord(word)).map((document) => document.id),
        word,
      ).toEqual(report.documents);
    }
    const shown = await cli(['show', report.documents[0]!, '--json']);
    const document = parseJson<DocumentDetails>(shown);
    expect(document).toMatchObject({
      title: 'Oncology letter',
      mediaType: 'application/pdf',
      source: { kind: 'scan' },
    });
    expect(document.files.map((file) => file.mediaType)).toEqual(['application/pdf', 'image/png', 'image/jpeg']);
  }, 60_000);

  it('refuses a page that is not a file before asking for the passphrase', async () => {
    const result = await cli(['import', '--scan', join(pagesDir, 'missing.png')], { MEDVAULT_PASSPHRASE: undefined });
    expect(result.code).toBe(1);
    expect(result.stderr).toBe(`medvault: ${join(pagesDir, 'missing.png')} is not a file.\n`);
  }, 30_000);
});

describe('medvault scan', () => {
  it('says in one sentence that there is no scanner, and exits 1', async () => {
    // scanimage is not installed here: a PATH with only the system folders has none.
    const result = await cli(['scan'], { PATH: '/usr/bin:/bin', MEDVAULT_PASSPHRASE: undefined });
    expect(result.code, describeRun(result)).toBe(1);
    expect(result.stderr).toBe(NO_SCANNER);
    expect(result.stdout).toBe('');
  }, 30_000);

  it('scans pages with scanimage until the feeder is empty, into one searchable document', async () => {
    // A stand-in for SANE's scanimage: prints the next page (a real PNG) on stdout, and exits 7
    // (SANE_STATUS_NO_DOCS) when the feeder has no more, as scanimage does; it notes its arguments.
    const bin = join(root, 'bin');
    const feeder = join(root, 'feeder');
    await writeTree(feeder, {
      'page-1.png': await pngOf(textPage(['Scanned pelican page'])),
      'page-2.png': await pngOf(textPage(['Another walrus page'])),
    });
    await mkdir(bin);
    await writeFile(
      join(bin, 'scanimage'),
      [
        '#!/bin/sh',
        `echo "$@" >> "${join(feeder, 'calls')}"`,
        `next=$(ls "${feeder}" | grep '^page-' | head -n 1)`,
        'if [ -z "$next" ]; then echo "scanimage: sane_start: Document feeder out of documents" >&2; exit 7; fi',
        `cat "${feeder}/$next" && rm "${feeder}/$next"`,
      ].join('\n'),
    );
    await chmod(join(bin, 'scanimage'), 0o755);
    const result = await cli(['scan', '--title', 'Fed pages', '--pages', '5', '--json'], {
      PATH: `${bin}:${process.env.PATH}`,
    });
    expect(result.code, describeRun(result)).toBe(0);
    const report = parseJson<ImportJson>(result);
    expect(report).toMatchObject({ imported: 1, failed: [] });
    expect(result.stderr).toContain('Scanned 2 pages.');
    const calls = (await readFile(join(feeder, 'calls'), 'utf8')).trim().split('\n');
    expect(calls).toEqual(Array(3).fill('--format=png --resolution=300'));
    expect((await findByWord('pelican')).map((document) => document.title)).toEqual(['Fed pages']);
    expect((await findByWord('walrus')).map((document) => document.id)).toEqual(report.documents);
  }, 60_000);

  it('left nothing of the pages or their words in plaintext in the vault or the temporary folder', async () => {
    const needles = ['gazelle', 'flamingo', 'pelican', 'walrus', 'Oncology'].map((word) => Buffer.from(word));
    // A run of the JPEG's compressed data: it goes into the PDF as it is, so a plaintext PDF would show it.
    const jpeg = await readFile(join(pagesDir, 'letter-2.jpg'));
    needles.push(jpeg.subarray(jpeg.length - 200, jpeg.length - 136));
    const png = await readFile(join(pagesDir, 'letter-1.png'));
    needles.push(png.subarray(png.length - 100, png.length - 36));
    const files = [...(await filesUnder(vaultDir)), ...(await filesUnder(childTmp))];
    expect(files.length).toBeGreaterThan(3);
    for (const file of files) {
      const bytes = await readFile(file);
      for (const needle of needles) expect(bytes.includes(needle), `${file} holds plaintext`).toBe(false);
    }
    // tesseract.js caches its language data in the working directory unless told not to.
    expect((await readdir(process.cwd())).filter((name) => name.endsWith('.traineddata'))).toEqual([]);
  });
});
