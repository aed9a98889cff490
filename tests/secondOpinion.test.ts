/**
 * The second-opinion packet (issue 7): a PDI folder (or zip) with a DICOMDIR Medvault writes,
 * checked with dcmtk — dcmdump reads it and its record offsets are where dcmdump finds the
 * records, dcmmkdir's DICOMDIR reader finds a record for every file, dcmftest finds every file
 * Part 10 — the original DICOM bytes unchanged, a MANIFEST
 * `sha256sum -c` accepts; and the same packet de-identified by the PS3.15 Basic Profile, checked
 * against the original files' values.
 */
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { cp, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeDiscFolder, type Packet } from '../electron/core/export/disc/folder';
import { recordTypeFor } from '../electron/core/export/disc/dicomdir';
import { checkPacketNames, isForbiddenName } from '../electron/core/export/disc/layout';
import { writeDiscZip } from '../electron/core/export/disc/zip';
import { encodeElement, uint16, writePart10 } from '../electron/core/export/disc/dicomWriter';
import { UidMap, burnedInWarning, deidentifyDicom } from '../electron/core/export/disc/deidentify';
import { CONFIDENTIALITY_PROFILE, profileAttribute } from '../electron/core/export/disc/confidentialityProfile';
import dicomParser, { type DataSet } from 'dicom-parser';
import {
  dcmdump,
  dciodvfy,
  listTree,
  newUid,
  tool,
  writeDicomImage,
  writeStructuredReport,
  SOP_CLASS,
  type FixtureInstance,
  type InstanceSpec,
} from './support/dicomFixtures';
import { makePdf, tempDir } from './support/fixtures';

const execFileAsync = promisify(execFile);
const sha256 = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');

const PATIENT = { name: 'O<b>&NEIL^MARY', id: 'PID-4711' };
const SECONDARY_CAPTURE = '1.2.840.10008.5.1.4.1.1.7';
const US_IMAGE = '1.2.840.10008.5.1.4.1.1.6.1';

/** Attributes the fixtures add with dcmodify beyond writeDicomImage's: all identifying. */
const EXTRA = {
  otherPatientIds: 'OTHERPID-31337',
  // A creator in dcmtk's private dictionary, so dcmodify knows the element's VR (LO); with an
  // unknown creator ("ACME") dcmodify refuses the value.
  privateCreator: 'GEMS_IDEN_01',
  privateValue: 'secret',
  requestedProcedureId: 'REQPROC-8086',
  referencedSop: '', // filled per instance: a UID in ReferencedStudySequence
  operator: 'SMITHERS^WAYLON',
};

interface Fixture {
  root: string;
  studies: FixtureInstance[][];
  /** The encapsulated PDF report (pdf2dcm) in study 0. */
  encapsulated: string;
  /** A Basic Text SR (xml2dsr) in study 0. */
  structuredReport: string;
  /** JPEG-LS compressed instance (encapsulated pixel data) in study 0. */
  compressed: string;
  secondaryCapture: FixtureInstance;
  ultrasound: FixtureInstance;
  referencedUid: string;
}

let temp: { path: string; cleanup: () => Promise<void> };
let fixture: Fixture;

async function addIdentifyingExtras(path: string, referencedUid: string): Promise<void> {
  await tool('dcmodify', [
    '--no-backup',
    ...['-i', `(0010,1000)=${EXTRA.otherPatientIds}`],
    ...['-i', `(0008,1070)=${EXTRA.operator}`],
    ...['-i', `(0008,1110)[0].(0008,1150)=1.2.840.10008.3.1.2.3.1`],
    ...['-i', `(0008,1110)[0].(0008,1155)=${referencedUid}`],
    ...['-i', `(0040,0275)[0].(0040,1001)=${EXTRA.requestedProcedureId}`],
    ...['-i', `(0009,0010)=${EXTRA.privateCreator}`],
    ...['-i', `(0009,1001)=${EXTRA.privateValue}`],
    path,
  ]);
}

