/**
 * Importing hospital discs and USB sticks (issue 4): studies made by dcmtk and GDCM, grouped one
 * document per study, stored byte for byte, with the disc's noise skipped and its DICOMDIR used
 * (case-insensitively, `;1` tolerated) alongside a scan of the tree.
 */
import { copyFile, mkdir, readFile, readdir, writeFile } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { VaultDocument } from '../shared/documents';
import type { ImportReport } from '../shared/imports';
import { runImport } from '../electron/core/import/runImport';
import { decodeFrame } from '../electron/core/imaging/decodeFrame';
import type { Vault } from '../electron/core/vault/Vault';
import {
  JANE,
  RICHARD,
  SOP_CLASS,
  TRANSFER_SYNTAX,
  makeDisc,
  makeIsoMountDisc,
  makeTwoPatientDisc,
  makeVariantsFolder,
  writeAnotherInstance,
  writeLosslessCopy,
  zipFolder,
  sha256File,
  tool,
  type Disc,
  type FixtureInstance,
  type FixtureStudy,
  type IsoMountDisc,
  type TwoPatientDisc,
  type VariantsFolder,
} from './support/dicomFixtures';
import { makePdf, tempDir } from './support/fixtures';
import { withNewVault } from './support/vault';
import { getDocument, listDocuments } from '../electron/core/usecases/documents';

interface InstanceRow {
  document_id: string;
  blob_id: string;
  study_instance_uid: string;
  series_instance_uid: string;
  sop_instance_uid: string;
  sop_class_uid: string | null;
  modality: string | null;
  body_part: string | null;
  series_description: string | null;
  series_number: number | null;
  instance_number: number | null;
  frames: number;
  transfer_syntax: string;
  rows: number | null;
  columns: number | null;
}

interface StoredFile {
  blobId: string;
  position: number;
  originalPath: string;
  bytes: Buffer;
}

/** The patient name as the importer may show it: DICOM's `DOE^JANE` or a readable form of it. */
const namesJane = expect.stringMatching(/^(?=.*\bdoe\b)(?=.*\bjane\b)/i);

let temp: { path: string; cleanup: () => Promise<void> };
let disc: Disc;
let iso: IsoMountDisc;
let twoPatients: TwoPatientDisc;
let variants: VariantsFolder;

beforeAll(async () => {
  temp = await tempDir('medvault-dicom-');
  [disc, iso, twoPatients, variants] = await Promise.all([
    makeDisc(join(temp.path, 'mercy-disc')),
    makeIsoMountDisc(join(temp.path, 'iso-staging'), join(temp.path, 'iso-mount')),
    makeTwoPatientDisc(join(temp.path, 'two-patients')),
    makeVariantsFolder(join(temp.path, 'usb-stick')),
  ]);
});

afterAll(async () => {
  await temp?.cleanup();
});

async function instanceRows(vault: Vault, documentId: string): Promise<InstanceRow[]> {
  return vault.db.read((q) =>
    q.all<InstanceRow>('SELECT * FROM dicom_instances WHERE document_id = ? ORDER BY sop_instance_uid', [documentId]),
  );
}

async function storedFiles(vault: Vault, documentId: string): Promise<StoredFile[]> {
  const rows = await vault.db.read((q) =>
    q.all<{ blob_id: string; position: number; original_path: string }>(
      'SELECT blob_id, position, original_path FROM document_files WHERE document_id = ? ORDER BY position',
      [documentId],
    ),
  );
  return Promise.all(
    rows.map(async (row) => ({
      blobId: row.blob_id,
      position: row.position,
      originalPath: row.original_path,
      bytes: await vault.blobs.readAll(row.blob_id),
    })),
  );
}

async function blobFiles(vault: Vault): Promise<string[]> {
  const names: string[] = [];
  for (const folder of await readdir(vault.blobs.dir)) {
    if (folder === 'incoming') continue;
    for (const name of await readdir(join(vault.blobs.dir, folder))) names.push(`${folder}/${name}`);
  }
  return names.sort();
}

function studyDocument(documents: VaultDocument[], study: FixtureStudy): VaultDocument {
  const found = documents.filter(
    (d) => d.type === 'imaging-study' && d.dicom?.studyInstanceUid === study.studyInstanceUid,
  );
  expect(found, `one imaging-study document for ${study.description}`).toHaveLength(1);
  return found[0]!;
}

