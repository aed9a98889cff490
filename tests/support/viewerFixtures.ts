/**
 * A study for the DICOM viewer's tests: one series per transfer syntax and photometric
 * interpretation a hospital disc may hold, all of pictures with structure (a diagonal gradient and
 * a bright square off-centre, so a blank, garbled, flipped or shifted image shows), written by
 * gdcm and transcoded by dcmtk; with dcmtk's own rendering (`dcm2pnm`) of each to compare against.
 */
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { JANE, INSTITUTION, newUid, tool, type Patient } from './dicomFixtures';

export const VIEWER_SIZE = 128;
/** The square: rows 32–63, columns 64–95 (block-aligned for 16-pixel blocks). */
const SQUARE = { top: 32, bottom: 64, left: 64, right: 96 };

export type BaseKind = 'mono16' | 'mono8' | 'rgb8';

export interface ViewerVariant {
  /** The series description, shown in the viewer. */
  label: string;
  base: BaseKind;
  /** Made from the base file: the transcoding (null: the base as is). */
  make: ((source: string, target: string) => Promise<void>) | null;
  /** JPEG lossy: compared with a tolerance. */
  lossy?: boolean;
  frames?: number;
}

export interface ViewerFile {
  variant: ViewerVariant;
  path: string;
  seriesNumber: number;
  /** dcmtk's rendering with the file's window (PGM or PPM), for the first frame shown. */
  expected: string | null;
}

export interface ViewerStudy {
  dir: string;
  patient: Patient;
  studyDate: string;
  description: string;
  files: ViewerFile[];
  /** The stack series: `stackLength` instances, the square moving down one row-block per slice. */
  stackLength: number;
}

function sampleValue(kind: BaseKind, x: number, y: number, shift = 0): number {
  const inSquare = y >= SQUARE.top + shift && y < SQUARE.bottom + shift && x >= SQUARE.left && x < SQUARE.right;
  if (kind === 'mono16') return inSquare ? 4000 : x * 12 + y * 8;
  return inSquare ? 250 : Math.round(x * 0.75 + y * 0.5);
}

/** The base picture as a PNM file for gdcmimg (16-bit samples are big-endian in PGM). */
function pnm(kind: BaseKind, height = VIEWER_SIZE, frames = 1): Buffer {
  const width = VIEWER_SIZE;
  if (kind === 'rgb8') {
    const samples = Buffer.alloc(width * height * 3);
    for (let y = 0; y < height; y++)
      for (let x = 0; x < width; x++) {
        const inSquare = y >= SQUARE.top && y < SQUARE.bottom && x >= SQUARE.left && x < SQUARE.right;
        const at = (y * width + x) * 3;
        samples[at] = inSquare ? 250 : x * 2;
        samples[at + 1] = inSquare ? 240 : y * 2;
        samples[at + 2] = inSquare ? 30 : 90;
      }
    return Buffer.concat([Buffer.from(`P6\n${width} ${height}\n255\n`), samples]);
  }
  const wide = kind === 'mono16';
  const samples = Buffer.alloc(width * height * (wide ? 2 : 1));
  const frameHeight = height / frames;
  for (let y = 0; y < height; y++)
    for (let x = 0; x < width; x++) {
      // Each frame of a multi-frame picture has its square 8 rows lower than the one before.
      const frame = Math.floor(y / frameHeight);
      const value = sampleValue(kind, x, y % frameHeight, frame * 8);
      if (wide) samples.writeUInt16BE(value, (y * width + x) * 2);
      else samples[y * width + x] = value;
    }
  return Buffer.concat([Buffer.from(`P5\n${width} ${height}\n${wide ? 4095 : 255}\n`), samples]);
}

const STUDY_DATE = '20240312';

async function writeBase(
  path: string,
  kind: BaseKind,
  attributes: Record<string, string>,
  options: { frames?: number; stackShift?: number } = {},
): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  const frames = options.frames ?? 1;
  const source = `${path}.source.${kind === 'rgb8' ? 'ppm' : 'pgm'}`;
  let picture = pnm(kind, VIEWER_SIZE * frames, frames);
  if (options.stackShift !== undefined) {
    // A stack slice: the square lower by `stackShift` rows.
    const samples = Buffer.alloc(VIEWER_SIZE * VIEWER_SIZE * 2);
    for (let y = 0; y < VIEWER_SIZE; y++)
      for (let x = 0; x < VIEWER_SIZE; x++)
        samples.writeUInt16BE(sampleValue('mono16', x, y, options.stackShift), (y * VIEWER_SIZE + x) * 2);
    picture = Buffer.concat([Buffer.from(`P5\n${VIEWER_SIZE} ${VIEWER_SIZE}\n4095\n`), samples]);
  }
  await writeFile(source, picture);
  try {
    await tool('gdcmimg', ['-C', '1.2.840.10008.5.1.4.1.1.7', '-i', source, '-o', path]);
  } finally {
    await rm(source, { force: true });
  }
  const all: Record<string, string> = {
    '(0008,0020)': STUDY_DATE,
    '(0008,0030)': '093000',
    '(0008,0060)': kind === 'rgb8' ? 'XC' : 'CT',
    '(0008,0080)': INSTITUTION,
    '(0008,1030)': 'Viewer test study',
    '(0010,0010)': JANE.name,
    '(0010,0020)': JANE.id,
    '(0028,0030)': '0.5\\0.5',
    ...(kind === 'rgb8' ? {} : kind === 'mono16' ? { '(0028,1050)': '2048', '(0028,1051)': '4096' } : {}),
    ...(kind === 'mono8' ? { '(0028,1050)': '128', '(0028,1051)': '256' } : {}),
    ...(frames > 1 ? { '(0028,0008)': String(frames), '(0028,0010)': String(VIEWER_SIZE) } : {}),
    ...attributes,
  };
  await tool('dcmodify', [
    '--no-backup',
    '--write-xfer-little',
    ...Object.entries(all).flatMap(([tag, value]) => ['-i', `${tag}=${value}`]),
    path,
  ]);
}