async function makeFixture(root: string): Promise<Fixture> {
  const patient = PATIENT;
  const study = (date: string, description: string, studyId: string) => ({
    uid: newUid(),
    date,
    description,
    institution: 'St. Elsewhere Hospital',
    studyId,
    accession: `ACC-${studyId}`,
  });
  const ct = study('20240301', 'CT ABDOMEN <PELVIS>', 'S7001');
  const us = study('20240302', 'US THYROID', 'S7002');
  const series = (number: number, modality: string, sopClassUid: string) => ({
    uid: newUid(),
    number,
    description: `${modality} series ${number}`,
    modality,
    bodyPart: 'ABDOMEN',
    sopClassUid,
  });
  const ctSeries = [series(1, 'CT', SOP_CLASS.ct), series(2, 'CT', SOP_CLASS.ct)];
  const referencedUid = newUid();
  const specs: { path: string; spec: InstanceSpec; study: number }[] = [];
  ctSeries.forEach((s, si) => {
    for (let i = 1; i <= 3; i++) {
      specs.push({
        path: join(root, 'src', `ct${si}_${i}`),
        spec: { patient, study: ct, series: s, sopInstanceUid: newUid(), instanceNumber: i, seed: si * 10 + i },
        study: 0,
      });
    }
  });
  const scSeries = series(3, 'OT', SECONDARY_CAPTURE);
  specs.push({
    path: join(root, 'src', 'sc'),
    spec: { patient, study: ct, series: scSeries, sopInstanceUid: newUid(), instanceNumber: 1, seed: 77 },
    study: 0,
  });
  const usSeries = series(1, 'US', US_IMAGE);
  specs.push({
    path: join(root, 'src', 'us'),
    spec: { patient, study: us, series: usSeries, sopInstanceUid: newUid(), instanceNumber: 1, seed: 88 },
    study: 1,
  });
  const made = await Promise.all(specs.map(({ path, spec }) => writeDicomImage(path, spec)));
  await Promise.all(made.map((instance) => addIdentifyingExtras(instance.path, referencedUid)));

  // One more CT slice, JPEG-LS compressed (encapsulated pixel data), its own SOP Instance UID.
  const plain = await writeDicomImage(join(root, 'src', 'ct_jls_source'), {
    patient,
    study: ct,
    series: ctSeries[1]!,
    sopInstanceUid: newUid(),
    instanceNumber: 4,
    seed: 99,
  });
  await addIdentifyingExtras(plain.path, referencedUid);
  const compressed = join(root, 'src', 'ct_jls');
  await tool('dcmcjpls', ['--encode-lossless', plain.path, compressed]);

  const pdf = join(root, 'src', 'report.pdf');
  await writeFile(pdf, await makePdf(['CT abdomen report', 'No acute findings.'], { title: 'CT report' }));
  const encapsulated = join(root, 'src', 'report.dcm');
  await tool('pdf2dcm', [
    '--study-from',
    made[0]!.path,
    '--title',
    'CT abdomen report',
    ...['0008,0020=20240301', '0008,0030=101500', '0008,0050=ACC-S7001', '0020,0010=S7001'].flatMap((key) => [
      '--key',
      key,
    ]),
    pdf,
    encapsulated,
  ]);
  const structuredReport = join(root, 'src', 'sr.dcm');
  // xml2dsr's XML would need the "<" and "&" escaped; dcmodify sets the real values after.
  await writeStructuredReport(structuredReport, join(root, 'src', 'sr.xml'), {
    patient: { name: 'ONEIL^MARY', id: patient.id },
    study: { ...ct, description: 'CT ABDOMEN' },
    seriesUid: newUid(),
    sopInstanceUid: newUid(),
    finding: 'Small hepatic cyst',
  });
  await tool('dcmodify', [
    '--no-backup',
    ...['-m', `(0010,0010)=${patient.name}`, '-m', `(0008,1030)=${ct.description}`],
    structuredReport,
  ]);
  return {
    root,
    structuredReport,
    studies: [made.filter((_, i) => specs[i]!.study === 0), made.filter((_, i) => specs[i]!.study === 1)],
    encapsulated,
    compressed,
    secondaryCapture: made[6]!,
    ultrasound: made[7]!,
    referencedUid,
  };
}

function studyInputs(f: Fixture) {
  return [
    {
      instances: [
        ...f.studies[0]!.map((i) => ({ path: i.path })),
        { path: f.compressed },
        { path: f.encapsulated },
        { path: f.structuredReport },
      ],
    },
    { instances: f.studies[1]!.map((i) => ({ path: i.path })) },
  ];
}

/** Every DICOM file the fixture put into the packet, by SOP Instance UID of the original. */
function allSourcePaths(f: Fixture): string[] {
  return [
    ...f.studies[0]!.map((i) => i.path),
    f.compressed,
    f.encapsulated,
    f.structuredReport,
    ...f.studies[1]!.map((i) => i.path),
  ];
}

/** `sha256sum -c MANIFEST` in `root` passes for every line; returns the paths it checked. */
async function expectManifestVerifies(root: string): Promise<string[]> {
  const { stdout } = await execFileAsync('sha256sum', ['--strict', '-c', 'MANIFEST'], { cwd: root });
  const checked = stdout.trim().split('\n');
  expect(checked.every((line) => line.endsWith(': OK'))).toBe(true);
  return checked.map((line) => line.replace(/: OK$/, ''));
}

interface DirRecord {
  type: string;
  fileId?: string;
  sopInstanceUid?: string;
  studyInstanceUid?: string;
}