/** The study's files in the vault are the fixture's files, byte for byte, one per instance. */
async function expectStoredByteForByte(vault: Vault, documentId: string, instances: FixtureInstance[]) {
  const details = await getDocument(vault, documentId);
  const stored = await storedFiles(vault, documentId);
  expect(stored).toHaveLength(instances.length);
  expect(details.files).toHaveLength(instances.length);
  const expected = new Map(instances.map((instance) => [instance.path, instance]));
  expect(new Set(stored.map((file) => file.originalPath))).toEqual(new Set(expected.keys()));
  for (const file of stored) {
    const original = await readFile(file.originalPath);
    expect(file.bytes.equals(original), `${file.originalPath} stored byte for byte`).toBe(true);
    const listed = details.files.find((f) => f.position === file.position)!;
    expect(listed.sha256).toBe(await sha256File(file.originalPath));
    expect(listed.bytes).toBe(original.length);
    expect(listed.mediaType).toBe('application/dicom');
  }
}

function expectInstanceRows(rows: InstanceRow[], instances: FixtureInstance[]) {
  const bySop = new Map(rows.map((row) => [row.sop_instance_uid, row]));
  expect(rows).toHaveLength(instances.length);
  for (const instance of instances) {
    expect(bySop.get(instance.sopInstanceUid), `row for ${instance.path}`).toMatchObject({
      study_instance_uid: instance.studyInstanceUid,
      series_instance_uid: instance.seriesInstanceUid,
      sop_instance_uid: instance.sopInstanceUid,
      sop_class_uid: instance.sopClassUid,
      modality: instance.modality,
      body_part: instance.bodyPart,
      series_description: instance.seriesDescription,
      series_number: instance.seriesNumber,
      instance_number: instance.instanceNumber,
      frames: 1,
      transfer_syntax: instance.transferSyntax,
      rows: instance.rows,
      columns: instance.columns,
    });
  }
}

