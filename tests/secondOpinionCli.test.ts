/**
 * `medvault export second-opinion` through the real CLI: a study and its report from a hospital
 * disc, put on a disc-style folder (or a zip) a PACS imports — checked with dcmtk, unzip and
 * sha256sum — with a summary PDF of every record read back with pdf.js, recorded in the disclosure
 * log; psychotherapy notes left out. Progress, cancel and a failed commit through the writer.
 */
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, readFile, readdir, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { PDFDocument } from 'pdf-lib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { VaultDocument } from '../shared/documents';
import type { PacketProgress, PacketRequest } from '../shared/packets';
import { listDisclosures } from '../electron/core/db/disclosures';
import {
  SUMMARY_DEIDENTIFIED_WARNING,
  SUMMARY_NO_PATIENT_WARNING,
  writePacketDisc,
} from '../electron/core/export/disc/writePacketDisc';
import { Vault } from '../electron/core/vault/Vault';
import { describeRun, parseJson, runCli } from './support/cli';
import { dcmdump, listTree, makeDisc, tool, type Disc } from './support/dicomFixtures';
import { tempDir } from './support/fixtures';
import { pageTexts } from './support/pdfText';
import { PASSPHRASE } from './support/vault';
import type { DisclosureJson, DiscPacketJson } from '../shared/cliOutput';

const NAME = 'Jane Q. Doe';
const DOB = '1961-07-14';
const ALLERGY_MARKER = 'PEANUT-ALLERGY-7731';

const sha256 = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');

