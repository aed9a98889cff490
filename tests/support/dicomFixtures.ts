/**
 * DICOM fixtures made by third-party writers: GDCM's `gdcmimg` turns a 16-bit PGM into a DICOM
 * image, DCMTK's `dcmodify` fills in patient, study and series, `dcmmkdir` writes the DICOMDIR,
 * `dcmcjpeg`/`dcmcjpls`/`dcmcrle`/`gdcmconv` compress, `dcmconv` deflates or drops the meta
 * header, `pdf2dcm` encapsulates a PDF. Nothing here writes a valid DICOM byte stream by hand.
 *
 * The pathological files are derived from real ones by targeted byte edits, each commented where
 * it is made. Finding the bytes to edit uses `findElement`, a minimal reader of explicit VR little
 * endian Part 10 files (top level, defined lengths only) — enough to locate a tag, nothing more.
 */
import { execFile } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { copyFile, mkdir, readFile, readdir, rm, stat, writeFile } from 'node:fs/promises';
import { dirname, join, relative } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { Readable } from 'node:stream';
import { promisify } from 'node:util';
import { createDeflateRaw } from 'node:zlib';
import yazl from 'yazl';
import { makePdf, makePng, writeTree } from './fixtures';

const execFileAsync = promisify(execFile);

export const SOP_CLASS = {
  ct: '1.2.840.10008.5.1.4.1.1.2',
  mr: '1.2.840.10008.5.1.4.1.1.4',
  encapsulatedPdf: '1.2.840.10008.5.1.4.1.1.104.1',
} as const;

export const TRANSFER_SYNTAX = {
  implicitLittle: '1.2.840.10008.1.2',
  explicitLittle: '1.2.840.10008.1.2.1',
  deflated: '1.2.840.10008.1.2.1.99',
  jpegBaseline: '1.2.840.10008.1.2.4.50',
  jpegLossless: '1.2.840.10008.1.2.4.70',
  jpegLsLossless: '1.2.840.10008.1.2.4.80',
  jpeg2000Lossless: '1.2.840.10008.1.2.4.90',
  rle: '1.2.840.10008.1.2.5',
} as const;

export interface Patient {
  name: string;
  id: string;
}

export const JANE: Patient = { name: 'DOE^JANE', id: 'MRN12345' };
export const RICHARD: Patient = { name: 'ROE^RICHARD', id: 'MRN99999' };
export const INSTITUTION = 'Mercy Hospital';

export interface StudySpec {
  uid: string;
  /** YYYYMMDD, as DICOM writes it. */
  date: string;
  description: string;
  institution: string;
  studyId: string;
  accession: string;
}

export interface SeriesSpec {
  uid: string;
  number: number;
  description: string;
  modality: string;
  bodyPart: string;
  sopClassUid: string;
}

export interface InstanceSpec {
  patient: Patient;
  study: StudySpec;
  series: SeriesSpec;
  sopInstanceUid: string;
  instanceNumber: number;
  rows?: number;
  columns?: number;
  /** Changes the pixels, so every instance has different bytes. */
  seed?: number;
}

/** One DICOM file of a fixture, with what the importer should read from it. */
export interface FixtureInstance {
  path: string;
  /** What it was written from (to write more instances of the same series). */
  spec: InstanceSpec;
  patient: Patient;
  studyInstanceUid: string;
  seriesInstanceUid: string;
  sopInstanceUid: string;
  sopClassUid: string;
  modality: string;
  bodyPart: string;
  seriesDescription: string;
  seriesNumber: number;
  instanceNumber: number;
  transferSyntax: string;
  rows: number;
  columns: number;
}

export interface FixtureStudy {
  studyInstanceUid: string;
  /** The StudyDate as YYYY-MM-DD. */
  date: string;
  description: string;
  institution: string;
  modality: string;
  patient: Patient;
  seriesUids: string[];
  instances: FixtureInstance[];
}

/** A fresh UID under the UUID-derived root 2.25 (as `dcmodify -gin` would make, but known to the test). */
export function newUid(): string {
  return `2.25.${BigInt(`0x${randomBytes(16).toString('hex')}`).toString()}`;
}

/** Runs a DICOM tool; a failure says which command failed and what it printed. */
export async function tool(command: string, args: string[], cwd?: string): Promise<string> {
  try {
    const { stdout } = await execFileAsync(command, args, { cwd, maxBuffer: 16 * 1024 * 1024 });
    return stdout;
  } catch (error) {
    const failure = error as Error & { stderr?: string; stdout?: string };
    throw new Error(
      `${command} ${args.join(' ')} failed: ${failure.stderr || failure.stdout || failure.message}`.trim(),
      { cause: error },
    );
  }
}

/**
 * dciodvfy (dicom3tools) checks a file against its IOD (for a DICOMDIR: the Media Storage
 * Directory) and the value representations. It answers on stderr and exits 1 when it finds an
 * error: that is its verdict, not a failure to run. Returns its Error and Warning lines.
 */
export async function dciodvfy(path: string): Promise<{ iod: string; errors: string[]; warnings: string[] }> {
  const { stderr } = await execFileAsync('dciodvfy', [path], { maxBuffer: 16 * 1024 * 1024 }).catch(
    (error: Error & { code?: unknown; stderr?: string; stdout?: string }) => {
      if (error.code === 1 && typeof error.stderr === 'string')
        return { stdout: error.stdout ?? '', stderr: error.stderr };
      throw error;
    },
  );
  const lines = stderr.split('\n').map((line) => line.trim());
  return {
    iod: lines.find((line) => /^[A-Za-z]+$/.test(line)) ?? '',
    errors: lines.filter((line) => line.startsWith('Error')),
    warnings: lines.filter((line) => line.startsWith('Warning')),
  };
}

/** `dcmdump` of a file (for checks and for failure messages). */
export function dcmdump(path: string, ...options: string[]): Promise<string> {
  return tool('dcmdump', [...options, path]);
}