const dcmconv = (flag: string) => (source: string, target: string) =>
  tool('dcmconv', [flag, source, target]).then(() => undefined);

/** The series of the study, in series-number order. */
export const VIEWER_VARIANTS: ViewerVariant[] = [
  { label: 'Explicit VR little endian', base: 'mono16', make: null },
  { label: 'Implicit VR little endian', base: 'mono16', make: dcmconv('+ti') },
  { label: 'Explicit VR big endian', base: 'mono16', make: dcmconv('+tb') },
  { label: 'Deflated explicit VR', base: 'mono16', make: dcmconv('+td') },
  {
    label: 'JPEG baseline',
    base: 'mono8',
    lossy: true,
    make: (s, t) => tool('dcmcjpeg', ['+eb', '+q', '95', s, t]).then(() => undefined),
  },
  {
    label: 'JPEG extended 12-bit',
    base: 'mono16',
    lossy: true,
    make: (s, t) => tool('dcmcjpeg', ['+ee', '+q', '95', s, t]).then(() => undefined),
  },
  { label: 'JPEG lossless', base: 'mono16', make: (s, t) => tool('dcmcjpeg', ['+e1', s, t]).then(() => undefined) },
  { label: 'JPEG-LS lossless', base: 'mono16', make: (s, t) => tool('dcmcjpls', [s, t]).then(() => undefined) },
  {
    label: 'JPEG 2000 lossless',
    base: 'mono16',
    make: (s, t) => tool('gdcmconv', ['--j2k', s, t]).then(() => undefined),
  },
  { label: 'RLE lossless', base: 'mono16', make: (s, t) => tool('dcmcrle', [s, t]).then(() => undefined) },
  {
    label: 'MONOCHROME1',
    base: 'mono16',
    make: async (s, t) => {
      await writeFile(t, await readFile(s));
      await tool('dcmodify', ['--no-backup', '-m', '(0028,0004)=MONOCHROME1', t]);
    },
  },
  { label: 'RGB', base: 'rgb8', make: null },
  {
    label: 'YBR_FULL_422 JPEG',
    base: 'rgb8',
    lossy: true,
    make: (s, t) => tool('dcmcjpeg', ['+eb', '+q', '95', '+cy', '+s2', s, t]).then(() => undefined),
  },
  {
    label: 'Palette color',
    base: 'mono8',
    make: async (s, t) => {
      // A 256-entry palette of 16-bit entries: red rises, green falls, blue is the value's top bit.
      const lut = (entry: (index: number) => number) => {
        const data = Buffer.alloc(512);
        for (let index = 0; index < 256; index++) data.writeUInt16LE(entry(index) * 257, index * 2);
        return data;
      };
      const dir = dirname(s);
      const tables = { red: lut((i) => i), green: lut((i) => 255 - i), blue: lut((i) => (i >= 128 ? 255 : 0)) };
      for (const [name, data] of Object.entries(tables)) await writeFile(join(dir, `palette-${name}.lut`), data);
      await writeFile(t, await readFile(s));
      await tool('dcmodify', [
        '--no-backup',
        '-m',
        '(0028,0004)=PALETTE COLOR',
        '-e',
        '(0028,1050)',
        '-e',
        '(0028,1051)',
        '-i',
        '(0028,1101)=256\\0\\16',
        '-i',
        '(0028,1102)=256\\0\\16',
        '-i',
        '(0028,1103)=256\\0\\16',
        '-if',
        `(0028,1201)=${join(dir, 'palette-red.lut')}`,
        '-if',
        `(0028,1202)=${join(dir, 'palette-green.lut')}`,
        '-if',
        `(0028,1203)=${join(dir, 'palette-blue.lut')}`,
        t,
      ]);
    },
  },
  { label: 'Multi-frame cine', base: 'mono8', make: null, frames: 4 },
];

export const STACK_LABEL = 'Stack';
export const TRIMMED_LABEL = 'Trimmed';