describe('medvault export second-opinion', () => {
  let root: { path: string; cleanup: () => Promise<void> };
  let vaultDir: string;
  let disc: Disc;
  let ct: VaultDocument;
  let report: VaultDocument;
  let note: VaultDocument;
  let allergies: VaultDocument;
  const cli = (args: string[]) => runCli([...args, '--vault', vaultDir]);

  beforeAll(async () => {
    root = await tempDir();
    vaultDir = join(root.path, 'vault');
    disc = await makeDisc(join(root.path, 'disc'));
    await writeFile(join(root.path, 'session notes.txt'), 'Therapy session. Marker: okapi-whisper\n');
    await writeFile(join(root.path, 'allergies.txt'), `Allergies: ${ALLERGY_MARKER}, penicillin\n`);
    expect((await cli(['init', '--json'])).code).toBe(0);
    expect((await cli(['import', disc.root, '--json'])).code).toBe(0);
    expect((await cli(['import', join(root.path, 'session notes.txt'), '--json'])).code).toBe(0);
    expect((await cli(['import', join(root.path, 'allergies.txt'), '--json', '--skip-ocr'])).code).toBe(0);
    const documents = parseJson<VaultDocument[]>(await cli(['list', '--json']));
    ct = documents.find((d) => d.dicom?.studyInstanceUid === disc.ct.studyInstanceUid)!;
    report = documents.find((d) => d.mediaType === 'application/pdf')!;
    note = documents.find((d) => d.source.path.endsWith('session notes.txt'))!;
    allergies = documents.find((d) => d.source.path.endsWith('allergies.txt'))!;
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
      [ct.id, report.id, note.id, allergies.id].join(','),
      '--recipient-name',
      'Dr. Smith',
      '--json',
    ]);
    expect(result.code, describeRun(result)).toBe(0);
    const packet = parseJson<DiscPacketJson>(result);
    expect(packet).toMatchObject({ studies: 1, instances: disc.ct.instances.length, reports: 1, summary: false });
    expect(packet.warnings.join(' ')).toMatch(/Psychotherapy notes are outside the standard right of access/);
    // No date of birth (and no owner's name): no summary, and the text record is named as left out.
    expect(packet.warnings).toContain(SUMMARY_NO_PATIENT_WARNING);
    expect(packet.warnings.join(' ')).toContain(`${allergies.title} was not put on the disc`);

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

    const log = parseJson<DisclosureJson[]>(await cli(['disclosures', '--json']));
    expect(log).toHaveLength(1);
    expect(log[0]).toMatchObject({
      id: packet.disclosureId,
      purpose: 'second-opinion',
      packetKind: 'second-opinion-folder',
    });
    expect(log[0]!.documents.map((d) => d.documentId)).toEqual([ct.id, report.id, allergies.id]);
  }, 60_000);

  it('refuses a folder that exists, and records nothing', async () => {
    const out = join(root.path, 'for dr smith');
    const again = await cli(['export', 'second-opinion', '--out', out, '--ids', ct.id]);
    expect(again.code).toBe(1);
    expect(again.stderr).toMatch(/already exists; choose another name/);
    expect(parseJson<DisclosureJson[]>(await cli(['disclosures', '--json']))).toHaveLength(1);
  }, 30_000);

  it('--deidentify keeps no name or id of the patient in the DICOM files', async () => {
    const out = join(root.path, 'for a forum');
    const result = await cli([
      ...['export', 'second-opinion', '--out', out, '--ids', `${ct.id},${allergies.id}`, '--deidentify'],
      ...['--patient-name', NAME, '--dob', DOB, '--json'],
    ]);
    expect(result.code, describeRun(result)).toBe(0);
    // The summary would name the patient: none, with the reason, and the text record stays off.
    const packet = parseJson<DiscPacketJson>(result);
    expect(packet.summary).toBe(false);
    expect(packet.warnings).toContain(SUMMARY_DEIDENTIFIED_WARNING);
    expect(packet.warnings.join(' ')).toContain(`${allergies.title} was not put on the disc`);
    const tree = await listTree(out);
    expect(tree.filter((file) => file.startsWith('DOCS/'))).toEqual([]);
    expect(Buffer.concat(await Promise.all(tree.map((file) => readFile(join(out, file))))).includes(DOB)).toBe(false);
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

  it('puts a summary PDF of every record on the disc: an index, the text record as pages, every page stamped', async () => {
    const out = join(root.path, 'with summary');
    const ids = [ct.id, report.id, note.id, allergies.id];
    const result = await cli([
      ...['export', 'second-opinion', '--out', out, '--ids', ids.join(',')],
      ...['--patient-name', NAME, '--dob', DOB, '--json'],
    ]);
    expect(result.code, describeRun(result)).toBe(0);
    const packet = parseJson<DiscPacketJson>(result);
    expect(packet).toMatchObject({ studies: 1, reports: 1, summary: true });
    expect(packet.warnings.join(' ')).not.toMatch(/was not put on the disc|No summary PDF/);

    const tree = await listTree(out);
    expect(tree.filter((file) => file.startsWith('DOCS/'))).toEqual(['DOCS/REPORT01.PDF', 'DOCS/SUMMARY.PDF']);
    expect(await tool('sha256sum', ['--strict', '-c', 'MANIFEST'], out)).toMatch(/DOCS\/SUMMARY\.PDF: OK/);
    const html = await readFile(join(out, 'INDEX.HTM'), 'utf8');
    expect(html).toContain('href="DOCS/SUMMARY.PDF"');
    expect(html).toContain(allergies.title);
    const readme = await readFile(join(out, 'README.TXT'), 'utf8');
    expect(readme).toContain('DOCS\\SUMMARY.PDF');
    expect(readme).toMatch(/RECORDS IN THE SUMMARY ONLY[\s\S]*allergies/i);
    expect(readme).toContain(`  - ${allergies.title}`);

    expect(await tool('qpdf', ['--check', join(out, 'DOCS/SUMMARY.PDF')])).toContain(
      'No syntax or stream encoding errors found',
    );
    const bytes = await readFile(join(out, 'DOCS/SUMMARY.PDF'));
    const texts = await pageTexts(bytes);
    // No letter: the first page is the index, opened as a summary.
    expect(texts[0]).toContain('Summary of records');
    expect(texts[0]).toContain(`Patient: ${NAME}`);
    expect(texts[0]).toContain(`Date of birth: ${DOB}`);
    for (const document of [ct, report, allergies]) expect(texts[0]).toContain(document.title);
    // The index's page numbers are the stamped ones: the text record is where its row says.
    const row = texts[0]!.split('\n').find((line) => line.includes(allergies.title))!;
    const page = Number(/(\d+)\s*$/.exec(row.trim())?.[1]);
    expect(texts[page - 1]).toContain(ALLERGY_MARKER);
    const all = texts.join('\n');
    expect(all).not.toContain('Sincerely');
    expect(all).toContain(ALLERGY_MARKER);
    expect(all).toContain('No acute findings.');
    expect(all).toContain('CHEST WITHOUT CONTRAST');
    expect(all).not.toContain('okapi-whisper');
    texts.forEach((text, index) =>
      expect(text, `page ${index + 1}`).toContain(`${NAME} · DOB ${DOB} · page ${index + 1} of ${texts.length}`),
    );
    const pdf = await PDFDocument.load(bytes, { updateMetadata: false });
    expect(pdf.getTitle()).toBe(`Summary of records — ${NAME}`);
    expect(pdf.getAuthor()).toBe(NAME);

    const log = parseJson<DisclosureJson[]>(await cli(['disclosures', '--json']));
    const record = log.find((r) => r.id === packet.disclosureId)!;
    expect(record.packetKind).toBe('second-opinion-folder');
    expect(record.documents.map((d) => d.documentId)).toEqual([ct.id, report.id, allergies.id]);
  }, 60_000);

  it('writes the same disc as one zip for --out NAME.zip: unzip tests it, dcmtk reads it, MANIFEST verifies', async () => {
    const zipPath = join(root.path, 'for dr jones.zip');
    const result = await cli([
      ...['export', 'second-opinion', '--out', zipPath, '--ids', [ct.id, report.id, allergies.id].join(',')],
      ...['--patient-name', NAME, '--dob', DOB, '--json'],
    ]);
    expect(result.code, describeRun(result)).toBe(0);
    const packet = parseJson<DiscPacketJson>(result);
    expect((await stat(zipPath)).isFile()).toBe(true);
    await tool('unzip', ['-tq', zipPath]);
    const unpacked = join(root.path, 'unzipped jones');
    await tool('unzip', ['-q', zipPath, '-d', unpacked]);
    const files = await listTree(unpacked);
    expect(files).toHaveLength(packet.files);
    expect(files).toEqual(
      expect.arrayContaining([
        'DICOMDIR',
        'README.TXT',
        'INDEX.HTM',
        'MANIFEST',
        'DOCS/SUMMARY.PDF',
        'DOCS/REPORT01.PDF',
      ]),
    );

    const dump = await dcmdump(join(unpacked, 'DICOMDIR'));
    const referenced = [...dump.matchAll(/\(0004,1500\) CS \[([^\]]+)\]/g)].map((m) => m[1]!.replace(/\\/g, '/'));
    expect(referenced).toHaveLength(disc.ct.instances.length);
    const originals = new Set(await Promise.all(disc.ct.instances.map(async (i) => sha256(await readFile(i.path)))));
    const copied = await Promise.all(referenced.map(async (file) => sha256(await readFile(join(unpacked, file)))));
    expect(new Set(copied)).toEqual(originals);
    expect(await tool('sha256sum', ['--strict', '-c', 'MANIFEST'], unpacked)).toMatch(/DICOMDIR: OK/);
    expect((await pageTexts(await readFile(join(unpacked, 'DOCS/SUMMARY.PDF')))).join(' ')).toContain(ALLERGY_MARKER);

    const log = parseJson<DisclosureJson[]>(await cli(['disclosures', '--json']));
    expect(log.find((r) => r.id === packet.disclosureId)).toMatchObject({
      purpose: 'second-opinion',
      packetKind: 'second-opinion-zip',
    });
    expect((await readdir(root.path)).filter((name) => name.includes('.partial-'))).toEqual([]);
  }, 60_000);

  it('--zip writes a zip whatever the name, and refuses one that exists', async () => {
    const out = join(root.path, 'PACKET');
    const args = ['export', 'second-opinion', '--out', out, '--ids', ct.id, '--zip', '--json'];
    const result = await cli(args);
    expect(result.code, describeRun(result)).toBe(0);
    expect((await readFile(out)).subarray(0, 4)).toEqual(Buffer.from('PK\x03\x04', 'latin1'));
    await tool('unzip', ['-tq', out]);
    const count = parseJson<DisclosureJson[]>(await cli(['disclosures', '--json'])).length;
    const again = await cli(args);
    expect(again.code).toBe(1);
    expect(again.stderr).toMatch(/already exists/);
    expect(parseJson<DisclosureJson[]>(await cli(['disclosures', '--json']))).toHaveLength(count);
  }, 60_000);

  describe('the writer', () => {
    const request = (documentIds: string[]): PacketRequest => ({
      purpose: 'second-opinion',
      documentIds,
      recipient: { name: '', organisation: '', address: '' },
      patient: { name: NAME, dateOfBirth: DOB },
    });
    const withVault = async <T>(work: (vault: Vault) => Promise<T>): Promise<T> => {
      const vault = await Vault.open(vaultDir, { passphrase: PASSPHRASE });
      try {
        return await work(vault);
      } finally {
        await vault.close();
      }
    };

    it('reports progress while reading the documents, laying out the summary and writing every file', async () => {
      const events: PacketProgress[] = [];
      const result = await withVault((vault) =>
        writePacketDisc(vault, request([ct.id, report.id, allergies.id]), {
          out: join(root.path, 'progress.zip'),
          zip: true,
          onProgress: (p) => events.push({ ...p }),
        }),
      );
      const phases = events.map((e) => e.phase).filter((phase, i, all) => phase !== all[i - 1]);
      expect(phases).toEqual(['reading', 'summary', 'writing']);
      const last = (phase: PacketProgress['phase']) => events.filter((e) => e.phase === phase).at(-1)!;
      expect(last('reading')).toMatchObject({ documentsDone: 3, documentsTotal: 3 });
      expect(last('summary').documentsDone).toBe(3);
      expect(last('summary').pagesDone).toBeGreaterThan(3);
      const writing = events.filter((e) => e.phase === 'writing');
      expect(writing.map((e) => e.filesDone)).toEqual(Array.from({ length: result.files }, (_, i) => i + 1));
      expect(writing.every((e) => e.filesTotal === result.files)).toBe(true);
    }, 60_000);

    it('leaves no zip, no folder and no record when cancelled while writing', async () => {
      const folder = join(root.path, 'cancelled');
      await mkdir(folder);
      await withVault(async (vault) => {
        const before = (await vault.db.read((q) => listDisclosures(q))).length;
        for (const zip of [true, false]) {
          const controller = new AbortController();
          await expect(
            writePacketDisc(vault, request([ct.id, report.id]), {
              out: join(folder, zip ? 'packet.zip' : 'packet'),
              zip,
              signal: controller.signal,
              onProgress: (p) => {
                if (p.phase === 'writing' && p.filesDone === 2) controller.abort();
              },
            }),
          ).rejects.toThrow();
          expect(await readdir(folder)).toEqual([]);
        }
        expect(await vault.db.read((q) => listDisclosures(q))).toHaveLength(before);
      });
    }, 60_000);

    it('removes the zip when the disclosure cannot be recorded', async () => {
      const folder = join(root.path, 'db-failure');
      await mkdir(folder);
      await withVault(async (vault) => {
        const before = (await vault.db.read((q) => listDisclosures(q))).length;
        const transaction = vault.db.transaction.bind(vault.db);
        const target = join(folder, 'packet.zip');
        const seen: boolean[] = [];
        // The record is written and the zip renamed (inside the transaction), then the commit fails.
        vault.db.transaction = ((work) =>
          transaction(async (tx) => {
            seen.push(existsSync(target));
            await work(tx);
            seen.push(existsSync(target));
            throw new Error('the disk is full');
          })) as typeof vault.db.transaction;
        await expect(writePacketDisc(vault, request([ct.id]), { out: target, zip: true })).rejects.toThrow(
          /disk is full/,
        );
        vault.db.transaction = transaction;
        expect(seen).toEqual([false, true]);
        expect(await readdir(folder)).toEqual([]);
        expect(await vault.db.read((q) => listDisclosures(q))).toHaveLength(before);
      });
    }, 60_000);
  });
});