/** Runs `work` over `items`, `limit` at a time (each tool call is its own process). */
async function inParallel<T>(items: readonly T[], work: (item: T) => Promise<void>, limit = 8): Promise<void> {
  let next = 0;
  const lane = async () => {
    while (next < items.length) await work(items[next++]!);
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, lane));
}

/** A binary (P5) PGM of 12-bit values in 16-bit big-endian samples: an image file, not DICOM. */
function pgm16(width: number, height: number, seed: number): Buffer {
  const header = Buffer.from(`P5\n${width} ${height}\n4095\n`, 'ascii');
  const samples = Buffer.alloc(width * height * 2);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      samples.writeUInt16BE((x * 37 + y * 11 + seed * 101) % 4096, (y * width + x) * 2);
    }
  }
  return Buffer.concat([header, samples]);
}

/**
 * One image instance: `gdcmimg` makes the DICOM file from a PGM (it picks GE's private transfer
 * syntax for big-endian samples), then `dcmodify` fills in the attributes and rewrites it in
 * explicit VR little endian, the transfer syntax a general-purpose disc uses.
 */
export async function writeDicomImage(path: string, spec: InstanceSpec): Promise<FixtureInstance> {
  const rows = spec.rows ?? 64;
  const columns = spec.columns ?? 64;
  await mkdir(dirname(path), { recursive: true });
  const pgm = `${path}.source.pgm`;
  await writeFile(pgm, pgm16(columns, rows, spec.seed ?? spec.instanceNumber));
  try {
    await tool('gdcmimg', ['-C', spec.series.sopClassUid, '-i', pgm, '-o', path]);
  } finally {
    await rm(pgm, { force: true });
  }
  const { patient, study, series } = spec;
  const attributes: Record<string, string> = {
    '(0008,0018)': spec.sopInstanceUid,
    '(0008,0020)': study.date,
    '(0008,0030)': '101500',
    '(0008,0050)': study.accession,
    '(0008,0060)': series.modality,
    '(0008,0080)': study.institution,
    '(0008,0090)': 'WELBY^MARCUS',
    '(0008,1030)': study.description,
    '(0008,103E)': series.description,
    '(0010,0010)': patient.name,
    '(0010,0020)': patient.id,
    '(0010,0030)': '19700101',
    '(0010,0040)': 'F',
    '(0018,0015)': series.bodyPart,
    '(0020,000D)': study.uid,
    '(0020,000E)': series.uid,
    '(0020,0010)': study.studyId,
    '(0020,0011)': String(series.number),
    '(0020,0013)': String(spec.instanceNumber),
  };
  await tool('dcmodify', [
    '--no-backup',
    '--write-xfer-little',
    ...Object.entries(attributes).flatMap(([tag, value]) => ['-i', `${tag}=${value}`]),
    path,
  ]);
  return {
    path,
    spec,
    patient,
    studyInstanceUid: study.uid,
    seriesInstanceUid: series.uid,
    sopInstanceUid: spec.sopInstanceUid,
    sopClassUid: series.sopClassUid,
    modality: series.modality,
    bodyPart: series.bodyPart,
    seriesDescription: series.description,
    seriesNumber: series.number,
    instanceNumber: spec.instanceNumber,
    transferSyntax: TRANSFER_SYNTAX.explicitLittle,
    rows,
    columns,
  };
}

/** One more instance of `like`'s series (same patient, study and series; new SOP Instance UID and pixels). */
export function writeAnotherInstance(like: FixtureInstance, path: string, instanceNumber: number) {
  return writeDicomImage(path, { ...like.spec, sopInstanceUid: newUid(), instanceNumber, seed: 1000 + instanceNumber });
}

/**
 * The same instance in other bytes: `dcmcjpls` re-encodes it losslessly as JPEG-LS, which keeps
 * its SOP Instance UID (as a PACS re-export may do).
 */
export async function writeLosslessCopy(source: FixtureInstance, path: string): Promise<FixtureInstance> {
  await mkdir(dirname(path), { recursive: true });
  await tool('dcmcjpls', ['--encode-lossless', source.path, path]);
  const uid = await readSopInstanceUid(path);
  if (uid !== source.sopInstanceUid) throw new Error(`dcmcjpls changed the SOP Instance UID to ${uid}`);
  return { ...source, path, transferSyntax: TRANSFER_SYNTAX.jpegLsLossless };
}

function studySpec(date: string, description: string, studyId: string): StudySpec {
  return { uid: newUid(), date, description, institution: INSTITUTION, studyId, accession: `ACC${studyId}` };
}

function seriesSpec(number: number, modality: 'CT' | 'MR', description: string, bodyPart: string): SeriesSpec {
  const sopClassUid = modality === 'CT' ? SOP_CLASS.ct : SOP_CLASS.mr;
  return { uid: newUid(), number, description, modality, bodyPart, sopClassUid };
}

function isoDate(dicomDate: string): string {
  return `${dicomDate.slice(0, 4)}-${dicomDate.slice(4, 6)}-${dicomDate.slice(6, 8)}`;
}

/** PDI names: DICOM/PT000000/ST000000/SE000000/IM000000. */
function pdiPath(patient: number, study: number, series: number, instance: number): string {
  const n = (prefix: string, value: number) => `${prefix}${String(value).padStart(6, '0')}`;
  return join('DICOM', n('PT', patient), n('ST', study), n('SE', series), n('IM', instance));
}

/** The DICOMDIR's ReferencedFileID for a PDI path (components joined by backslashes). */
export function referencedFileId(relativePath: string): string {
  return relativePath.split('/').join('\\');
}

interface PlannedStudy {
  patient: Patient;
  patientIndex: number;
  studyIndex: number;
  study: StudySpec;
  series: { spec: SeriesSpec; instances: number }[];
}