/** Writes the study into `dir` (one folder, one file per instance) and dcmtk's renderings next to it. */
export async function makeViewerStudy(dir: string, stackLength = 12): Promise<ViewerStudy> {
  const study = newUid();
  const files: ViewerFile[] = [];
  const common = (seriesNumber: number, label: string, instanceNumber = 1) => ({
    '(0020,000D)': study,
    '(0020,000E)': `${study}.${seriesNumber}`,
    '(0020,0011)': String(seriesNumber),
    '(0008,103E)': label,
    '(0008,0018)': newUid(),
    '(0020,0013)': String(instanceNumber),
  });
  const work = VIEWER_VARIANTS.map(async (variant, index) => {
    const seriesNumber = index + 1;
    const path = join(dir, 'study', `S${String(seriesNumber).padStart(2, '0')}.dcm`);
    const base = variant.make ? join(dir, 'base', `S${seriesNumber}.dcm`) : path;
    await writeBase(base, variant.base, common(seriesNumber, variant.label), { frames: variant.frames });
    if (variant.make) {
      await mkdir(dirname(path), { recursive: true });
      await variant.make(base, path);
    }
    const color = variant.base === 'rgb8' || variant.label === 'Palette color';
    const expected = join(dir, 'expected', `S${seriesNumber}.${color ? 'ppm' : 'pgm'}`);
    await mkdir(dirname(expected), { recursive: true });
    // dcmtk's rendering of the same file with its own window (the viewer opens with it), frame 1 of
    // a cine: dcmj2pnm reads uncompressed, deflated, JPEG and RLE, dcml2pnm JPEG-LS. dcmtk has no
    // JPEG 2000 decoder: that lossless copy is compared with dcmtk's rendering of its source.
    const window = color ? [] : ['+Wi', '1'];
    const renderer = variant.label.startsWith('JPEG-LS') ? 'dcml2pnm' : 'dcmj2pnm';
    const rendered = variant.label.startsWith('JPEG 2000') ? base : path;
    await tool(renderer, [...window, '+op', rendered, expected]);
    files.push({ variant, path, seriesNumber, expected });
  });
  await Promise.all(work);
  files.sort((a, b) => a.seriesNumber - b.seriesNumber);

  const stackSeries = VIEWER_VARIANTS.length + 1;
  await Promise.all(
    Array.from({ length: stackLength }, (_, slice) =>
      writeBase(
        join(dir, 'study', `STACK${String(slice + 1).padStart(3, '0')}.dcm`),
        'mono16',
        common(stackSeries, STACK_LABEL, slice + 1),
        { stackShift: slice * 4 - 24 },
      ),
    ),
  );

  // A trimmed series: one instance whose pixels and size were removed (no image: a placeholder),
  // one that still says it has pixels but lost them (it cannot be decoded: one sentence).
  const trimmedSeries = stackSeries + 1;
  for (const [instance, erase] of [
    [1, ['(7FE0,0010)', '(0028,0010)', '(0028,0011)']],
    [2, ['(7FE0,0010)']],
  ] as const) {
    const path = join(dir, 'study', `TRIM${instance}.dcm`);
    await writeBase(path, 'mono16', common(trimmedSeries, TRIMMED_LABEL, instance));
    await tool('dcmodify', ['--no-backup', ...erase.flatMap((tag) => ['-e', tag]), path]);
  }
  await rm(join(dir, 'base'), { recursive: true, force: true });
  return {
    dir: join(dir, 'study'),
    patient: JANE,
    studyDate: '2024-03-12',
    description: 'Viewer test study',
    files,
    stackLength,
  };
}

export interface Pnm {
  width: number;
  height: number;
  channels: 1 | 3;
  /** 8-bit samples, row by row. */
  samples: Uint8Array;
}

/** Reads a binary PGM (P5) or PPM (P6) of 8-bit samples, as `dcm2pnm +on` writes. */
export async function readPnm(path: string): Promise<Pnm> {
  const bytes = await readFile(path);
  const header = /^(P[56])\s+(\d+)\s+(\d+)\s+(\d+)\s/.exec(bytes.subarray(0, 64).toString('latin1'));
  if (!header) throw new Error(`${path} is not a binary PNM`);
  const channels = header[1] === 'P6' ? 3 : 1;
  return {
    width: Number(header[2]),
    height: Number(header[3]),
    channels,
    samples: new Uint8Array(bytes.subarray(header[0].length)),
  };
}

/**
 * Means of an 8×8 grid of blocks (per channel), each block's inner half only (edges blur when the
 * viewer scales): what the tests compare between the canvas and dcmtk's rendering.
 */
export function blockMeans(pnm: Pnm, grid = 8): number[] {
  const means: number[] = [];
  const block = pnm.width / grid;
  for (let by = 0; by < grid; by++)
    for (let bx = 0; bx < grid; bx++)
      for (let channel = 0; channel < pnm.channels; channel++) {
        let sum = 0;
        let count = 0;
        for (let y = Math.floor(by * block + block / 4); y < Math.ceil((by + 1) * block - block / 4); y++)
          for (let x = Math.floor(bx * block + block / 4); x < Math.ceil((bx + 1) * block - block / 4); x++) {
            sum += pnm.samples[(y * pnm.width + x) * pnm.channels + channel]!;
            count++;
          }
        means.push(sum / count);
      }
  return means;
}