/** The directory records as dcmdump prints them (items of (0004,1220)). */
function parseRecords(dump: string): DirRecord[] {
  const records: DirRecord[] = [];
  for (const line of dump.split('\n')) {
    const value = /\[([^\]]*)\]/.exec(line)?.[1];
    if (/\(0004,1430\)/.test(line) && value) records.push({ type: value });
    const current = records[records.length - 1];
    if (!current || value === undefined) continue;
    if (/\(0004,1500\)/.test(line)) current.fileId = value;
    if (/\(0004,1511\)/.test(line)) current.sopInstanceUid = value;
    if (/\(0020,000d\)/i.test(line)) current.studyInstanceUid = value;
  }
  return records;
}

beforeAll(async () => {
  temp = await tempDir('medvault-second-opinion-');
  fixture = await makeFixture(join(temp.path, 'fixture'));
}, 120_000);

afterAll(async () => {
  await temp?.cleanup();
});

describe('second-opinion folder', () => {
  let outDir: string;
  let packet: Packet;
  let summary: Buffer;
  let report: Buffer;

  beforeAll(async () => {
    outDir = join(temp.path, 'PACKET');
    summary = await makePdf(['Summary'], { title: 'Summary' });
    report = await makePdf(['Radiology report'], { title: 'Report' });
    packet = await writeDiscFolder({
      outDir,
      studies: studyInputs(fixture),
      reports: [{ name: 'Radiology report <2024>', bytes: report }],
      summaryPdf: summary,
    });
  }, 60_000);

  it('lays the folder out as IHE PDI: DICOMDIR, DICOM/ with 8.3 names, DOCS/, README, INDEX, MANIFEST', async () => {
    const tree = await listTree(outDir);
    expect(tree).toContain('DICOMDIR');
    expect(tree).toEqual(
      expect.arrayContaining(['README.TXT', 'INDEX.HTM', 'MANIFEST', 'DOCS/SUMMARY.PDF', 'DOCS/REPORT01.PDF']),
    );
    const dicom = tree.filter((path) => path.startsWith('DICOM/'));
    expect(dicom).toHaveLength(allSourcePaths(fixture).length);
    for (const path of dicom) expect(path).toMatch(/^DICOM\/ST\d{6}\/SE\d{6}\/IM\d{6}$/);
    for (const path of tree) expect(isForbiddenName(path)).toBe(false);
    // Nothing left behind from the staging folder.
    expect((await listTree(temp.path)).some((path) => path.includes('.partial-'))).toBe(false);
    expect(await readFile(join(outDir, 'DOCS/SUMMARY.PDF'))).toEqual(summary);
  });

  it('writes a DICOMDIR dcmdump reads without complaint, whose records match the files', async () => {
    const { stdout, stderr } = await execFileAsync('dcmdump', [join(outDir, 'DICOMDIR')], {
      maxBuffer: 16 * 1024 * 1024,
    });
    expect(stderr).not.toMatch(/E:|W:|error/i);
    expect(stdout).toContain('=MediaStorageDirectoryStorage');
    const records = parseRecords(stdout);
    const count = (type: string) => records.filter((record) => record.type === type).length;
    expect(count('PATIENT')).toBe(1);
    expect(count('STUDY')).toBe(2);
    expect(count('SERIES')).toBe(6); // CT 1, CT 2, SC, the PDF's series, the SR's, US
    expect(count('IMAGE')).toBe(fixture.studies[0]!.length + 1 + fixture.studies[1]!.length);
    expect(count('ENCAP DOC')).toBe(1);
    expect(count('SR DOCUMENT')).toBe(1);
    // The SR record carries the report's title code (Type 1 for SR DOCUMENT records).
    expect(stdout).toMatch(/\(0008,0100\) SH \[11528-7\]/);
    const leaves = records.filter((record) => record.fileId);
    expect(leaves).toHaveLength(allSourcePaths(fixture).length);
    for (const leaf of leaves) {
      const bytes = await readFile(join(outDir, ...leaf.fileId!.split('\\')));
      expect(bytes.toString('latin1', 128, 132)).toBe('DICM');
      const dump = await dcmdump(join(outDir, ...leaf.fileId!.split('\\')), '--search', '0008,0018');
      expect(dump).toContain(`[${leaf.sopInstanceUid}]`);
    }
  });

  it("writes a DICOMDIR dicom3tools' dciodvfy finds no error in, as a Media Storage Directory", async () => {
    const verdict = await dciodvfy(join(outDir, 'DICOMDIR'));
    expect(verdict.iod).toBe('BasicDirectory');
    expect(verdict.errors).toEqual([]);
    expect(verdict.warnings).toEqual([]);
  });

  it('links the records by byte offsets that point where dcmdump finds each record', async () => {
    // dcmdump prints each directory record's position in the file ("offset=$n"); the offsets
    // Medvault wrote must be exactly those, and following them from the root must visit every
    // record once, in the PATIENT → STUDY → SERIES → leaf hierarchy.
    const dump = await dcmdump(join(outDir, 'DICOMDIR'));
    const records = new Map<number, { type: string; next: number; lower: number }>();
    let current: { type: string; next: number; lower: number } | null = null;
    for (const line of dump.split('\n')) {
      const at = /offset=\$(\d+)/.exec(line);
      if (at) {
        current = { type: '', next: -1, lower: -1 };
        records.set(Number(at[1]), current);
      }
      const ul = /^\s*\((0004,1[24]\d0)\) up (\d+)/.exec(line);
      if (ul?.[1] === '0004,1200') records.set(-1, { type: 'ROOT', next: -1, lower: Number(ul[2]) });
      if (current && ul?.[1] === '0004,1400') current.next = Number(ul[2]);
      if (current && ul?.[1] === '0004,1420') current.lower = Number(ul[2]);
      const type = /\(0004,1430\) CS \[([^\]]*)\]/.exec(line);
      if (current && type) current.type = type[1]!.trim();
    }
    const levels: Record<string, string[]> = {
      ROOT: ['PATIENT'],
      PATIENT: ['STUDY'],
      STUDY: ['SERIES'],
      SERIES: ['IMAGE', 'ENCAP DOC', 'SR DOCUMENT'],
    };
    const visited = new Set<number>();
    const walk = (first: number, parentType: string) => {
      for (let offset = first; offset !== 0; offset = records.get(offset)!.next) {
        const record = records.get(offset);
        expect(record, `a record at ${offset}`).toBeDefined();
        expect(levels[parentType]).toContain(record!.type);
        expect(visited.has(offset)).toBe(false);
        visited.add(offset);
        if (record!.lower !== 0) walk(record!.lower, record!.type);
      }
    };
    walk(records.get(-1)!.lower, 'ROOT');
    expect(visited.size).toBe(records.size - 1);
  });

  it("is read by dcmtk's DICOMDIR reader, which finds a record for every file through the offsets", async () => {
    // dcmmkdir +A loads the DICOMDIR (DcmDicomDir resolves every offset into its record tree),
    // then offers each file again: one it already has a record for is reported, not added.
    const appendTo = async (root: string) => {
      const { stdout, stderr } = await execFileAsync(
        'dcmmkdir',
        ['+A', '-nb', '-Nxc', '-Nec', '-Nrc', '-v', '+r', 'DICOM'],
        {
          cwd: root,
        },
      );
      return `${stdout}\n${stderr}`;
    };
    const copy = join(temp.path, 'PACKET-APPEND');
    await cp(outDir, copy, { recursive: true });
    const log = await appendTo(copy);
    expect(log).not.toMatch(/Cannot resolve offset|^E:/m);
    const known = log.split('\n').filter((line) => /directory record for this SOP instance already exists/.test(line));
    expect(known).toHaveLength(allSourcePaths(fixture).length);

    // The check has teeth: with the root's first offset moved, dcmtk cannot resolve it.
    const broken = join(temp.path, 'PACKET-BROKEN');
    await cp(outDir, broken, { recursive: true });
    const dicomdir = await readFile(join(broken, 'DICOMDIR'));
    const at = dicomdir.indexOf(Buffer.from([0x04, 0x00, 0x00, 0x12, 0x55, 0x4c, 0x04, 0x00])) + 8;
    dicomdir.writeUInt32LE(dicomdir.readUInt32LE(at) + 8, at);
    await writeFile(join(broken, 'DICOMDIR'), dicomdir);
    expect(await appendTo(broken)).toMatch(/Cannot resolve offset/);
  });

  it('keeps every DICOM file byte for byte and makes each a valid Part 10 file', async () => {
    const originals = new Set(await Promise.all(allSourcePaths(fixture).map(async (p) => sha256(await readFile(p)))));
    const placed = (await listTree(outDir)).filter((path) => path.startsWith('DICOM/'));
    const hashes = new Set(await Promise.all(placed.map(async (p) => sha256(await readFile(join(outDir, p))))));
    expect(hashes).toEqual(originals);
    const { stdout } = await execFileAsync('dcmftest', ['DICOMDIR', ...placed], { cwd: outDir });
    expect(stdout.split('\n').filter((line) => line.startsWith('yes:'))).toHaveLength(placed.length + 1);
  });

  it('writes a MANIFEST sha256sum -c accepts, covering every file but itself', async () => {
    const checked = await expectManifestVerifies(outDir);
    const tree = await listTree(outDir);
    expect(checked.sort()).toEqual(tree.filter((p) => p !== 'MANIFEST'));
  });

  it('writes an INDEX.HTM without scripts, every text escaped', async () => {
    const html = await readFile(join(outDir, 'INDEX.HTM'), 'utf8');
    expect(html).not.toMatch(/<script|javascript:|on\w+=/i);
    expect(html).toContain('O&lt;b&gt;&amp;NEIL MARY');
    expect(html).not.toContain('<b>');
    expect(html).toContain('CT ABDOMEN &lt;PELVIS&gt;');
    expect(html).toContain('Radiology report &lt;2024&gt;');
    expect(html).toContain('href="DOCS/REPORT01.PDF"');
    const readme = await readFile(join(outDir, 'README.TXT'), 'utf8');
    expect(readme).toMatch(/Medvault/);
    expect(readme).toMatch(/No viewer or other software is included/);
    expect(packet.warnings).toEqual([]);
  });

  it('refuses an existing folder and never writes executable or autorun names', async () => {
    await expect(writeDiscFolder({ outDir, studies: studyInputs(fixture) })).rejects.toThrow(/exists/);
    for (const name of ['AUTORUN.INF', 'VIEWER.EXE', 'RUN.BAT', 'X.CMD', 'X.COM', 'X.SCR', 'X.JS', 'X.VBS']) {
      expect(isForbiddenName(name)).toBe(true);
      expect(() => checkPacketNames([name])).toThrow();
    }
    expect(() => checkPacketNames(['DICOM/im000001'])).toThrow(/8\.3/);
  });

  it('gives SR and encapsulated documents their own record types', () => {
    expect(recordTypeFor(SOP_CLASS.ct)).toBe('IMAGE');
    expect(recordTypeFor(SOP_CLASS.encapsulatedPdf)).toBe('ENCAP DOC');
    expect(recordTypeFor('1.2.840.10008.5.1.4.1.1.88.11')).toBe('SR DOCUMENT');
  });
});