/** Writes the instances of `studies` under PDI names below `root`; returns them as fixture studies. */
async function writePdiStudies(root: string, studies: PlannedStudy[], seedBase = 0): Promise<FixtureStudy[]> {
  const jobs: { path: string; spec: InstanceSpec; study: number }[] = [];
  studies.forEach((planned, studyNumber) => {
    planned.series.forEach(({ spec: series, instances }, seriesIndex) => {
      for (let i = 0; i < instances; i++) {
        jobs.push({
          path: join(root, pdiPath(planned.patientIndex, planned.studyIndex, seriesIndex, i)),
          spec: {
            patient: planned.patient,
            study: planned.study,
            series,
            sopInstanceUid: newUid(),
            instanceNumber: i + 1,
            seed: seedBase + jobs.length + 1,
          },
          study: studyNumber,
        });
      }
    });
  });
  const made: FixtureInstance[] = new Array(jobs.length);
  await inParallel(
    jobs.map((job, index) => ({ job, index })),
    async ({ job, index }) => {
      made[index] = await writeDicomImage(job.path, job.spec);
    },
  );
  return studies.map((planned, studyNumber) => ({
    studyInstanceUid: planned.study.uid,
    date: isoDate(planned.study.date),
    description: planned.study.description,
    institution: planned.study.institution,
    modality: planned.series[0]!.spec.modality,
    patient: planned.patient,
    seriesUids: planned.series.map(({ spec }) => spec.uid),
    instances: made.filter((_, index) => jobs[index]!.study === studyNumber),
  }));
}

/** `dcmmkdir --recurse DICOM` from the disc root: the DICOMDIR a disc burner writes. */
export async function makeDicomdir(root: string): Promise<string> {
  await tool('dcmmkdir', ['--recurse', '--output-file', 'DICOMDIR', 'DICOM'], root);
  return join(root, 'DICOMDIR');
}

/** What a hospital disc carries besides the images: a viewer, autorun, an HTML index. */
export async function writeDiscNoise(root: string): Promise<string[]> {
  const files: Record<string, Buffer | string> = {
    'AUTORUN.INF': '[autorun]\r\nopen=VIEWER\\VIEWER.EXE\r\nicon=VIEWER\\VIEWER.ICO\r\nlabel=MERCY HOSPITAL\r\n',
    'INDEX.HTM':
      '<!DOCTYPE html>\r\n<html><head><title>Patient images</title></head>\r\n' +
      '<body><h1>Mercy Hospital</h1><p>Insert the disc and run <a href="VIEWER/VIEWER.EXE">the viewer</a>.</p></body></html>\r\n',
    // A Windows executable starts with "MZ"; the rest does not matter to an importer.
    'VIEWER/VIEWER.EXE': Buffer.concat([Buffer.from('MZ\x90\x00', 'latin1'), randomBytes(4092)]),
    'VIEWER/DCMVIEW.DLL': Buffer.concat([Buffer.from('MZ\x90\x00', 'latin1'), randomBytes(2044)]),
    // An .ico file: reserved 0, type 1 (icon), then directory entries and image data.
    'VIEWER/VIEWER.ICO': Buffer.concat([Buffer.from([0, 0, 1, 0, 1, 0]), randomBytes(250)]),
    'VIEWER/LOGO.PNG': makePng(16, 16, 99),
  };
  await writeTree(root, files);
  return Object.keys(files).map((name) => join(root, name));
}

export interface Disc {
  root: string;
  dicomdir: string;
  patient: Patient;
  /** CT chest (one series of 6) and MR brain (two series of 3). */
  ct: FixtureStudy;
  mr: FixtureStudy;
  studies: FixtureStudy[];
  /** The viewer, autorun, HTML index: skipped, never imported. */
  noise: string[];
  /** A radiology report PDF at the root: imported as a document of its own. */
  reportPdf: string;
}

/**
 * A hospital disc for one patient (DOE^JANE, MRN12345), IHE PDI layout: a DICOMDIR made by
 * dcmmkdir, a CT study (1 series × 6) and an MR study (2 series × 3), a viewer, autorun.inf,
 * index.htm and a report PDF at the root.
 */
export async function makeDisc(root: string): Promise<Disc> {
  const planned: PlannedStudy[] = [
    {
      patient: JANE,
      patientIndex: 0,
      studyIndex: 0,
      study: studySpec('20230405', 'CHEST WITHOUT CONTRAST', '1001'),
      series: [{ spec: seriesSpec(1, 'CT', 'Axial 5mm', 'CHEST'), instances: 6 }],
    },
    {
      patient: JANE,
      patientIndex: 0,
      studyIndex: 1,
      study: studySpec('20231120', 'BRAIN W/WO CONTRAST', '1002'),
      series: [
        { spec: seriesSpec(1, 'MR', 'T1 SAG', 'HEAD'), instances: 3 },
        { spec: seriesSpec(2, 'MR', 'T2 AX FLAIR', 'HEAD'), instances: 3 },
      ],
    },
  ];
  const studies = await writePdiStudies(root, planned);
  const dicomdir = await makeDicomdir(root);
  const noise = await writeDiscNoise(root);
  const reportPdf = join(root, 'REPORT.PDF');
  await writeFile(
    reportPdf,
    await makePdf(
      ['Mercy Hospital - Radiology report', 'CT chest without contrast, 2023-04-05', 'No acute findings.'],
      {
        title: 'Radiology report',
      },
    ),
  );
  return { root, dicomdir, patient: JANE, ct: studies[0]!, mr: studies[1]!, studies, noise, reportPdf };
}

/** Every file under `root`, relative, sorted. */
export async function listTree(root: string): Promise<string[]> {
  const found: string[] = [];
  const walk = async (folder: string) => {
    for (const entry of await readdir(folder, { withFileTypes: true })) {
      const full = join(folder, entry.name);
      if (entry.isDirectory()) await walk(full);
      else found.push(relative(root, full));
    }
  };
  await walk(root);
  return found.sort();
}

/** How an ISO 9660 mount may show a path: lower case, files with a `;1` version suffix. */
export function isoMountPath(relativePath: string): string {
  return `${relativePath.toLowerCase()};1`;
}

export interface IsoMountDisc extends Disc {
  /** An MR instance listed in the DICOMDIR whose file is gone. */
  missing: { relativePath: string; sopInstanceUid: string };
  /** A CT instance on the disc that the DICOMDIR does not list. */
  unlisted: FixtureInstance;
}