describe('a hospital disc (IHE PDI: DICOMDIR, viewer, report PDF)', () => {
  let vault: Vault;
  let cleanup: () => Promise<void>;
  let report: ImportReport;
  let documents: VaultDocument[];

  beforeAll(async () => {
    ({ vault, cleanup } = await withNewVault());
    report = await runImport(vault, [disc.root], { sourceKind: 'disc' });
    documents = await listDocuments(vault);
  });
  afterAll(() => cleanup?.());

  it('makes one imaging-study document per study, dated, titled and attributed from the DICOM headers', () => {
    expect(report.failed).toEqual([]);
    expect(report.status).toBe('completed');
    const ct = studyDocument(documents, disc.ct);
    const mr = studyDocument(documents, disc.mr);
    expect(ct).toMatchObject({
      type: 'imaging-study',
      category: 'medical-record',
      mediaType: 'application/dicom',
      date: '2023-04-05',
      provider: 'Mercy Hospital',
      source: { kind: 'disc' },
      dicom: {
        studyInstanceUid: disc.ct.studyInstanceUid,
        modalities: ['CT'],
        seriesCount: 1,
        instanceCount: 6,
        patientName: namesJane,
        patientId: 'MRN12345',
        studyDescription: 'CHEST WITHOUT CONTRAST',
      },
    });
    expect(mr).toMatchObject({
      type: 'imaging-study',
      category: 'medical-record',
      mediaType: 'application/dicom',
      date: '2023-11-20',
      provider: 'Mercy Hospital',
      dicom: {
        studyInstanceUid: disc.mr.studyInstanceUid,
        modalities: ['MR'],
        seriesCount: 2,
        instanceCount: 6,
        patientName: namesJane,
        patientId: 'MRN12345',
        studyDescription: 'BRAIN W/WO CONTRAST',
      },
    });
    // The title names the modality (not in these descriptions) and the study description.
    expect(ct.title).toMatch(/\bCT\b/);
    expect(ct.title.toLowerCase()).toContain('chest without contrast');
    expect(mr.title).toMatch(/\bMRI?\b/);
    expect(mr.title.toLowerCase()).toContain('brain w/wo contrast');
    expect(report.documents).toEqual(expect.arrayContaining([ct.id, mr.id]));
  });

  it('stores every instance byte for byte, one file per instance', async () => {
    await expectStoredByteForByte(vault, studyDocument(documents, disc.ct).id, disc.ct.instances);
    await expectStoredByteForByte(vault, studyDocument(documents, disc.mr).id, disc.mr.instances);
  });

  it('records each instance: UIDs, SOP class, modality, body part, series, instance number, frames, syntax, size', async () => {
    const ct = studyDocument(documents, disc.ct);
    const mr = studyDocument(documents, disc.mr);
    const ctRows = await instanceRows(vault, ct.id);
    expectInstanceRows(ctRows, disc.ct.instances);
    expect(ctRows.every((row) => row.sop_class_uid === SOP_CLASS.ct)).toBe(true);
    const mrRows = await instanceRows(vault, mr.id);
    expectInstanceRows(mrRows, disc.mr.instances);
    expect(new Set(mrRows.map((row) => row.series_description))).toEqual(new Set(['T1 SAG', 'T2 AX FLAIR']));
    // Each instance row points at the blob that holds that instance's file.
    const stored = await storedFiles(vault, ct.id);
    expect(new Set(ctRows.map((row) => row.blob_id))).toEqual(new Set(stored.map((file) => file.blobId)));
  });

  it('imports the report PDF as its own document and skips the viewer, autorun.inf, index.htm and the DICOMDIR', () => {
    const pdf = documents.filter((d) => d.source.path === disc.reportPdf);
    expect(pdf).toHaveLength(1);
    expect(pdf[0]).toMatchObject({ mediaType: 'application/pdf', title: 'Radiology report' });
    expect(documents).toHaveLength(3); // CT, MR, the report
    expect(report.imported).toBe(3);

    const noise = [...disc.noise, disc.dicomdir];
    expect(report.skipped).toBe(noise.length);
    const mentioned = [...report.failed, ...report.warnings].map((problem) => problem.path);
    for (const path of noise) {
      expect(mentioned, `${relative(disc.root, path)} is noise, not a problem`).not.toContain(path);
      expect(documents.some((d) => d.source.path === path)).toBe(false);
    }
  });

  it('names the patient on the disc in the report, without a warning for a single patient', () => {
    expect(report.patients).toEqual([{ name: namesJane, id: JANE.id }]);
    expect(report.warnings.filter((w) => /patient/i.test(w.reason))).toEqual([]);
  });

  it('imports the same disc again as nothing new: no document, no file, no instance added', async () => {
    const blobsBefore = await blobFiles(vault);
    const instancesBefore = await vault.db.read((q) => q.all('SELECT * FROM dicom_instances ORDER BY blob_id'));
    const again = await runImport(vault, [disc.root], { sourceKind: 'disc' });
    expect(again).toMatchObject({ status: 'completed', imported: 0, documents: [], failed: [] });
    expect(again.skipped).toBe(report.skipped);
    expect(await listDocuments(vault)).toHaveLength(documents.length);
    expect(await blobFiles(vault)).toEqual(blobsBefore);
    expect(await vault.db.read((q) => q.all('SELECT * FROM dicom_instances ORDER BY blob_id'))).toEqual(
      instancesBefore,
    );
    for (const study of [disc.ct, disc.mr]) {
      const document = studyDocument(await listDocuments(vault), study);
      expect(document.dicom?.instanceCount).toBe(study.instances.length);
      expect((await getDocument(vault, document.id)).files).toHaveLength(study.instances.length);
    }
  });

  it('recognises an identical copy of an instance already in the vault as nothing new', async () => {
    const folder = join(temp.path, 'same-again');
    await mkdir(folder, { recursive: true });
    await copyFile(disc.ct.instances[0]!.path, join(folder, 'copy.dcm'));
    const blobsBefore = await blobFiles(vault);
    const again = await runImport(vault, [folder], { sourceKind: 'disc' });
    expect(again).toMatchObject({ status: 'completed', imported: 0, duplicates: 1, documents: [], failed: [] });
    expect(await blobFiles(vault)).toEqual(blobsBefore);
  });

  it('adds a new instance of a study already in the vault to that study', async () => {
    const ct = studyDocument(documents, disc.ct);
    const folder = join(temp.path, 'late-slice');
    const slice = await writeAnotherInstance(disc.ct.instances[5]!, join(folder, 'IM000006'), 7);
    const later = await runImport(vault, [folder], { sourceKind: 'disc' });
    expect(later.failed).toEqual([]);
    expect(later.documents).toEqual([ct.id]);
    const after = await listDocuments(vault);
    expect(after).toHaveLength(documents.length);
    expect(studyDocument(after, disc.ct).dicom).toMatchObject({ instanceCount: 7, seriesCount: 1 });
    await expectStoredByteForByte(vault, ct.id, [...disc.ct.instances, slice]);
    expectInstanceRows(await instanceRows(vault, ct.id), [...disc.ct.instances, slice]);
  });
});