/** Every (tag, text value) in a file, nested sequences included (private ones too). */
function textValues(bytes: Buffer): { tag: number; value: string }[] {
  const dataSet = dicomParser.parseDicom(bytes);
  const found: { tag: number; value: string }[] = [];
  const walk = (set: DataSet) => {
    for (const [key, element] of Object.entries(set.elements)) {
      const tag = Number.parseInt(key.slice(1), 16) >>> 0;
      if (element.items) {
        for (const item of element.items) if (item.dataSet) walk(item.dataSet);
        continue;
      }
      if (!element.vr || /^(OB|OW|OF|OD|OL|OV|UN|US|SS|UL|SL|FL|FD|AT|SV|UV)$/.test(element.vr)) continue;
      const value = bytes
        .toString('latin1', element.dataOffset, element.dataOffset + element.length)
        .replace(/\0/g, '')
        .trim();
      if (value) found.push({ tag, value });
    }
  };
  walk(dataSet);
  return found;
}

function pixelDataBytes(bytes: Buffer): Buffer {
  const element = dicomParser.parseDicom(bytes).elements.x7fe00010!;
  return bytes.subarray(element.dataOffset, element.dataOffset + element.length);
}

function stringOf(bytes: Buffer, tag: string): string | undefined {
  return dicomParser.parseDicom(bytes).string(tag)?.replace(/\0/g, '').trim();
}