/**
 * The disc as a Linux ISO 9660 mount may show it: every name in lower case and every file with
 * `;1`, while the DICOMDIR still says upper case. Made from `makeDisc` in `staging`, then: one
 * MR file the DICOMDIR lists is deleted, and one more CT slice is added after the DICOMDIR was
 * written (so only a tree scan finds it). `studies` are what is on the copy.
 */
export async function makeIsoMountDisc(staging: string, root: string): Promise<IsoMountDisc> {
  const disc = await makeDisc(staging);
  const gone = disc.mr.instances[4]!;
  await rm(gone.path);
  const unlistedPath = join(staging, 'DICOM', 'PT000000', 'ST000000', 'SE000000', 'IM000099');
  const unlisted = await writeAnotherInstance(disc.ct.instances[0]!, unlistedPath, 7);

  const moved = (path: string) => join(root, isoMountPath(relative(staging, path)));
  for (const relativePath of await listTree(staging)) {
    const target = join(root, isoMountPath(relativePath));
    await mkdir(dirname(target), { recursive: true });
    await copyFile(join(staging, relativePath), target);
  }
  const relocate = (instance: FixtureInstance): FixtureInstance => ({ ...instance, path: moved(instance.path) });
  const ct: FixtureStudy = { ...disc.ct, instances: [...disc.ct.instances, unlisted].map(relocate) };
  const mr: FixtureStudy = { ...disc.mr, instances: disc.mr.instances.filter((i) => i !== gone).map(relocate) };
  return {
    root,
    dicomdir: moved(disc.dicomdir),
    patient: disc.patient,
    ct,
    mr,
    studies: [ct, mr],
    noise: disc.noise.map(moved),
    reportPdf: moved(disc.reportPdf),
    missing: { relativePath: relative(staging, gone.path), sopInstanceUid: gone.sopInstanceUid },
    unlisted: relocate(unlisted),
  };
}

/**
 * A zip of a disc folder as a patient might get it from a portal or make it: written by yazl (a
 * third-party writer), every file of the tree under its relative name, deflated.
 */
export async function zipFolder(root: string, zipPath: string): Promise<void> {
  const zip = new yazl.ZipFile();
  for (const relativePath of await listTree(root)) zip.addFile(join(root, relativePath), relativePath);
  zip.end();
  await mkdir(dirname(zipPath), { recursive: true });
  await pipeline(zip.outputStream, createWriteStream(zipPath));
}

export interface TwoPatientDisc {
  root: string;
  dicomdir: string;
  studies: FixtureStudy[];
  patients: Patient[];
}

/** A disc (with DICOMDIR) holding a study of DOE^JANE and one of ROE^RICHARD, 2 slices each. */
export async function makeTwoPatientDisc(root: string): Promise<TwoPatientDisc> {
  const studies = await writePdiStudies(
    root,
    [
      {
        patient: JANE,
        patientIndex: 0,
        studyIndex: 0,
        study: studySpec('20220110', 'CT ABDOMEN', '2001'),
        series: [{ spec: seriesSpec(1, 'CT', 'Axial', 'ABDOMEN'), instances: 2 }],
      },
      {
        patient: RICHARD,
        patientIndex: 1,
        studyIndex: 0,
        study: studySpec('20220111', 'CT HEAD', '2002'),
        series: [{ spec: seriesSpec(1, 'CT', 'Axial', 'HEAD'), instances: 2 }],
      },
    ],
    200,
  );
  const dicomdir = await makeDicomdir(root);
  return { root, dicomdir, studies, patients: [JANE, RICHARD] };
}

export interface VariantFile extends FixtureInstance {
  /** How the file differs from a plain Part 10 file. */
  variant: string;
}

export interface VariantsFolder {
  root: string;
  study: FixtureStudy;
  /** One instance per variant, all of the same study and series. */
  files: VariantFile[];
  /** A DICOM Encapsulated PDF of the same study (pdf2dcm): an imaging report. */
  encapsulatedPdf: { path: string; sopInstanceUid: string; studyInstanceUid: string; pdf: Buffer };
  /** A Basic Text SR of the same study (xml2dsr): an imaging report whose text holds `words`. */
  structuredReport: { path: string; sopInstanceUid: string; studyInstanceUid: string; words: string };
}

/**
 * A USB stick export without DICOMDIR: one CT study, one series, each instance in a different
 * form — `.dcm`, `.DCM`, no extension, a bare data set without preamble or meta header (implicit
 * and explicit VR), JPEG baseline, JPEG lossless, JPEG-LS, RLE, JPEG 2000, deflated — and an
 * encapsulated PDF report and a structured report of the same study.
 */
