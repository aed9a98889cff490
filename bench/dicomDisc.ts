/**
 * The DICOM benchmark's input: a synthetic CT disc as a hospital burns it — one study of 2,000 axial
 * slices (four series of 500, 512×512, 16 bits allocated / 12 stored), laid out IHE PDI style
 * (DICOM/PT000000/ST000000/SE00000N/IM000NNN: 8.3 upper-case names, no extension) with a DICOMDIR at
 * the root. About 1 GB.
 *
 * Every DICOM byte is written by third-party tools, never by this script: the pixels of each slice
 * (a body phantom with noise, so every file differs) go to a raw image file, GDCM's `gdcmimg` turns
 * it into a CT Image Storage file, DCMTK's `dcmodify` sets the patient, study, series and slice
 * attributes, and DCMTK's `dcmmkdir` writes the DICOMDIR (strict: it refuses files that lack a type 1
 * attribute or disagree with each other). Debian packages: dcmtk, libgdcm-tools.
 *
 * UIDs are derived from the version string, so a given version always describes the same study.
 * Usage on its own: node --import tsx bench/dicomDisc.ts [--keep-corpus]   (generates, checks, prints)
 */
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdir, rm, stat, writeFile } from 'node:fs/promises';
import { availableParallelism, endianness, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { finishCachedInput, loadCachedInput } from './cachedInput';

const exec = promisify(execFile);

/** Bump when the recipe below changes: a cached disc of another version is rebuilt. */
export const DICOM_DISC_VERSION = 'v1';

export const SLICES_PER_SERIES = 500;
const SIZE = 512;
const PIXEL_BYTES = SIZE * SIZE * 2;
const CT_IMAGE_STORAGE = '1.2.840.10008.5.1.4.1.1.2';
/** Stored value = HU + 1024 (RescaleIntercept −1024), 12 bits stored. */
const HU_OFFSET = 1024;
const MAX_STORED = 4095;
const PIXEL_SPACING_MM = 0.75;
const SLICE_SPACING_MM = 1;

export const DISC_PATIENT = { name: 'SYNTHETIC^BENCH^CT', id: 'MVBENCH0001', birthDate: '19660412', sex: 'F' };
export const DISC_STUDY = {
  date: '20240315',
  time: '101500',
  description: 'CT CHEST ABDOMEN PELVIS W CONTRAST',
  institution: 'St. Elsewhere General Hospital',
  accession: 'ACC20240315001',
  id: '4711',
};

interface SeriesRecipe {
  description: string;
  kernel: string;
  /** Noise standard deviation, in HU. */
  noise: number;
  /** Contrast enhancement of vessels and liver, in HU (0 = without contrast). */
  contrast: number;
}

const SERIES: SeriesRecipe[] = [
  { description: 'Thorax-Abdomen 1.0 Br40 native', kernel: 'Br40', noise: 12, contrast: 0 },
  { description: 'Thorax 1.0 Bl57 lung', kernel: 'Bl57', noise: 35, contrast: 0 },
  { description: 'Thorax-Abdomen 1.0 Br40 arterial', kernel: 'Br40', noise: 12, contrast: 250 },
  { description: 'Abdomen 1.0 Br40 portal venous', kernel: 'Br40', noise: 12, contrast: 120 },
];

export interface DicomDiscFile {
  /** Relative to the disc root, with forward slashes (e.g. DICOM/PT000000/ST000000/SE000000/IM000000). */
  path: string;
  bytes: number;
}

export interface DicomDisc {
  version: string;
  /** The disc root handed to `medvault import`: DICOMDIR and the DICOM folder. */
  discDir: string;
  /** Every file on the disc, DICOMDIR first, then the images in order. */
  files: DicomDiscFile[];
  totalBytes: number;
  slices: number;
  studyInstanceUid: string;
  series: { number: number; uid: string; description: string; slices: number }[];
  patientName: string;
  patientId: string;
  /** How long the generation took (wall time, ms). */
  generationMs: number;
}

/** Where the disc lives: a versioned folder under the OS temp folder, reusable between runs. */
export function dicomDiscRoot(): string {
  return join(tmpdir(), `medvault-bench-dicom-${DICOM_DISC_VERSION}`);
}

/** Returns the cached disc if it is complete and unchanged; otherwise generates it afresh. */
export async function ensureDicomDisc(log: (line: string) => void): Promise<{ disc: DicomDisc; reused: boolean }> {
  const root = dicomDiscRoot();
  const cached = await loadCachedInput<DicomDisc>(root, DICOM_DISC_VERSION, (d) => d.discDir, join(root, 'disc'));
  if (cached) return { disc: cached, reused: true };
  await rm(root, { recursive: true, force: true });
  await checkTools();
  const disc = await buildDisc(root, log);
  await finishCachedInput(root, disc.discDir, disc);
  return { disc, reused: false };
}

async function checkTools(): Promise<void> {
  for (const [tool, pkg] of [
    ['gdcmimg', 'libgdcm-tools'],
    ['dcmodify', 'dcmtk'],
    ['dcmmkdir', 'dcmtk'],
  ] as const) {
    try {
      await exec(tool, ['--version']);
    } catch (error) {
      throw new Error(`The DICOM benchmark needs \`${tool}\` (Debian package ${pkg})`, { cause: error });
    }
  }
}

async function buildDisc(root: string, log: (line: string) => void): Promise<DicomDisc> {
  const started = performance.now();
  const discDir = join(root, 'disc');
  const scratch = join(root, 'scratch');
  await mkdir(scratch, { recursive: true });
  const studyUid = uid('study');
  const frameOfReferenceUid = uid('frame-of-reference');
  const series = SERIES.map((recipe, index) => ({
    number: index + 1,
    uid: uid(`series-${index + 1}`),
    description: recipe.description,
    slices: SLICES_PER_SERIES,
  }));
  const seriesDir = (index: number) => `DICOM/PT000000/ST000000/SE${pad(index, 6)}`;
  for (let s = 0; s < SERIES.length; s++) await mkdir(join(discDir, seriesDir(s)), { recursive: true });

  const jobs = SERIES.flatMap((_, s) => Array.from({ length: SLICES_PER_SERIES }, (__, i) => ({ s, i })));
  const paths = jobs.map(({ s, i }) => `${seriesDir(s)}/IM${pad(i, 6)}`);
  // Two external processes per slice (gdcmimg, dcmodify): one pipeline per core keeps them all busy.
  const lanes = Math.max(2, availableParallelism());
  let next = 0;
  let done = 0;
  const lane = async (laneNo: number) => {
    const raw = join(scratch, `lane${laneNo}.raw`);
    for (let job = next++; job < jobs.length; job = next++) {
      const { s, i } = jobs[job]!;
      const recipe = SERIES[s]!;
      const out = join(discDir, paths[job]!);
      await writeFile(raw, renderSlice(s, i, recipe));
      // gdcmimg: raw 16-bit pixels → a CT Image Storage file (Explicit VR Little Endian).
      await exec('gdcmimg', [
        ...['--size', `${SIZE},${SIZE}`, '--depth', '16', '--pf', '16,12,11', '--sign', '0'],
        ...['-C', CT_IMAGE_STORAGE, '-T', studyUid, '-S', series[s]!.uid, '-i', raw, '-o', out],
      ]);
      // dcmodify: every attribute at once, so each file is rewritten only once.
      const z = -i * SLICE_SPACING_MM;
      const origin = -((SIZE - 1) / 2) * PIXEL_SPACING_MM;
      const attributes: Record<string, string> = {
        SpecificCharacterSet: 'ISO_IR 100',
        ImageType: 'ORIGINAL\\PRIMARY\\AXIAL',
        SOPInstanceUID: uid(`instance-${s + 1}-${i + 1}`),
        StudyDate: DISC_STUDY.date,
        StudyTime: DISC_STUDY.time,
        SeriesDate: DISC_STUDY.date,
        SeriesTime: timeAfter(DISC_STUDY.time, 60 * (s + 1)),
        AcquisitionDate: DISC_STUDY.date,
        AcquisitionTime: timeAfter(DISC_STUDY.time, 60 * (s + 1)),
        ContentDate: DISC_STUDY.date,
        ContentTime: timeAfter(DISC_STUDY.time, 60 * (s + 1)),
        AccessionNumber: DISC_STUDY.accession,
        Modality: 'CT',
        Manufacturer: 'Medvault Bench',
        InstitutionName: DISC_STUDY.institution,
        ReferringPhysicianName: 'HOUSE^GREGORY',
        StudyDescription: DISC_STUDY.description,
        SeriesDescription: recipe.description,
        ManufacturerModelName: 'Synthetic CT',
        PatientName: DISC_PATIENT.name,
        PatientID: DISC_PATIENT.id,
        PatientBirthDate: DISC_PATIENT.birthDate,
        PatientSex: DISC_PATIENT.sex,
        BodyPartExamined: s === 1 ? 'CHEST' : 'CHEST_ABDOMEN',
        SliceThickness: String(SLICE_SPACING_MM),
        KVP: '120',
        ConvolutionKernel: recipe.kernel,
        PatientPosition: 'HFS',
        StudyID: DISC_STUDY.id,
        SeriesNumber: String(s + 1),
        AcquisitionNumber: String(s + 1),
        InstanceNumber: String(i + 1),
        ImagePositionPatient: `${decimal(origin)}\\${decimal(origin)}\\${decimal(z)}`,
        ImageOrientationPatient: '1\\0\\0\\0\\1\\0',
        FrameOfReferenceUID: frameOfReferenceUid,
        PositionReferenceIndicator: '',
        SliceLocation: decimal(z),
        PixelSpacing: `${PIXEL_SPACING_MM}\\${PIXEL_SPACING_MM}`,
        WindowCenter: s === 1 ? '-600' : '40',
        WindowWidth: s === 1 ? '1500' : '400',
        RescaleIntercept: String(-HU_OFFSET),
        RescaleSlope: '1',
        RescaleType: 'HU',
      };
      await exec('dcmodify', [
        '-nb',
        ...Object.entries(attributes).flatMap(([key, value]) => ['-i', `${key}=${value}`]),
        out,
      ]);
      done++;
      if (done % 250 === 0) log(`  ${done} of ${jobs.length} slices (${seconds(performance.now() - started)} s)`);
    }
  };
  await Promise.all(Array.from({ length: lanes }, (_, laneNo) => lane(laneNo)));
  await rm(scratch, { recursive: true, force: true });

  // dcmmkdir, run from the disc root so the ReferencedFileIDs read DICOM\PT000000\…; the files are
  // listed in order (a recursive scan would follow the directory's order). Strict: a missing type 1
  // attribute (-I, the default) or files that disagree on a patient, study or series (-a) fail here.
  const dicomdirStarted = performance.now();
  try {
    await exec(
      'dcmmkdir',
      [
        '--general-purpose',
        '--fileset-id',
        'MEDVAULT_BENCH',
        '--abort-inconsist-file',
        '--output-file',
        'DICOMDIR',
        ...paths,
      ],
      { cwd: discDir, maxBuffer: 64 * 1024 * 1024 },
    );
  } catch (error) {
    throw new Error(`dcmmkdir refused the generated files: ${String(error)}`, { cause: error });
  }
  log(`  DICOMDIR written in ${seconds(performance.now() - dicomdirStarted)} s`);

  const files: DicomDiscFile[] = [];
  for (const path of ['DICOMDIR', ...paths]) {
    const bytes = (await stat(join(discDir, path))).size;
    if (path !== 'DICOMDIR' && bytes < PIXEL_BYTES) throw new Error(`${path} is only ${bytes} bytes`);
    files.push({ path, bytes });
  }
  return {
    version: DICOM_DISC_VERSION,
    discDir,
    files,
    totalBytes: files.reduce((sum, file) => sum + file.bytes, 0),
    slices: paths.length,
    studyInstanceUid: studyUid,
    series,
    patientName: DISC_PATIENT.name,
    patientId: DISC_PATIENT.id,
    generationMs: performance.now() - started,
  };
}

/**
 * One axial slice of a body phantom, as little-endian 16-bit stored values (HU + 1024): an elliptic
 * trunk with a fat rim, lungs in the upper part, a liver below, aorta and spine, the scanner table,
 * and noise. Geometry changes with the slice position; the noise seed differs for every slice.
 */
export function renderSlice(series: number, slice: number, recipe: SeriesRecipe): Buffer {
  const pixels = new Uint16Array(SIZE * SIZE);
  const t = slice / (SLICES_PER_SERIES - 1); // 0 at the shoulders, 1 at the pelvis
  const c = SIZE / 2;
  // Trunk: wider at the shoulders and the hips.
  const trunkA = 200 + 25 * Math.cos(2 * Math.PI * t);
  const trunkB = 135 + 10 * Math.cos(2 * Math.PI * t);
  const fat = 14;
  const lungs = t < 0.45 ? Math.sin((Math.PI * t) / 0.45) : 0; // 0..1, grows then shrinks
  const liver = t > 0.3 && t < 0.65 ? Math.sin((Math.PI * (t - 0.3)) / 0.35) : 0;
  const ellipse = (x: number, y: number, cx: number, cy: number, a: number, b: number) =>
    a > 0 && b > 0 && ((x - cx) / a) ** 2 + ((y - cy) / b) ** 2 <= 1;

  let state = (((series + 1) * 1_000_003 + slice * 7919) ^ 0x9e3779b9) >>> 0 || 1;
  const sigma = recipe.noise / 0.408; // a triangular variate below has a standard deviation of 0.408
  for (let y = 0; y < SIZE; y++) {
    for (let x = 0; x < SIZE; x++) {
      let hu = -1000; // air
      if (y > c + 150 && y < c + 165 && Math.abs(x - c) < 230) hu = 300; // table
      if (ellipse(x, y, c, c, trunkA, trunkB)) {
        hu = ellipse(x, y, c, c, trunkA - fat, trunkB - fat) ? 45 : -100; // muscle/organs, fat rim
        if (lungs > 0) {
          if (ellipse(x, y, c - 80, c - 10, 65 * lungs, 95 * lungs)) hu = -850;
          if (ellipse(x, y, c + 80, c - 10, 65 * lungs, 95 * lungs)) hu = -850;
        }
        if (liver > 0 && ellipse(x, y, c - 70, c - 5, 90 * liver, 75 * liver)) hu = 60 + recipe.contrast / 2;
        if (ellipse(x, y, c, c + 40, 14, 14)) hu = 40 + recipe.contrast; // aorta
        if (ellipse(x, y, c, c + 85, 24, 20)) hu = ellipse(x, y, c, c + 85, 17, 13) ? 250 : 900; // vertebra
      }
      state ^= state << 13;
      state ^= state >>> 17;
      state ^= state << 5;
      const noise = ((state & 0xffff) + (state >>> 16)) / 65536 - 1;
      const stored = Math.round(hu + HU_OFFSET + noise * sigma);
      pixels[y * SIZE + x] = stored < 0 ? 0 : stored > MAX_STORED ? MAX_STORED : stored;
    }
  }
  const bytes = Buffer.from(pixels.buffer, pixels.byteOffset, pixels.byteLength);
  if (endianness() === 'BE') bytes.swap16();
  if (bytes.length !== PIXEL_BYTES) throw new Error('slice size');
  return bytes;
}

/** A UID under the 2.25 root (an integer from a hash of the version and a label): stable per version. */
function uid(label: string): string {
  const digest = createHash('sha256').update(`medvault-bench-dicom-${DICOM_DISC_VERSION}:${label}`).digest('hex');
  return `2.25.${BigInt(`0x${digest.slice(0, 32)}`).toString()}`;
}

function timeAfter(hhmmss: string, addSeconds: number): string {
  const total = Number(hhmmss.slice(0, 2)) * 3600 + Number(hhmmss.slice(2, 4)) * 60 + Number(hhmmss.slice(4, 6));
  const t = total + addSeconds;
  return [Math.floor(t / 3600), Math.floor(t / 60) % 60, t % 60].map((n) => pad(n, 2)).join('');
}

/** A decimal string (DS) without float noise. */
function decimal(value: number): string {
  return String(Math.round(value * 1000) / 1000);
}

function pad(value: number, width: number): string {
  return String(value).padStart(width, '0');
}

function seconds(ms: number): string {
  return (ms / 1000).toFixed(1);
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const log = (line: string) => process.stderr.write(`${line}\n`);
  const { disc, reused } = await ensureDicomDisc(log);
  log(
    `${reused ? 'Reused' : 'Generated'} ${disc.discDir}: ${disc.files.length} files, ${(disc.totalBytes / 1e6).toFixed(1)} MB` +
      ` (generation took ${seconds(disc.generationMs)} s)`,
  );
  if (!process.argv.includes('--keep-corpus')) await rm(dicomDiscRoot(), { recursive: true, force: true });
}