describe('an instance whose SOP Instance UID is already in the vault, with other bytes', () => {
  let vault: Vault;
  let cleanup: () => Promise<void>;

  beforeAll(async () => {
    ({ vault, cleanup } = await withNewVault());
    await runImport(vault, [disc.root], { sourceKind: 'disc' });
  });
  afterAll(() => cleanup?.());

  const conflict = /already in the vault with different contents .*kept as a file of its own, not added to its study/;

  it('is kept as a file of its own and flagged, not dropped as "already in the vault"', async () => {
    const folder = join(temp.path, 're-export');
    const copy = await writeLosslessCopy(disc.ct.instances[0]!, join(folder, 'CT1-JPEGLS.dcm'));
    expect(await sha256File(copy.path)).not.toBe(await sha256File(disc.ct.instances[0]!.path));
    const before = await blobFiles(vault);
    const again = await runImport(vault, [folder], { sourceKind: 'disc' });
    expect(again).toMatchObject({ status: 'completed', imported: 1, duplicates: 0, failed: [] });
    expect(again.warnings).toEqual([{ path: copy.path, reason: expect.stringMatching(conflict) }]);
    expect((await blobFiles(vault)).length).toBe(before.length + 1);
    const [kept] = again.documents;
    const details = await getDocument(vault, kept!);
    expect(details).toMatchObject({ type: 'other-record', mediaType: 'application/dicom' });
    expect(details.files).toHaveLength(1);
    expect(details.files[0]).toMatchObject({ sha256: await sha256File(copy.path) });
    // The study keeps the copy it had.
    expect(studyDocument(await listDocuments(vault), disc.ct).dicom?.instanceCount).toBe(6);
  });

  it('under another study: kept and flagged, and the PDF beside it imported too (the run goes on)', async () => {
    const folder = join(temp.path, 'moved-study');
    await mkdir(folder, { recursive: true });
    const moved = join(folder, 'IM1.dcm');
    await copyFile(disc.mr.instances[0]!.path, moved);
    // Same SOP Instance UID, another Study Instance UID: the instance table cannot hold it twice.
    await tool('dcmodify', ['-nb', '-m', '(0020,000d)=1.2.826.0.1.3680043.8.498.999999', moved]);
    await writeFile(join(folder, 'letter.pdf'), await makePdf(['Referral letter']));
    const report = await runImport(vault, [folder], { sourceKind: 'file' });
    expect(report.failed).toEqual([]);
    expect(report.imported).toBe(2);
    expect(report.warnings.map((w) => w.path)).toContain(moved);
    expect(report.warnings.find((w) => w.path === moved)?.reason).toMatch(conflict);
    const kinds = (await Promise.all(report.documents.map((id) => getDocument(vault, id)))).map((d) => d.mediaType);
    expect(kinds.sort()).toEqual(['application/dicom', 'application/pdf']);
    expect(studyDocument(await listDocuments(vault), disc.mr).dicom?.instanceCount).toBe(disc.mr.instances.length);
    expect((await vault.verify()).ok).toBe(true);
  });
});