export async function makeVariantsFolder(root: string): Promise<VariantsFolder> {
  const study = studySpec('20240214', 'SINUS', '3001');
  const series = seriesSpec(3, 'CT', 'Coronal bone', 'SINUS');
  const sources = `${root}-sources`;
  await mkdir(root, { recursive: true });

  type Variant = { name: string; variant: string; make: (source: string, target: string) => Promise<string> };
  const copy = (ts: string) => async (source: string, target: string) => {
    await copyFile(source, target);
    return ts;
  };
  const convert = (command: string, options: string[], ts: string) => async (source: string, target: string) => {
    await tool(command, [...options, source, target]);
    return ts;
  };
  const variants: Variant[] = [
    { name: 'IMG0001.dcm', variant: 'lower-case .dcm', make: copy(TRANSFER_SYNTAX.explicitLittle) },
    { name: 'IMG0002.DCM', variant: 'upper-case .DCM', make: copy(TRANSFER_SYNTAX.explicitLittle) },
    { name: 'IMG0003', variant: 'no extension', make: copy(TRANSFER_SYNTAX.explicitLittle) },
    {
      // `dcmconv --write-dataset`: no preamble, no "DICM", no meta header; implicit VR little endian.
      name: 'legacy/IMG0004',
      variant: 'no preamble, implicit VR',
      make: convert('dcmconv', ['--write-dataset', '--write-xfer-implicit'], TRANSFER_SYNTAX.implicitLittle),
    },
    {
      name: 'legacy/IMG0005.dcm',
      variant: 'no preamble, explicit VR',
      make: convert('dcmconv', ['--write-dataset', '--write-xfer-little'], TRANSFER_SYNTAX.explicitLittle),
    },
    {
      name: 'compressed/JPEGBASE.dcm',
      variant: 'JPEG baseline',
      make: convert('dcmcjpeg', ['--encode-baseline'], TRANSFER_SYNTAX.jpegBaseline),
    },
    {
      name: 'compressed/JPEGLOSS.dcm',
      variant: 'JPEG lossless',
      make: convert('dcmcjpeg', ['--encode-lossless-sv1'], TRANSFER_SYNTAX.jpegLossless),
    },
    {
      name: 'compressed/JPEGLS.dcm',
      variant: 'JPEG-LS lossless',
      make: convert('dcmcjpls', ['--encode-lossless'], TRANSFER_SYNTAX.jpegLsLossless),
    },
    { name: 'compressed/RLE.dcm', variant: 'RLE', make: convert('dcmcrle', [], TRANSFER_SYNTAX.rle) },
    {
      name: 'compressed/J2K.dcm',
      variant: 'JPEG 2000',
      make: convert('gdcmconv', ['--j2k'], TRANSFER_SYNTAX.jpeg2000Lossless),
    },
    {
      name: 'compressed/DEFLATED.dcm',
      variant: 'deflated',
      make: convert('dcmconv', ['--write-xfer-deflated'], TRANSFER_SYNTAX.deflated),
    },
  ];

  const files: VariantFile[] = new Array(variants.length);
  await inParallel(
    variants.map((variant, index) => ({ variant, index })),
    async ({ variant, index }) => {
      const source = join(sources, `SRC${index}`);
      const instance = await writeDicomImage(source, {
        patient: JANE,
        study,
        series,
        sopInstanceUid: newUid(),
        instanceNumber: index + 1,
        seed: 300 + index,
      });
      const target = join(root, variant.name);
      await mkdir(dirname(target), { recursive: true });
      const transferSyntax = await variant.make(source, target);
      // Lossy JPEG gets a new SOP Instance UID from dcmcjpeg: what is in the file is what counts.
      const sopInstanceUid = await readSopInstanceUid(target);
      files[index] = { ...instance, sopInstanceUid, path: target, transferSyntax, variant: variant.variant };
    },
  );

  const pdf = join(sources, 'report.pdf');
  const pdfBytes = await makePdf(['CT sinus report', 'Mild mucosal thickening.'], { title: 'CT sinus report' });
  await writeFile(pdf, pdfBytes);
  const encapsulated = join(root, 'REPORT.DCM');
  // pdf2dcm takes patient and study UID from an image of the study; the rest of the study goes in by key.
  await tool('pdf2dcm', [
    '--study-from',
    files[0]!.path,
    '--title',
    'CT sinus report',
    ...['0008,0020=20240214', '0008,0030=101500', '0008,0080=Mercy Hospital', '0008,1030=SINUS'].flatMap((key) => [
      '--key',
      key,
    ]),
    pdf,
    encapsulated,
  ]);
  const sopInstanceUid = await readSopInstanceUid(encapsulated);

  const words = 'Retention cyst in the left maxillary sinus';
  const structuredReport = join(root, 'SR000001');
  const srUid = newUid();
  await writeStructuredReport(structuredReport, join(sources, 'sr.xml'), {
    patient: JANE,
    study,
    seriesUid: newUid(),
    sopInstanceUid: srUid,
    finding: words,
  });
  await rm(sources, { recursive: true, force: true });

  return {
    root,
    study: {
      studyInstanceUid: study.uid,
      date: isoDate(study.date),
      description: study.description,
      institution: study.institution,
      modality: 'CT',
      patient: JANE,
      seriesUids: [series.uid],
      instances: files,
    },
    files,
    encapsulatedPdf: { path: encapsulated, sopInstanceUid, studyInstanceUid: study.uid, pdf: pdfBytes },
    structuredReport: { path: structuredReport, sopInstanceUid: srUid, studyInstanceUid: study.uid, words },
  };
}

/** The SOP Instance UID a DICOM file holds, as dcmdump reads it. */
export async function readSopInstanceUid(path: string): Promise<string> {
  const dump = await dcmdump(path, '--search', '0008,0018');
  const uid = /\[([^\]]+)\]/.exec(dump)?.[1];
  if (!uid) throw new Error(`no SOP Instance UID in ${path}: ${dump}`);
  return uid;
}

/**
 * A Basic Text SR written by `xml2dsr` from its XML format (the one `dsr2xml` prints): a report
 * container with one finding, for the given patient and study.
 */
export async function writeStructuredReport(
  path: string,
  xmlPath: string,
  spec: { patient: Patient; study: StudySpec; seriesUid: string; sopInstanceUid: string; finding: string },
): Promise<void> {
  const [last, first] = spec.patient.name.split('^');
  const xml = `<?xml version="1.0" encoding="UTF-8"?>
<report type="Basic Text SR">
<sopclass uid="1.2.840.10008.5.1.4.1.1.88.11">BasicTextSRStorage</sopclass>
<charset>ISO_IR 100</charset>
<modality>SR</modality>
<manufacturer>${spec.study.institution}</manufacturer>
<patient><id>${spec.patient.id}</id><name><last>${last}</last><first>${first}</first></name></patient>
<study uid="${spec.study.uid}">
<id>${spec.study.studyId}</id><date>${spec.study.date}</date><time>101500</time>
<accession><number>${spec.study.accession}</number></accession>
<description>${spec.study.description}</description>
</study>
<series uid="${spec.seriesUid}"><number>90</number></series>
<instance uid="${spec.sopInstanceUid}"><number>1</number></instance>
<document>
<completion flag="COMPLETE"></completion>
<verification flag="UNVERIFIED"></verification>
<content>
<date>${spec.study.date}</date><time>120000</time>
<container flag="SEPARATE">
<concept><value>11528-7</value><scheme><designator>LN</designator></scheme><meaning>Radiology Report</meaning></concept>
<text><relationship>CONTAINS</relationship>
<concept><value>121071</value><scheme><designator>DCM</designator></scheme><meaning>Finding</meaning></concept>
<value>${spec.finding}</value>
</text>
</container>
</content>
</document>
</report>
`;
  await mkdir(dirname(xmlPath), { recursive: true });
  await writeFile(xmlPath, xml);
  await tool('xml2dsr', [xmlPath, path]);
  // The institution is not part of dsr2xml's format; dcmodify adds it as a hospital's SR has it.
  await tool('dcmodify', ['--no-backup', '-i', `(0008,0080)=${spec.study.institution}`, path]);
}

