/**
 * `medvault export second-opinion` through the real CLI: a study and its report from a hospital
 * disc, put on a disc-style folder a PACS imports — checked with dcmtk and sha256sum — recorded in
 * the disclosure log; psychotherapy notes left out.
 */
import { createHash } from 'node:crypto';
import { readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { VaultDocument } from '../shared/documents';
import type { DisclosureRecord } from '../shared/packets';
import { describeRun, parseJson, runCli } from './support/cli';
import { dcmdump, listTree, makeDisc, tool, type Disc } from './support/dicomFixtures';
import { tempDir } from './support/fixtures';

interface SecondOpinionJson {
  out: string;
  disclosureId: string;
  studies: number;
  instances: number;
  reports: number;
  warnings: string[];
}

const sha256 = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');

describe('medvault export second-opinion', () => {
  let root: { path: string; cleanup: () => Promise<void> };
  let vaultDir: string;
  let disc: Disc;
  let ct: VaultDocument;
  let report: VaultDocument;
  let note: VaultDocument;
  const cli = (args: string[]) => runCli([...args, '--vault', vaultDir]);

  beforeAll(async () => {
    root = await tempDir();
    vaultDir = join(root.path, 'vault');
    disc = await makeDisc(join(root.path, 'disc'));
    await writeFile(join(root.path, 'session notes.txt'), 'Therapy session. Marker: okapi-whisper\n');
    expect((await cli(['init', '--json'])).code).toBe(0);
    expect((await cli(['import', disc.root, '--json'])).code).toBe(0);
    expect((await cli(['import', join(root.path, 'session notes.txt'), '--json'])).code).toBe(0);
    const documents = parseJson<VaultDocument[]>(await cli(['list', '--json']));
    ct = documents.find((d) => d.dicom?.studyInstanceUid === disc.ct.studyInstanceUid)!;
    report = documents.find((d) => d.mediaType === 'application/pdf')!;
    note = documents.find((d) => d.mediaType === 'text/plain')!;
    expect((await cli(['tag', note.id, '--type', 'psychotherapy-note'])).code).toBe(0);
  }, 120_000);
  afterAll(() => root.cleanup());

  it('writes the study byte for byte with a DICOMDIR dcmtk reads, the report, and a MANIFEST that verifies', async () => {
    const out = join(root.path, 'for dr smith');
    const result = await cli([
      'export',
      'second-opinion',
      '--out',
      out,
      '--ids',
      [ct.id, report.id, note.id].join(','),
      '--recipient-name',
      'Dr. Smith',
      '--json',
    ]);
    expect(result.code, describeRun(result)).toBe(0);
    const packet = parseJson<SecondOpinionJson>(result);
    expect(packet).toMatchObject({ studies: 1, instances: disc.ct.instances.length, reports: 1 });
    expect(packet.warnings.join(' ')).toMatch(/Psychotherapy notes are outside the standard right of access/);

    const files = await listTree(out);
    expect(files).toContain('DICOMDIR');
    expect(files).toEqual(expect.arrayContaining(['README.TXT', 'INDEX.HTM', 'MANIFEST']));
    expect(files.some((file) => /\.(exe|bat|cmd|inf)$/i.test(file) || /autorun/i.test(file))).toBe(false);

    // dcmdump reads the DICOMDIR; every file it references exists; the counts match.
    const dump = await dcmdump(join(out, 'DICOMDIR'));
    const referenced = [...dump.matchAll(/\(0004,1500\) CS \[([^\]]+)\]/g)].map((m) => m[1]!.replace(/\\/g, '/'));
    expect(referenced).toHaveLength(disc.ct.instances.length);
    for (const file of referenced) expect((await stat(join(out, file))).isFile()).toBe(true);
    expect(dump.match(/\(0004,1430\) CS \[IMAGE/g)).toHaveLength(disc.ct.instances.length);
    expect(dump.match(/\(0004,1430\) CS \[STUDY/g)).toHaveLength(1);

    // The DICOM files are the disc's own bytes.
    const originals = new Set(await Promise.all(disc.ct.instances.map(async (i) => sha256(await readFile(i.path)))));
    const copied = await Promise.all(referenced.map(async (file) => sha256(await readFile(join(out, file)))));
    expect(new Set(copied)).toEqual(originals);
    const pdfs = files.filter((file) => file.startsWith('DOCS/'));
    expect(pdfs).toHaveLength(1);
    expect(sha256(await readFile(join(out, pdfs[0]!)))).toBe(sha256(await readFile(disc.reportPdf)));

    expect(await tool('sha256sum', ['--strict', '-c', 'MANIFEST'], out)).toMatch(/DICOMDIR: OK/);
    const everything = Buffer.concat(await Promise.all(files.map((file) => readFile(join(out, file)))));
    expect(everything.includes('okapi-whisper')).toBe(false);

    const log = parseJson<DisclosureRecord[]>(await cli(['disclosures', '--json']));
    expect(log).toHaveLength(1);
    expect(log[0]).toMatchObject({
      id: packet.disclosureId,
      purpose: 'second-opinion',
      packetKind: 'second-opinion-folder',
    });
    expect(log[0]!.documents.map((d) => d.documentId)).toEqual([ct.id, report.id]);
  }, 60_000);

  it('refuses a folder that exists, and records nothing', async () => {
    const out = join(root.path, 'for dr smith');
    const again = await cli(['export', 'second-opinion', '--out', out, '--ids', ct.id]);
    expect(again.code).toBe(1);
    expect(again.stderr).toMatch(/already exists; choose a new name for the packet/);
    expect(parseJson<DisclosureRecord[]>(await cli(['disclosures', '--json']))).toHaveLength(1);
  }, 30_000);

  it('--deidentify keeps no name or id of the patient in the DICOM files', async () => {
    const out = join(root.path, 'for a forum');
    const result = await cli(['export', 'second-opinion', '--out', out, '--ids', ct.id, '--deidentify', '--json']);
    expect(result.code, describeRun(result)).toBe(0);
    const referenced = [...(await dcmdump(join(out, 'DICOMDIR'))).matchAll(/\(0004,1500\) CS \[([^\]]+)\]/g)];
    expect(referenced).toHaveLength(disc.ct.instances.length);
    for (const match of referenced) {
      const bytes = await readFile(join(out, match[1]!.replace(/\\/g, '/')));
      for (const value of [disc.patient.id, disc.patient.name.split('^')[0]!, disc.ct.studyInstanceUid]) {
        expect(bytes.includes(value), value).toBe(false);
      }
      expect(await dcmdump(join(out, match[1]!.replace(/\\/g, '/')))).toMatch(
        /PatientIdentityRemoved\s*$|\(0012,0062\) CS \[YES\]/m,
      );
    }
  }, 60_000);
});