describe('a disc with copies of its DICOMDIR', () => {
  it('skips each copy as a disc index, with its reason, and fails nothing', async () => {
    const { vault, cleanup } = await withNewVault();
    try {
      const folder = join(temp.path, 'index-copies');
      await mkdir(folder, { recursive: true });
      await copyFile(disc.dicomdir, join(folder, 'DICOMDIR.BAK'));
      await copyFile(disc.dicomdir, join(folder, 'dicomdir copy'));
      await copyFile(disc.ct.instances[0]!.path, join(folder, 'IM1'));
      const report = await runImport(vault, [folder]);
      expect(report.failed).toEqual([]);
      expect(report.imported).toBe(1);
      expect(report.skipped).toBe(2);
      expect(report.warnings.map((w) => w.reason)).toEqual([
        'A copy of a disc index (DICOMDIR), not a record: it was skipped.',
        'A copy of a disc index (DICOMDIR), not a record: it was skipped.',
      ]);
    } finally {
      await cleanup();
    }
  });
});

describe('a bare data set in explicit VR big endian (no meta header, as old archives keep them)', () => {
  it('is recognised as DICOM, filed with its study, and its pixels read as the original’s', async () => {
    const { vault, cleanup } = await withNewVault();
    try {
      const folder = join(temp.path, 'big-endian');
      await mkdir(folder, { recursive: true });
      const path = join(folder, 'IMG0001');
      await tool('dcmconv', ['+tb', '-F', disc.ct.instances[0]!.path, path]);
      const bytes = await readFile(path);
      expect(bytes.toString('latin1', 128, 132)).not.toBe('DICM');
      expect(bytes.readUInt16BE(0)).toBe(0x0008);
      const report = await runImport(vault, [folder]);
      expect(report).toMatchObject({ imported: 1, failed: [] });
      const study = studyDocument(await listDocuments(vault), disc.ct);
      expect(study.dicom?.instanceCount).toBe(1);
      const [row] = await instanceRows(vault, study.id);
      expect(row).toMatchObject({ transfer_syntax: '1.2.840.10008.1.2.2' });
      const original = await decodeFrame(await readFile(disc.ct.instances[0]!.path), 0);
      const swapped = await decodeFrame(bytes, 0);
      expect(swapped.rows).toBe(original.rows);
      expect(Buffer.from(swapped.pixels.buffer).equals(Buffer.from(original.pixels.buffer))).toBe(true);
    } finally {
      await cleanup();
    }
  });
});

describe('a zip of the disc', () => {
  let vault: Vault;
  let cleanup: () => Promise<void>;

  beforeAll(async () => {
    ({ vault, cleanup } = await withNewVault());
  });
  afterAll(() => cleanup?.());

  it('imports like the disc itself: the same studies, byte for byte, the DICOMDIR resolved, the noise skipped', async () => {
    const zipPath = join(temp.path, 'zipped', 'MERCY-CD.zip');
    await zipFolder(disc.root, zipPath);
    const report = await runImport(vault, [zipPath], { sourceKind: 'disc' });
    expect(report).toMatchObject({ status: 'completed', imported: 3, failed: [] });
    expect(report.skipped).toBe(disc.noise.length + 1);
    const documents = await listDocuments(vault);
    expect(documents).toHaveLength(3);
    for (const study of disc.studies) {
      const document = studyDocument(documents, study);
      expect(document.dicom?.instanceCount).toBe(study.instances.length);
      const stored = await storedFiles(vault, document.id);
      const originals = await Promise.all(study.instances.map((instance) => readFile(instance.path)));
      const key = (bytes: Buffer) => bytes.toString('base64');
      expect(stored.map((file) => key(file.bytes)).sort()).toEqual(originals.map(key).sort());
      expectInstanceRows(await instanceRows(vault, document.id), study.instances);
    }
  });
});