// ---------------------------------------------------------------------------------------------
// Locating bytes to edit

/** VRs whose explicit-VR header is 2 reserved bytes and a 4-byte length. */
const LONG_VRS = new Set(['OB', 'OD', 'OF', 'OL', 'OV', 'OW', 'SQ', 'SV', 'UC', 'UN', 'UR', 'UT', 'UV']);

export interface LocatedElement {
  /** Offset of the tag. */
  offset: number;
  vr: string;
  /** Offset and size of the length field. */
  lengthOffset: number;
  lengthBytes: 2 | 4;
  valueOffset: number;
  length: number;
}

/** Where the data set starts in a Part 10 file (after preamble, "DICM" and the meta group). */
export function dataSetOffset(bytes: Buffer): number {
  if (bytes.toString('latin1', 128, 132) !== 'DICM') throw new Error('not a Part 10 file');
  // (0002,0000) UL, explicit VR: tag 4 + VR 2 + length 2, then the group's length.
  if (bytes.readUInt16LE(132) !== 0x0002 || bytes.readUInt16LE(134) !== 0x0000) throw new Error('no group length');
  return 132 + 12 + bytes.readUInt32LE(140);
}

/**
 * The top-level element (group, element) of an explicit VR little endian file, walking from
 * `start` (the meta group at 132, or the data set). Throws on an undefined length before it.
 */
export function findElement(
  bytes: Buffer,
  group: number,
  element: number,
  start = dataSetOffset(bytes),
): LocatedElement {
  let offset = start;
  while (offset + 8 <= bytes.length) {
    const g = bytes.readUInt16LE(offset);
    const e = bytes.readUInt16LE(offset + 2);
    const vr = bytes.toString('latin1', offset + 4, offset + 6);
    const long = LONG_VRS.has(vr);
    const lengthOffset = offset + (long ? 8 : 6);
    const lengthBytes = long ? 4 : 2;
    const length = long ? bytes.readUInt32LE(lengthOffset) : bytes.readUInt16LE(lengthOffset);
    const valueOffset = lengthOffset + lengthBytes;
    if (g === group && e === element) return { offset, vr, lengthOffset, lengthBytes, valueOffset, length };
    if (length === 0xffffffff) throw new Error(`undefined length at ${offset} before the element looked for`);
    offset = valueOffset + length;
  }
  throw new Error(`element (${group.toString(16)},${element.toString(16)}) not found`);
}

function tagHex(group: number, element: number): string {
  const hex = (n: number) => n.toString(16).padStart(4, '0').toUpperCase();
  return `(${hex(group)},${hex(element)})`;
}

// ---------------------------------------------------------------------------------------------
// Pathological files

/** The size a deflated data set inflates to in the deflate bomb: above a 256 MiB cap. */
export const DEFLATE_BOMB_BYTES = 288 * 1024 * 1024;

export interface PathologicalFile {
  path: string;
  /** What is wrong with it. */
  problem: string;
  /** True when the file cannot be read without misreading it: it must be refused. */
  mustBeRefused: boolean;
  sopInstanceUid: string;
}

export interface PathologicalDisc {
  /** The disc root (a DICOMDIR over the good study; the bad files under BAD/, found by a tree scan). */
  root: string;
  dicomdir: string;
  /** The good study: 3 CT slices listed in the DICOMDIR. It must import whatever else is on the disc. */
  good: FixtureStudy;
  bad: Record<string, PathologicalFile>;
  /**
   * A valid DICOM file of another patient NEXT TO the disc root (`../OUTSIDE/SECRET`): the DICOMDIR
   * refers to it by `..`; it must never be read, imported or listed.
   */
  outside: { path: string; sopInstanceUid: string };
  /**
   * Part of every UID of BAD/UIDPATH, unique to this run: no file or folder anywhere may have a
   * name containing it (it would be a path built from file contents).
   */
  marker: string;
}

/** A fresh single-slice CT instance of its own study (so a derived bad file shares no UID with a good one). */
async function freshInstance(path: string, seed: number, patient: Patient = JANE): Promise<FixtureInstance> {
  return writeDicomImage(path, {
    patient,
    study: studySpec('20210707', 'CT PELVIS', `4${seed}`),
    series: seriesSpec(1, 'CT', 'Axial', 'PELVIS'),
    sopInstanceUid: newUid(),
    instanceNumber: 1,
    seed,
  });
}

/**
 * A disc with a good CT study and every kind of broken file next to it:
 *
 * - LENHDR: StudyDescription's 2-byte length says 0xFFF0, far past the end of the file.
 * - TRUNCHDR: cut in the middle of the StudyInstanceUID value.
 * - TRUNCPIX: cut in the middle of the pixel data.
 * - BADVR1: Rows written with VR "UL" (4-byte value) over its 2-byte US value; layout intact.
 * - BADVR2: StudyInstanceUID's VR "UI" replaced by "OB": a reader trusting it takes two value
 *   bytes as reserved and the UID's first 4 characters as a 4-byte length (~890 MB).
 * - DEFLBOMB: deflated transfer syntax whose ~300 KB body inflates to more than 288 MiB.
 * - HUGEDIM: Rows 65535 × Columns 65535 × NumberOfFrames 1000 over 8 KiB of real pixel data.
 * - NODELIM: an undefined-length sequence and item whose delimiters were removed.
 * - UIDPATH: Study, Series and SOP Instance UIDs made of path characters (`../`, `/`, `\`).
 *
 * and a DICOMDIR whose records for two good slices were edited to point at `..\OUTSIDE\SECRET`
 * and `..\..\..\(…)\ETC\PASSWD` (the slices themselves are still on the disc).
 */