describe('de-identified second-opinion folder', () => {
  let outDir: string;
  let packet: Packet;
  let uids: UidMap;
  /** The de-identified DICOM files, by relative path. */
  let placed: Map<string, Buffer>;
  let originals: Map<string, Buffer>;

  beforeAll(async () => {
    outDir = join(temp.path, 'DEIDENT');
    uids = new UidMap(Buffer.alloc(32, 7));
    packet = await writeDiscFolder({
      outDir,
      studies: studyInputs(fixture),
      reports: [{ name: 'Radiology report', bytes: await makePdf(['Report'], {}) }],
      deidentify: true,
      uidMap: uids,
    });
    placed = new Map();
    for (const path of (await listTree(outDir)).filter((p) => p.startsWith('DICOM/'))) {
      placed.set(path, await readFile(join(outDir, path)));
    }
    originals = new Map();
    for (const path of allSourcePaths(fixture)) originals.set(path, await readFile(path));
  }, 60_000);

  it('leaves out the encapsulated PDF and says why; warns about US and secondary capture pixels and the PDFs', () => {
    expect(placed.size).toBe(allSourcePaths(fixture).length - 2);
    expect(packet.warnings).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/left out: A document inside a DICOM file \(such as a PDF\) cannot be de-identified/),
        expect.stringMatching(/left out: The text of a structured report cannot be de-identified/),
        expect.stringMatching(/^Ultrasound images/),
        expect.stringMatching(/^Secondary capture images/),
        expect.stringMatching(/PDF documents were not de-identified/),
      ]),
    );
    expect(burnedInWarning({ burnedInAnnotation: 'YES', modality: 'CT', sopClassUid: SOP_CLASS.ct })).toMatch(
      /burned into the pixels/,
    );
    expect(burnedInWarning({ burnedInAnnotation: 'NO', modality: 'CT', sopClassUid: SOP_CLASS.ct })).toBeNull();
  });

  it('keeps no original value of any profile attribute, nor private values, anywhere in the files', async () => {
    const sources = [...originals.entries()].filter(
      ([path]) => path !== fixture.encapsulated && path !== fixture.structuredReport,
    );
    const identifying = new Map<string, number>(); // value → tag
    for (const [, bytes] of sources) {
      for (const { tag, value } of textValues(bytes)) {
        const row = profileAttribute(tag);
        if ((row && row.action !== 'K') || (tag >>> 16) % 2 === 1) identifying.set(value, tag);
      }
    }
    // The fixture's identifying values are all among them.
    for (const value of [
      PATIENT.name,
      PATIENT.id,
      '19700101',
      'St. Elsewhere Hospital',
      'WELBY^MARCUS',
      EXTRA.otherPatientIds,
      EXTRA.operator,
      EXTRA.privateValue,
      EXTRA.requestedProcedureId,
      'ACC-S7001',
      'S7001',
      '20240301',
      fixture.referencedUid,
      fixture.studies[0]![0]!.studyInstanceUid,
      fixture.studies[0]![0]!.sopInstanceUid,
    ]) {
      expect(identifying.has(value), value).toBe(true);
    }
    expect(identifying.size).toBeGreaterThan(20);
    for (const [path, bytes] of placed) {
      const dump = await dcmdump(join(outDir, path));
      const pixels = dicomParser.parseDicom(bytes).elements.x7fe00010!;
      const header = bytes.toString('latin1', 0, pixels.dataOffset);
      const values = new Map(textValues(bytes).map(({ tag, value }) => [`${tag}:${value}`, true]));
      for (const [value, tag] of identifying) {
        // No attribute of the profile keeps its value; longer values (names, IDs, dates, UIDs)
        // appear nowhere at all (shorter ones could occur by chance inside a new UID's digits).
        expect(values.has(`${tag}:${value}`), `${path} ${tag.toString(16)} ${value}`).toBe(false);
        if (value.length >= 6) {
          expect(dump.includes(value), `${path} dcmdump shows ${value}`).toBe(false);
          expect(header.includes(value), `${path} bytes hold ${value}`).toBe(false);
        }
      }
      expect(dump).not.toMatch(/^\s*\((0009|0011),/m);
      expect(dump).toMatch(/\(0012,0062\) CS \[YES\]/);
      expect(dump).toMatch(/\(0008,0100\) SH \[113100\]/);
    }
  });

  it('replaces UIDs consistently within the packet and the DICOMDIR lists the new ones', async () => {
    const ctStudy = fixture.studies[0]!;
    const newStudy = uids.replace(ctStudy[0]!.studyInstanceUid);
    const bySop = new Map<string, Buffer>();
    for (const bytes of placed.values()) bySop.set(stringOf(bytes, 'x00080018')!, bytes);
    for (const instance of ctStudy) {
      const bytes = bySop.get(uids.replace(instance.sopInstanceUid));
      expect(bytes, instance.path).toBeDefined();
      expect(stringOf(bytes!, 'x0020000d')).toBe(newStudy);
      expect(stringOf(bytes!, 'x0020000e')).toBe(uids.replace(instance.seriesInstanceUid));
      expect(stringOf(bytes!, 'x00020003')).toBe(uids.replace(instance.sopInstanceUid));
      // Pixels and transfer syntax as they were.
      expect(pixelDataBytes(bytes!).equals(pixelDataBytes(originals.get(instance.path)!))).toBe(true);
      expect(stringOf(bytes!, 'x00020010')).toBe(stringOf(originals.get(instance.path)!, 'x00020010'));
    }
    const records = parseRecords(await dcmdump(join(outDir, 'DICOMDIR')));
    const listed = new Set(records.filter((r) => r.sopInstanceUid).map((r) => r.sopInstanceUid));
    expect(listed).toEqual(new Set(bySop.keys()));
    expect(records.filter((r) => r.type === 'STUDY').map((r) => r.studyInstanceUid)).toContain(newStudy);
  });

  it('adds no error or warning dciodvfy finds, to the files or the DICOMDIR', async () => {
    expect((await dciodvfy(join(outDir, 'DICOMDIR'))).errors).toEqual([]);
    const originalOf = new Map(
      [...originals].map(([path, bytes]) => [uids.replace(stringOf(bytes, 'x00080018')!), path] as const),
    );
    for (const [path, bytes] of placed) {
      const original = originalOf.get(stringOf(bytes, 'x00080018')!)!;
      expect(original, path).toBeDefined();
      const before = await dciodvfy(original);
      const after = await dciodvfy(join(outDir, path));
      expect(after.iod, path).toBe(before.iod);
      expect(
        after.warnings.filter((warning) => !before.warnings.includes(warning)),
        path,
      ).toEqual([]);
      // The fixtures are minimal images (gdcmimg leaves out Type 1 attributes of their IODs):
      // what was wrong before may stay wrong, nothing may be added.
      expect(
        after.errors.filter((error) => !before.errors.includes(error)),
        path,
      ).toEqual([]);
    }
  });

  it('copies encapsulated (JPEG-LS) pixel data byte for byte and writes files dcmtk reads', async () => {
    const original = originals.get(fixture.compressed)!;
    const uid = uids.replace(stringOf(original, 'x00080018')!);
    const [path, bytes] = [...placed.entries()].find(([, b]) => stringOf(b, 'x00080018') === uid)!;
    expect(stringOf(bytes, 'x00020010')).toBe('1.2.840.10008.1.2.4.80');
    expect(pixelDataBytes(bytes).equals(pixelDataBytes(original))).toBe(true);
    const { stdout } = await execFileAsync('dcmftest', [...placed.keys()], { cwd: outDir });
    expect(stdout.split('\n').filter((line) => line.startsWith('yes:'))).toHaveLength(placed.size);
    // dcmtk decodes the image from the rewritten file, to the same pixels as the original's.
    const decode = async (file: string, name: string) => {
      const target = join(temp.path, name);
      await tool('dcmdjpls', [file, target]);
      return pixelDataBytes(await readFile(target));
    };
    expect((await decode(join(outDir, path), 'deid.dcm')).equals(await decode(fixture.compressed, 'orig.dcm'))).toBe(
      true,
    );
    const { stderr } = await execFileAsync('dcmdump', [join(outDir, path)]);
    expect(stderr).toBe('');
    expect(CONFIDENTIALITY_PROFILE.length).toBeGreaterThan(400);
  });

  it('de-identifies an implicit VR little endian file and keeps it implicit', async () => {
    const source = fixture.studies[0]![0]!;
    const implicit = join(temp.path, 'implicit.dcm');
    await tool('dcmconv', ['--write-xfer-implicit', source.path, implicit]);
    const original = await readFile(implicit);
    expect(stringOf(original, 'x00020010')).toBe('1.2.840.10008.1.2');
    const result = deidentifyDicom(original, uids);
    const out = join(temp.path, 'implicit-deid.dcm');
    await writeFile(out, result.bytes);
    const { stdout: dump, stderr } = await execFileAsync('dcmdump', [out]);
    expect(stderr).toBe('');
    expect(dump).toContain('# Used TransferSyntax: Little Endian Implicit');
    for (const value of [PATIENT.name, PATIENT.id, '19700101', 'St. Elsewhere Hospital', 'WELBY^MARCUS']) {
      expect(dump.includes(value), value).toBe(false);
    }
    for (const value of [EXTRA.otherPatientIds, EXTRA.privateValue, fixture.referencedUid, source.sopInstanceUid]) {
      expect(dump.includes(value), value).toBe(false);
      expect(result.bytes.includes(Buffer.from(value, 'latin1')), value).toBe(false);
    }
    expect(dump).toMatch(/\(0012,0062\) CS \[YES\]/);
    expect(dump).toMatch(/\(0008,0100\) SH \[113100\]/);
    // Same study UID as the explicit copies in the packet, pixels as they were.
    expect(stringOf(result.bytes, 'x0020000d')).toBe(uids.replace(source.studyInstanceUid));
    expect(pixelDataBytes(result.bytes).equals(pixelDataBytes(original))).toBe(true);
    const { stdout: test } = await execFileAsync('dcmftest', [out]);
    expect(test).toMatch(/^yes:/);
  });

  it('passes the same folder checks: MANIFEST verifies, offsets dcmdump follows', async () => {
    await expectManifestVerifies(outDir);
    const readme = await readFile(join(outDir, 'README.TXT'), 'utf8');
    expect(readme).toMatch(/DE-IDENTIFIED/);
    const html = await readFile(join(outDir, 'INDEX.HTM'), 'utf8');
    expect(html).not.toContain('NEIL');
  });
});