describe('the disc as an ISO 9660 mount shows it (lower case, `;1`), with a DICOMDIR saying upper case', () => {
  let vault: Vault;
  let cleanup: () => Promise<void>;
  let report: ImportReport;
  let documents: VaultDocument[];

  beforeAll(async () => {
    ({ vault, cleanup } = await withNewVault());
    report = await runImport(vault, [iso.root], { sourceKind: 'disc' });
    documents = await listDocuments(vault);
  });
  afterAll(() => cleanup?.());

  it('imports the same studies, including the slice the DICOMDIR does not list', async () => {
    const ct = studyDocument(documents, iso.ct);
    const mr = studyDocument(documents, iso.mr);
    expect(ct.dicom).toMatchObject({ seriesCount: 1, instanceCount: 7 }); // 6 listed + 1 found by the tree scan
    expect(mr.dicom).toMatchObject({ seriesCount: 2, instanceCount: 5 }); // one listed file is missing
    expect(ct).toMatchObject({ date: '2023-04-05', provider: 'Mercy Hospital', mediaType: 'application/dicom' });
    await expectStoredByteForByte(vault, ct.id, iso.ct.instances);
    await expectStoredByteForByte(vault, mr.id, iso.mr.instances);
    expectInstanceRows(await instanceRows(vault, ct.id), iso.ct.instances);
    expect((await instanceRows(vault, ct.id)).map((row) => row.sop_instance_uid)).toContain(
      iso.unlisted.sopInstanceUid,
    );
    expect(documents.filter((d) => d.source.path === iso.reportPdf)).toHaveLength(1);
    expect(documents).toHaveLength(3);
  });

  it('reports the one file the DICOMDIR lists but the disc lacks, and only that one', () => {
    // Resolving the DICOMDIR case-sensitively, or without `;1`, would report every file as missing.
    expect(report.failed).toHaveLength(1);
    const [missing] = report.failed;
    expect(`${missing!.path} ${missing!.reason}`).toMatch(/se000001[\\/]im000001/i);
    expect(missing!.reason).toMatch(/DICOMDIR/);
    expect(missing!.reason).toMatch(/missing|not found|cannot be found|could not be found|absent|not on the disc/i);
    expect(missing!.reason).not.toMatch(/\n|\bat .+:\d+:\d+/); // one sentence, no stack
  });

  it('skips the same noise under its ISO names', () => {
    expect(report.skipped).toBe(iso.noise.length + 1); // and dicomdir;1
    for (const path of [...iso.noise, iso.dicomdir]) {
      expect(documents.some((d) => d.source.path === path)).toBe(false);
    }
  });
});

describe('a USB stick export: no DICOMDIR, mixed names, no preamble, compressed transfer syntaxes', () => {
  let vault: Vault;
  let cleanup: () => Promise<void>;
  let report: ImportReport;
  let documents: VaultDocument[];

  beforeAll(async () => {
    ({ vault, cleanup } = await withNewVault());
    report = await runImport(vault, [variants.root], { sourceKind: 'disc' });
    documents = await listDocuments(vault);
  });
  afterAll(() => cleanup?.());

  it('groups every variant into the one study, stored byte for byte', async () => {
    expect(report.failed).toEqual([]);
    const study = studyDocument(documents, variants.study);
    expect(study).toMatchObject({
      date: '2024-02-14',
      provider: 'Mercy Hospital',
      dicom: {
        modalities: ['CT'],
        seriesCount: 1,
        instanceCount: variants.files.length,
        patientId: JANE.id,
        studyDescription: 'SINUS',
      },
    });
    await expectStoredByteForByte(vault, study.id, variants.files);
  });

  it('records the transfer syntax of each file: uncompressed, bare data sets, JPEG, JPEG-LS, RLE, JPEG 2000, deflated', async () => {
    const rows = await instanceRows(vault, studyDocument(documents, variants.study).id);
    expectInstanceRows(rows, variants.files);
    const syntaxOf = new Map(rows.map((row) => [row.sop_instance_uid, row.transfer_syntax]));
    const seen = Object.fromEntries(variants.files.map((file) => [file.variant, syntaxOf.get(file.sopInstanceUid)]));
    expect(seen).toEqual({
      'lower-case .dcm': TRANSFER_SYNTAX.explicitLittle,
      'upper-case .DCM': TRANSFER_SYNTAX.explicitLittle,
      'no extension': TRANSFER_SYNTAX.explicitLittle,
      'no preamble, implicit VR': TRANSFER_SYNTAX.implicitLittle,
      'no preamble, explicit VR': TRANSFER_SYNTAX.explicitLittle,
      'JPEG baseline': TRANSFER_SYNTAX.jpegBaseline,
      'JPEG lossless': TRANSFER_SYNTAX.jpegLossless,
      'JPEG-LS lossless': TRANSFER_SYNTAX.jpegLsLossless,
      RLE: TRANSFER_SYNTAX.rle,
      'JPEG 2000': TRANSFER_SYNTAX.jpeg2000Lossless,
      deflated: TRANSFER_SYNTAX.deflated,
    });
  });

  it('makes the encapsulated PDF an imaging report linked to its study, the DICOM file kept as it was', async () => {
    const pdfReport = documents.find((d) => d.source.path === variants.encapsulatedPdf.path);
    expect(pdfReport).toMatchObject({ type: 'imaging-report', category: 'medical-record' });
    expect(pdfReport!.dicom?.studyInstanceUid).toBe(variants.study.studyInstanceUid);
    const stored = await storedFiles(vault, pdfReport!.id);
    const original = stored.filter((file) => file.originalPath === variants.encapsulatedPdf.path);
    expect(original).toHaveLength(1);
    expect(original[0]!.bytes.equals(await readFile(variants.encapsulatedPdf.path))).toBe(true);
    // Anything else kept with it is the PDF inside, exactly (without DICOM's padding byte).
    for (const file of stored.filter((f) => f !== original[0])) {
      expect(file.bytes.equals(variants.encapsulatedPdf.pdf), `${file.originalPath} is the PDF inside`).toBe(true);
    }
    // The report is not one of the study's instances.
    const rows = await instanceRows(vault, studyDocument(documents, variants.study).id);
    expect(rows.map((row) => row.sop_instance_uid)).not.toContain(variants.encapsulatedPdf.sopInstanceUid);
  });

  it('makes the structured report an imaging report linked to its study, found by its text', async () => {
    const sr = variants.structuredReport;
    const srReport = documents.find((d) => d.source.path === sr.path);
    expect(srReport).toMatchObject({ type: 'imaging-report', category: 'medical-record', date: '2024-02-14' });
    expect(srReport!.dicom?.studyInstanceUid).toBe(sr.studyInstanceUid);
    const stored = await storedFiles(vault, srReport!.id);
    expect(stored.find((file) => file.originalPath === sr.path)?.bytes.equals(await readFile(sr.path))).toBe(true);
    expect((await listDocuments(vault, { text: 'retention cyst maxillary' })).map((d) => d.id)).toEqual([srReport!.id]);
    expect(documents).toHaveLength(3); // the study and its two reports
  });
});