export async function makePathologicalDisc(parent: string): Promise<PathologicalDisc> {
  const root = join(parent, 'disc');
  const work = join(parent, 'work');
  await mkdir(work, { recursive: true });

  const [good] = await writePdiStudies(
    root,
    [
      {
        patient: JANE,
        patientIndex: 0,
        studyIndex: 0,
        study: studySpec('20210601', 'CT KNEE', '5001'),
        series: [{ spec: seriesSpec(1, 'CT', 'Axial', 'KNEE'), instances: 3 }],
      },
    ],
    500,
  );
  const dicomdir = await makeDicomdir(root);

  // The file the DICOMDIR will point at from outside the disc root: valid, of another patient.
  const outsidePath = join(parent, 'OUTSIDE', 'SECRET');
  const outside = await freshInstance(outsidePath, 90, RICHARD);

  // DICOMDIR: point two IMAGE records outside the root. The DICOMDIR holds byte offsets to its
  // records, so each edit keeps the length: the new ReferencedFileID is padded with spaces (CS
  // padding) to the old value's even length.
  const dir = await readFile(dicomdir);
  const escapes = [
    { slice: 1, target: '..\\OUTSIDE\\SECRET' },
    { slice: 2, target: `${'..\\'.repeat(10)}ETC\\PASSWD` },
  ];
  for (const { slice, target } of escapes) {
    const original = referencedFileId(relative(root, good!.instances[slice]!.path));
    const at = dir.indexOf(Buffer.from(original, 'latin1'));
    if (at < 0 || dir.indexOf(Buffer.from(original, 'latin1'), at + 1) >= 0) throw new Error('reference not unique');
    const padded = original.length + (original.length % 2); // the value's length on disk
    if (target.length > padded) throw new Error('escape longer than the original reference');
    dir.write(target.padEnd(padded, ' '), at, 'latin1');
  }
  await writeFile(dicomdir, dir);

  const bad: Record<string, PathologicalFile> = {};
  const badPath = (name: string) => join(root, 'BAD', name);
  await mkdir(join(root, 'BAD'), { recursive: true });
  const derive = async (
    name: string,
    seed: number,
    problem: string,
    mustBeRefused: boolean,
    edit: (bytes: Buffer, instance: FixtureInstance) => Buffer | Promise<Buffer>,
    prepare?: (path: string) => Promise<void>,
  ) => {
    const source = join(work, name);
    const instance = await freshInstance(source, seed);
    await prepare?.(source);
    const bytes = await edit(await readFile(source), instance);
    await writeFile(badPath(name), bytes);
    bad[name] = { path: badPath(name), problem, mustBeRefused, sopInstanceUid: instance.sopInstanceUid };
  };

  await derive('LENHDR', 11, 'a declared element length larger than the bytes left', true, (bytes) => {
    // StudyDescription (0008,1030) LO: its 16-bit length set to 0xFFF0; the file is ~9 KB long.
    const element = findElement(bytes, 0x0008, 0x1030);
    if (bytes.length - element.valueOffset >= 0xfff0) throw new Error('file too long for the overrun');
    bytes.writeUInt16LE(0xfff0, element.lengthOffset);
    return bytes;
  });

  await derive('TRUNCHDR', 12, 'a file truncated in its header', true, (bytes) => {
    // Cut 10 bytes into the StudyInstanceUID value: what follows (series, pixels) is gone.
    const element = findElement(bytes, 0x0020, 0x000d);
    return bytes.subarray(0, element.valueOffset + 10);
  });

  await derive('TRUNCPIX', 13, 'a file truncated in the middle of its pixel data', false, (bytes) => {
    // PixelData (7FE0,0010) declares 8192 bytes; keep only half of them.
    const element = findElement(bytes, 0x7fe0, 0x0010);
    if (element.length !== 8192) throw new Error(`unexpected pixel data length ${element.length}`);
    return bytes.subarray(0, element.valueOffset + 4096);
  });

  await derive('BADVR1', 14, 'a wrong VR (Rows as UL over a 2-byte value)', false, (bytes) => {
    // Rows (0028,0010): VR bytes "US" → "UL". Both have a 2-byte length, so the layout holds,
    // but a UL needs 4 bytes and the value has 2.
    const element = findElement(bytes, 0x0028, 0x0010);
    if (element.vr !== 'US') throw new Error(`Rows has VR ${element.vr}`);
    bytes.write('UL', element.offset + 4, 'latin1');
    return bytes;
  });

  await derive('BADVR2', 15, 'a wrong VR (StudyInstanceUID as OB)', false, (bytes) => {
    // StudyInstanceUID (0020,000D): VR bytes "UI" → "OB". OB has 2 reserved bytes and a 4-byte
    // length, so a reader that trusts the VR reads the UID's "2.25" as a length of ~890 MB.
    const element = findElement(bytes, 0x0020, 0x000d);
    if (element.vr !== 'UI') throw new Error(`StudyInstanceUID has VR ${element.vr}`);
    bytes.write('OB', element.offset + 4, 'latin1');
    return bytes;
  });

  await derive(
    'HUGEDIM',
    16,
    'Rows × Columns × NumberOfFrames far larger than the pixel data',
    false,
    (bytes) => bytes,
    // dcmodify sets the header; the pixel data stays 64×64×16 bits (8 KiB).
    (path) =>
      tool('dcmodify', [
        '--no-backup',
        '-m',
        '(0028,0010)=65535',
        '-m',
        '(0028,0011)=65535',
        '-i',
        '(0028,0008)=1000',
        path,
      ]).then(() => undefined),
  );

  await derive(
    'NODELIM',
    17,
    'an undefined-length sequence and item without their delimiters',
    false,
    (bytes) => {
      // dcmodify wrote ReferencedImageSequence with undefined lengths, ending in an Item
      // Delimitation Item (FFFE,E00D) and a Sequence Delimitation Item (FFFE,E0DD), 8 bytes
      // each. Both are cut out: the sequence and its item now run to the end of the file. (The
      // 12-bit pixel values, below 0x1000, cannot contain these byte patterns.)
      const itemEnd = Buffer.from([0xfe, 0xff, 0x0d, 0xe0, 0, 0, 0, 0]);
      const sequenceEnd = Buffer.from([0xfe, 0xff, 0xdd, 0xe0, 0, 0, 0, 0]);
      const at = bytes.indexOf(itemEnd);
      if (at < 0 || !bytes.subarray(at + 8, at + 16).equals(sequenceEnd)) throw new Error('delimiters not found');
      if (bytes.indexOf(itemEnd, at + 1) >= 0) throw new Error('more than one item delimiter');
      return Buffer.concat([bytes.subarray(0, at), bytes.subarray(at + 16)]);
    },
    (path) =>
      tool('dcmodify', [
        '--no-backup',
        '--length-undefined',
        '-i',
        `(0008,1140)[0].(0008,1150)=${SOP_CLASS.ct}`,
        '-i',
        `(0008,1140)[0].(0008,1155)=${newUid()}`,
        path,
      ]).then(() => undefined),
  );

  // UIDs made of path characters; `marker` makes the names unique to this run so the test can
  // check that nothing by these names appears anywhere.
  const marker = `medvault-escape-${randomBytes(6).toString('hex')}`;
  const uidStudy = `../../../${marker}-study`;
  const uidSeries = `/tmp/${marker}-series`;
  const uidInstance = `..\\..\\${marker}-instance`;
  await derive(
    'UIDPATH',
    18,
    'UIDs made of path characters',
    false,
    (bytes) => bytes,
    (path) =>
      tool('dcmodify', [
        '--no-backup',
        '-m',
        `(0020,000D)=${uidStudy}`,
        '-m',
        `(0020,000E)=${uidSeries}`,
        '-m',
        `(0008,0018)=${uidInstance}`,
        path,
      ]).then(() => undefined),
  );
  bad.UIDPATH!.sopInstanceUid = uidInstance;

  bad.DEFLBOMB = await makeDeflateBomb(badPath('DEFLBOMB'), work, 19);

  await rm(work, { recursive: true, force: true });
  return {
    root,
    dicomdir,
    good: good!,
    bad,
    outside: { path: outsidePath, sopInstanceUid: outside.sopInstanceUid },
    marker,
  };
}