describe('second-opinion zip', () => {
  it('holds the same layout, unzip verifies it, and the unpacked folder passes the checks', async () => {
    const zipPath = join(temp.path, 'PACKET.ZIP');
    const packet = await writeDiscZip({ outFile: zipPath, studies: studyInputs(fixture) });
    await tool('unzip', ['-tq', zipPath]);
    const unpacked = join(temp.path, 'UNZIPPED');
    await tool('unzip', ['-q', zipPath, '-d', unpacked]);
    expect(await listTree(unpacked)).toEqual(packet.files.map((file) => file.path).sort());
    await expectManifestVerifies(unpacked);
    const originals = new Set(await Promise.all(allSourcePaths(fixture).map(async (p) => sha256(await readFile(p)))));
    const dicom = (await listTree(unpacked)).filter((p) => p.startsWith('DICOM/'));
    expect(new Set(await Promise.all(dicom.map(async (p) => sha256(await readFile(join(unpacked, p))))))).toEqual(
      originals,
    );
    const { stderr } = await execFileAsync('dcmdump', [join(unpacked, 'DICOMDIR')]);
    expect(stderr).toBe('');
    await expect(writeDiscZip({ outFile: zipPath, studies: studyInputs(fixture) })).rejects.toThrow(/exists/);
    expect((await listTree(temp.path)).some((path) => path.includes('.partial-'))).toBe(false);
  });
});

