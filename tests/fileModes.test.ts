/**
 * What Medvault writes outside the vault is the patient's plaintext: every packet (PDF, disc folder,
 * zip), snapshot, disclosure-log CSV and backup is created readable by its owner alone (0600,
 * folders 0700), whatever the umask lets other files be, and the command says where it went.
 */
import { mkdir, readdir, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { VaultDocument } from '../shared/documents';
import { describeRun, parseJson, runCli } from './support/cli';
import { makeDisc } from './support/dicomFixtures';
import { makePdf, tempDir, writeTree } from './support/fixtures';

const mode = async (path: string) => (await stat(path)).mode & 0o777;

/** Every file and folder under `dir` (itself included) with its permission bits. */
async function modes(dir: string): Promise<{ files: number[]; folders: number[] }> {
  const files: number[] = [];
  const folders: number[] = [await mode(dir)];
  for (const entry of await readdir(dir, { withFileTypes: true, recursive: true })) {
    const bits = await mode(join(entry.parentPath, entry.name));
    (entry.isDirectory() ? folders : files).push(bits);
  }
  return { files, folders };
}

describe('files written outside the vault', () => {
  let root: { path: string; cleanup: () => Promise<void> };
  let vaultDir: string;
  let study: VaultDocument;
  let report: VaultDocument;
  const cli = (...args: string[]) => runCli([...args, '--vault', vaultDir]);
  const out = (name: string) => join(root.path, 'out', name);

  beforeAll(async () => {
    root = await tempDir();
    vaultDir = join(root.path, 'vault');
    const disc = await makeDisc(join(root.path, 'disc'));
    await mkdir(join(root.path, 'out'));
    await writeTree(join(root.path, 'paper'), { 'report.pdf': await makePdf(['Radiology report']) });
    expect((await cli('init', '--json')).code).toBe(0);
    expect((await cli('import', disc.root, join(root.path, 'paper'), '--json', '--skip-ocr')).code).toBe(0);
    const documents = parseJson<VaultDocument[]>(await cli('list', '--json'));
    study = documents.find((d) => d.dicom?.studyInstanceUid === disc.ct.studyInstanceUid)!;
    report = documents.find((d) => d.source.path.endsWith('report.pdf'))!;
    // Here the umask lets other users read what is made (so the checks below can fail).
    await writeFile(out('control.txt'), 'x');
    expect((await mode(out('control.txt'))) & 0o044).not.toBe(0);
  }, 120_000);
  afterAll(() => root.cleanup());

  it('makes a PDF packet, a disc folder and a zip readable by their owner alone', async () => {
    const pdf = await cli(
      'export',
      'appeal',
      '--out',
      out('appeal.pdf'),
      '--ids',
      report.id,
      '--patient-name',
      'Jane Doe',
      '--dob',
      '1970-01-01',
    );
    expect(pdf.code, describeRun(pdf)).toBe(0);
    expect(pdf.stdout).toContain(out('appeal.pdf'));
    expect(await mode(out('appeal.pdf'))).toBe(0o600);

    const folder = await cli('export', 'second-opinion', '--out', out('disc'), '--ids', study.id);
    expect(folder.code, describeRun(folder)).toBe(0);
    const written = await modes(out('disc'));
    expect(written.files.length).toBeGreaterThan(3);
    expect(new Set(written.files)).toEqual(new Set([0o600]));
    expect(new Set(written.folders)).toEqual(new Set([0o700]));

    const zip = await cli('export', 'second-opinion', '--zip', '--out', out('disc.zip'), '--ids', study.id);
    expect(zip.code, describeRun(zip)).toBe(0);
    expect(await mode(out('disc.zip'))).toBe(0o600);
  }, 120_000);

  it('makes a snapshot, the disclosure CSV and a backup readable by their owner alone', async () => {
    const png = await cli('snapshot', study.id, '--out', out('slice.png'));
    expect(png.code, describeRun(png)).toBe(0);
    expect(await mode(out('slice.png'))).toBe(0o600);

    const csv = await cli('disclosures', '--csv', out('log.csv'));
    expect(csv.code, describeRun(csv)).toBe(0);
    expect(await mode(out('log.csv'))).toBe(0o600);

    const backup = await cli('backup', '--out', out('vault.mvbackup'));
    expect(backup.code, describeRun(backup)).toBe(0);
    expect(await mode(out('vault.mvbackup'))).toBe(0o600);
  }, 120_000);
});