describe('a disc holding two patients', () => {
  let vault: Vault;
  let cleanup: () => Promise<void>;
  let report: ImportReport;

  beforeAll(async () => {
    ({ vault, cleanup } = await withNewVault());
    report = await runImport(vault, [twoPatients.root], { sourceKind: 'disc' });
  });
  afterAll(() => cleanup?.());

  it('imports both studies, names both patients and warns that the disc holds more than one', async () => {
    expect(report.failed).toEqual([]);
    const documents = await listDocuments(vault);
    for (const study of twoPatients.studies) {
      expect(studyDocument(documents, study).dicom?.patientId).toBe(study.patient.id);
    }
    expect([...report.patients].sort((a, b) => String(a.id).localeCompare(String(b.id)))).toEqual([
      { name: namesJane, id: JANE.id },
      { name: expect.stringMatching(/^(?=.*\broe\b)(?=.*\brichard\b)/i), id: RICHARD.id },
    ]);
    // Any wording that says so: "more than one patient", "2 different patients"…
    const warning = report.warnings.filter((w) =>
      /(more than one|two|2|several|different) (different )?patients/i.test(w.reason),
    );
    expect(warning, JSON.stringify(report.warnings)).toHaveLength(1);
    expect(warning[0]!.reason).toMatch(/MRN99999/);
  });
});

describe('cancelling a disc import', () => {
  it('leaves nothing: no study, no instance, no encrypted file, even of the instances held for their study', async () => {
    const { vault, cleanup } = await withNewVault();
    try {
      const controller = new AbortController();
      const report = await runImport(vault, [disc.root], {
        onProgress: (progress) => {
          // Some instances are read and held for their study when the patient cancels.
          if (progress.filesDone >= 4) controller.abort();
        },
        signal: controller.signal,
      });
      expect(report.status).toBe('cancelled');
      expect(await listDocuments(vault)).toEqual([]);
      expect(await vault.db.read((q) => q.all('SELECT * FROM dicom_instances'))).toEqual([]);
      expect(await vault.blobs.listStored()).toEqual([]);
      expect(await readdir(join(vault.dir, 'blobs', 'incoming'))).toEqual([]);
    } finally {
      await cleanup();
    }
  });
});