describe('DICOM writer', () => {
  it('writes VRs, padding and sequences of both lengths as dcmdump reads them', async () => {
    // 2-byte length VRs have an 8-byte header; OB, UT, UR, SQ … a 12-byte one.
    expect(encodeElement({ tag: 0x00100010, vr: 'PN', value: 'DOE^J' })).toHaveLength(8 + 6);
    expect(encodeElement({ tag: 0x00100010, vr: 'PN', value: 'DOE^J' }).subarray(8).toString('latin1')).toBe('DOE^J ');
    expect(encodeElement({ tag: 0x0020000d, vr: 'UI', value: '1.2.3' }).subarray(8)).toEqual(
      Buffer.from('1.2.3\0', 'latin1'),
    );
    expect(encodeElement({ tag: 0x00081190, vr: 'UR', value: 'http://x' }).readUInt32LE(8)).toBe(8);
    expect(encodeElement({ tag: 0x00091001, vr: 'OB', value: Buffer.from([1, 2, 3]) })).toHaveLength(12 + 4);
    const bytes = writePart10({
      mediaStorageSopClassUid: SECONDARY_CAPTURE,
      mediaStorageSopInstanceUid: '1.2.3.4',
      transferSyntaxUid: '1.2.840.10008.1.2.1',
      dataSet: [
        { tag: 0x00100010, vr: 'PN', value: 'DOE^JANE' },
        { tag: 0x00080018, vr: 'UI', value: '1.2.3.4' },
        { tag: 0x00080016, vr: 'UI', value: SECONDARY_CAPTURE },
        { tag: 0x00080060, vr: 'CS', value: ['OT', 'SC'] },
        { tag: 0x00324000, vr: 'LT', value: 'odd' },
        { tag: 0x0040a160, vr: 'UT', value: 'a long text' },
        { tag: 0x00280010, vr: 'US', value: uint16(2) },
        {
          tag: 0x00081110,
          vr: 'SQ',
          undefinedLength: true,
          undefinedLengthItems: [true, false],
          value: [
            [{ tag: 0x00081155, vr: 'UI', value: '1.2.5' }],
            [
              { tag: 0x00081155, vr: 'UI', value: '1.2.6' },
              { tag: 0x00081199, vr: 'SQ', value: [[{ tag: 0x00081150, vr: 'UI', value: '1.2.7' }]] },
            ],
          ],
        },
      ],
    });
    const path = join(temp.path, 'written.dcm');
    await writeFile(path, bytes);
    const { stdout, stderr } = await execFileAsync('dcmdump', ['+L', path]);
    expect(stderr).toBe('');
    expect(stdout).toMatch(/\(0010,0010\) PN \[DOE\^JANE\]/);
    expect(stdout).toMatch(/\(0008,0060\) CS \[OT\\SC\]\s+# +6, 2/);
    expect(stdout).toMatch(/\(0032,4000\) LT \[odd\]/);
    expect(stdout).toMatch(/\(0040,a160\) UT \[a long text\]/);
    expect(stdout).toMatch(/\(0008,1110\) SQ \(Sequence with undefined length #=2\)/);
    expect(stdout).toMatch(/\(fffe,e000\) na \(Item with undefined length #=1\)/);
    expect(stdout).toMatch(/\(fffe,e000\) na \(Item with explicit length #=2\)/);
    expect(stdout).toMatch(/\(0008,1150\) UI \[1\.2\.7\]/);
    expect(stdout).toMatch(/\(0002,0000\) UL \d+/);
    expect(stdout).toMatch(/\(0002,0012\) UI \[2\.25\.\d+\]/);
    const { stdout: test } = await execFileAsync('dcmftest', [path]);
    expect(test).toMatch(/^yes:/);
    expect(() => encodeElement({ tag: 0x00100010, vr: 'PN', value: 'x'.repeat(70_000) })).toThrow(/65535/);
  });
});