/**
 * A deflate bomb derived from a real deflated file. dcmtk writes the file (`dcmconv
 * --write-xfer-deflated`) from an instance that has a private OB element (0009,1001) of 16 bytes
 * placed before the patient and study attributes. The file's meta header (transfer syntax
 * 1.2.840.10008.1.2.1.99) is kept; its deflated body is replaced by a new raw-deflate stream of
 * the same data set in which that element's 4-byte length (dcmtk writes the unknown private
 * element as UN) says `inflatedBytes` and its value is
 * that many zero bytes. Zeros deflate ~1000:1, so the body is ~300 KB; a reader must inflate
 * past the bomb to reach the StudyInstanceUID.
 */
export async function makeDeflateBomb(
  path: string,
  work: string,
  seed: number,
  inflatedBytes = DEFLATE_BOMB_BYTES,
): Promise<PathologicalFile> {
  const source = join(work, `bomb-${seed}`);
  const instance = await freshInstance(source, seed);
  const payload = join(work, `bomb-${seed}.bin`);
  await writeFile(payload, Buffer.alloc(16));
  await tool('dcmodify', ['--no-backup', '-i', '(0009,0010)=MEDVAULT TEST', '-if', `(0009,1001)=${payload}`, source]);
  const deflated = `${source}.deflated`;
  await tool('dcmconv', ['--write-xfer-deflated', source, deflated]);

  const plain = await readFile(source); // explicit VR little endian: the data set dcmtk deflated
  const meta = await readFile(deflated);
  const metaEnd = dataSetOffset(meta);
  const transferSyntax = findElement(meta, 0x0002, 0x0010, 132);
  const ts = meta.toString('latin1', transferSyntax.valueOffset, transferSyntax.valueOffset + transferSyntax.length);
  if (ts.replace(/\0$/, '') !== TRANSFER_SYNTAX.deflated) throw new Error(`dcmconv wrote transfer syntax ${ts}`);

  const dataSet = plain.subarray(dataSetOffset(plain));
  const element = findElement(dataSet, 0x0009, 0x1001, 0);
  if (!LONG_VRS.has(element.vr) || element.length !== 16)
    throw new Error(`unexpected ${tagHex(9, 0x1001)} ${element.vr}`);
  const before = Buffer.from(dataSet.subarray(0, element.valueOffset));
  before.writeUInt32LE(inflatedBytes, element.lengthOffset); // the bomb's declared length
  const after = dataSet.subarray(element.valueOffset + element.length);

  async function* body(): AsyncGenerator<Buffer> {
    yield before;
    const zeros = Buffer.alloc(1024 * 1024);
    for (let left = inflatedBytes; left > 0; left -= zeros.length)
      yield zeros.subarray(0, Math.min(left, zeros.length));
    yield after;
  }
  await mkdir(dirname(path), { recursive: true });
  const out = createWriteStream(path);
  await new Promise<void>((resolve, reject) =>
    out.write(meta.subarray(0, metaEnd), (e) => (e ? reject(e) : resolve())),
  );
  await pipeline(Readable.from(body()), createDeflateRaw({ level: 9 }), out);
  return {
    path,
    problem: `a deflated data set that inflates to ${inflatedBytes} bytes`,
    mustBeRefused: false,
    sopInstanceUid: instance.sopInstanceUid,
  };
}

/** SHA-256 of a file, hex. */
export async function sha256File(path: string): Promise<string> {
  return createHash('sha256')
    .update(await readFile(path))
    .digest('hex');
}

/** Size of a file in bytes. */
export async function fileSize(path: string): Promise<number> {
  return (await stat(path)).size;
}
