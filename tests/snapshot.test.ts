/**
 * `medvault snapshot` (issue 6, "Rendering outside the UI"): real DICOM files written by GDCM and
 * DCMTK, compressed by their own tools (dcmcjpeg, dcmcjpls, dcmcrle, gdcmconv, dcmconv), imported
 * with the CLI and rendered by it; each PNG is compared with the snapshot of the uncompressed
 * original and with dcmtk's rendering of the same file and window (dcm2pnm / dcmj2pnm).
 */
import { copyFile, mkdir, readFile, readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import jpeg from 'jpeg-js';
import { PNG } from 'pngjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { VaultDocument } from '../shared/documents';
import { describeRun, parseJson, runCli, type CliResult } from './support/cli';
import { JANE, newUid, tool } from './support/dicomFixtures';
import { tempDir } from './support/fixtures';

const WIDTH = 128;
const HEIGHT = 96;
/** The CT-like image's window and rescale, as a scanner would set them. */
const WINDOW = { center: 1000, width: 2000 };
const INTERCEPT = -1024;

let temp: { path: string; cleanup: () => Promise<void> };
let vaultDir: string;
let sources: string;
let work: string;
let studyId: string;
const studyUid = newUid();

function cli(args: string[]): Promise<CliResult> {
  return runCli([...args, '--vault', vaultDir]);
}

/** A 12-bit CT-like image: a diagonal gradient with a bright square (at `shift` pixels across), as a 16-bit PGM. */
function ctPgm(frame = 0): Buffer {
  const samples = Buffer.alloc(WIDTH * HEIGHT * 2);
  for (let y = 0; y < HEIGHT; y++) {
    for (let x = 0; x < WIDTH; x++) {
      const square = x >= 20 + frame * 20 && x < 50 + frame * 20 && y >= 30 && y < 60;
      samples.writeUInt16BE(square ? 4000 : (x * 24 + y * 8 + frame * 700) % 4096, (y * WIDTH + x) * 2);
    }
  }
  return Buffer.concat([Buffer.from(`P5\n${WIDTH} ${HEIGHT}\n4095\n`, 'ascii'), samples]);
}

/** The same frames as raw little-endian 16-bit samples (the Pixel Data of a multi-frame file). */
function ctFramesRaw(frames: number): Buffer {
  return Buffer.concat(
    Array.from({ length: frames }, (_, frame) => {
      const pgm = ctPgm(frame);
      const body = pgm.subarray(pgm.length - WIDTH * HEIGHT * 2);
      const little = Buffer.alloc(body.length);
      for (let i = 0; i < body.length; i += 2) little.writeUInt16LE(body.readUInt16BE(i), i);
      return little;
    }),
  );
}

/** An 8-bit grey image with the same kind of structure, as a PGM. */
function grayPgm(): Buffer {
  const samples = Buffer.alloc(96 * 64);
  for (let y = 0; y < 64; y++) {
    for (let x = 0; x < 96; x++) samples[y * 96 + x] = x > 30 && x < 60 && y > 20 && y < 40 ? 230 : (x * 2 + y) % 200;
  }
  return Buffer.concat([Buffer.from('P5\n96 64\n255\n', 'ascii'), samples]);
}

/** A colour photograph-like JPEG (what img2dcm wraps, as a secondary capture). */
function colourJpeg(): Buffer {
  const data = Buffer.alloc(96 * 64 * 4);
  for (let y = 0; y < 64; y++) {
    for (let x = 0; x < 96; x++) {
      const i = (y * 96 + x) * 4;
      const square = x > 30 && x < 60 && y > 20 && y < 40;
      data[i] = square ? 250 : x * 2;
      data[i + 1] = square ? 40 : y * 3;
      data[i + 2] = square ? 40 : (x + y) % 256;
      data[i + 3] = 255;
    }
  }
  return Buffer.from(jpeg.encode({ data, width: 96, height: 64 }, 95).data);
}

/** A 256-entry, 16-bit palette lookup table as OW bytes. */
function paletteTable(entry: (index: number) => number): Buffer {
  const table = Buffer.alloc(512);
  for (let i = 0; i < 256; i++) table.writeUInt16LE(entry(i) * 257, i * 2);
  return table;
}

/** Files this study, series and instance number, with a SOP Instance UID of its own (no two are deduplicated). */
async function stamp(path: string, series: number, instance: number, extra: string[] = []): Promise<void> {
  const attributes: Record<string, string> = {
    '(0008,0018)': newUid(),
    '(0008,0020)': '20240102',
    '(0008,0060)': series === 1 || series === 5 ? 'CT' : 'OT',
    '(0008,103E)': `Series ${series}`,
    '(0010,0010)': JANE.name,
    '(0010,0020)': JANE.id,
    '(0020,000D)': studyUid,
    '(0020,000E)': `${studyUid}.${series}`,
    '(0020,0011)': String(series),
    '(0020,0013)': String(instance),
  };
  await tool('dcmodify', [
    '--no-backup',
    ...Object.entries(attributes).flatMap(([tag, value]) => ['-i', `${tag}=${value}`]),
    ...extra,
    path,
  ]);
}

/** The files of the study, by name: where each lands in the viewer's order. */
const FILES = {
  // Series 1: one CT image in every transfer syntax, and as MONOCHROME1.
  ctOriginal: { series: 1, instance: 1, ts: '1.2.840.10008.1.2.1' },
  ctImplicit: { series: 1, instance: 2, ts: '1.2.840.10008.1.2' },
  ctBigEndian: { series: 1, instance: 3, ts: '1.2.840.10008.1.2.2' },
  ctDeflated: { series: 1, instance: 4, ts: '1.2.840.10008.1.2.1.99' },
  ctJpegLossless: { series: 1, instance: 5, ts: '1.2.840.10008.1.2.4.57' },
  ctJpegLosslessSv1: { series: 1, instance: 6, ts: '1.2.840.10008.1.2.4.70' },
  ctJpegLs: { series: 1, instance: 7, ts: '1.2.840.10008.1.2.4.80' },
  ctRle: { series: 1, instance: 8, ts: '1.2.840.10008.1.2.5' },
  ctJpeg2000: { series: 1, instance: 9, ts: '1.2.840.10008.1.2.4.90' },
  ctMonochrome1: { series: 1, instance: 10, ts: '1.2.840.10008.1.2.1' },
  /** A bare data set (no preamble, no meta header), in implicit VR: the importer keeps these too. */
  ctDataSetOnly: { series: 1, instance: 11, ts: '1.2.840.10008.1.2' },
  // Series 2: 8-bit grey, and the same as lossy JPEG baseline.
  grayOriginal: { series: 2, instance: 1, ts: '1.2.840.10008.1.2.1' },
  grayJpegBaseline: { series: 2, instance: 2, ts: '1.2.840.10008.1.2.4.50' },
  grayJpegExtended: { series: 2, instance: 3, ts: '1.2.840.10008.1.2.4.51' },
  // Series 3: colour — JPEG baseline YBR_FULL_422 from img2dcm, decompressed to RGB, RGB as RLE.
  colourJpeg: { series: 3, instance: 1, ts: '1.2.840.10008.1.2.4.50' },
  colourRgb: { series: 3, instance: 2, ts: '1.2.840.10008.1.2.1' },
  colourRle: { series: 3, instance: 3, ts: '1.2.840.10008.1.2.5' },
  // Series 4: palette colour.
  palette: { series: 4, instance: 1, ts: '1.2.840.10008.1.2.1' },
  // Series 5: a three-frame CT, native and compressed.
  multiOriginal: { series: 5, instance: 1, ts: '1.2.840.10008.1.2.1' },
  multiRle: { series: 5, instance: 2, ts: '1.2.840.10008.1.2.5' },
  multiJpegLs: { series: 5, instance: 3, ts: '1.2.840.10008.1.2.4.80' },
  multiJpegLossless: { series: 5, instance: 4, ts: '1.2.840.10008.1.2.4.70' },
  multiJpeg2000: { series: 5, instance: 5, ts: '1.2.840.10008.1.2.4.90' },
  // Series 6: an image instance whose pixels were taken out.
  noPixels: { series: 6, instance: 1, ts: '1.2.840.10008.1.2.1' },
  // Series 7: signed samples (Pixel Representation 1), the CT's values read as 12-bit two's complement.
  signedOriginal: { series: 7, instance: 1, ts: '1.2.840.10008.1.2.1' },
  signedJpegLs: { series: 7, instance: 2, ts: '1.2.840.10008.1.2.4.80' },
  signedRle: { series: 7, instance: 3, ts: '1.2.840.10008.1.2.5' },
  signedJpegLossless: { series: 7, instance: 4, ts: '1.2.840.10008.1.2.4.70' },
  signedJpeg2000: { series: 7, instance: 5, ts: '1.2.840.10008.1.2.4.90' },
  // Series 8: 12-bit lossy JPEG (process 4), which the viewer's 8-bit libjpeg-turbo cannot decode.
  ct12BitJpeg: { series: 8, instance: 1, ts: '1.2.840.10008.1.2.4.51' },
  // Series 9: a header that claims 65535 × 65535 pixels in 1000 frames over 24 KiB of pixel data.
  hugeDimensions: { series: 9, instance: 1, ts: '1.2.840.10008.1.2.1' },
} as const;
type FileName = keyof typeof FILES;
const path = (name: FileName) => join(sources, `${name}.dcm`);

async function makeStudy(): Promise<void> {
  const pgm = join(work, 'ct.pgm');
  await writeFile(pgm, ctPgm());
  const ct = join(work, 'ct.dcm');
  await tool('gdcmimg', ['-C', '1.2.840.10008.5.1.4.1.1.2', '-i', pgm, '-o', ct]);
  await tool('dcmodify', [
    '--no-backup',
    '--write-xfer-little',
    '-i',
    `(0028,1050)=${WINDOW.center}`,
    '-i',
    `(0028,1051)=${WINDOW.width}`,
    '-i',
    `(0028,1052)=${INTERCEPT}`,
    '-i',
    '(0028,1053)=1',
    ct,
  ]);

  // Each derived file is stamped before it is compressed, so the compressed bytes are the tool's.
  const derive = async (name: FileName, from: string, make: (source: string, out: string) => Promise<unknown>) => {
    const source = join(work, `${name}.source.dcm`);
    await copyFile(from, source);
    await stamp(source, FILES[name].series, FILES[name].instance);
    await make(source, path(name));
  };
  const copy = (source: string, out: string) => copyFile(source, out);
  await derive('ctOriginal', ct, copy);
  await derive('ctImplicit', ct, (s, o) => tool('dcmconv', ['+ti', s, o]));
  await derive('ctBigEndian', ct, (s, o) => tool('dcmconv', ['+tb', s, o]));
  await derive('ctDeflated', ct, (s, o) => tool('dcmconv', ['+td', s, o]));
  await derive('ctJpegLossless', ct, (s, o) => tool('dcmcjpeg', ['+el', s, o]));
  await derive('ctJpegLosslessSv1', ct, (s, o) => tool('dcmcjpeg', ['+e1', s, o]));
  await derive('ctJpegLs', ct, (s, o) => tool('dcmcjpls', ['--encode-lossless', s, o]));
  await derive('ctRle', ct, (s, o) => tool('dcmcrle', [s, o]));
  await derive('ctJpeg2000', ct, (s, o) => tool('gdcmconv', ['--j2k', s, o]));
  await derive('ctDataSetOnly', ct, (s, o) => tool('dcmconv', ['+ti', '-F', s, o]));
  await derive('ctMonochrome1', ct, async (s, o) => {
    await tool('dcmodify', ['--no-backup', '-m', '(0028,0004)=MONOCHROME1', s]);
    await copyFile(s, o);
  });

  const grayPgmPath = join(work, 'gray.pgm');
  await writeFile(grayPgmPath, grayPgm());
  const gray = join(work, 'gray.dcm');
  await tool('gdcmimg', ['-C', '1.2.840.10008.5.1.4.1.1.7', '-i', grayPgmPath, '-o', gray]);
  await tool('dcmodify', ['--no-backup', '--write-xfer-little', gray]);
  await derive('grayOriginal', gray, copy);
  await derive('grayJpegBaseline', gray, (s, o) => tool('dcmcjpeg', ['+eb', s, o]));
  await derive('grayJpegExtended', gray, (s, o) => tool('dcmcjpeg', ['+ee', s, o]));

  const jpg = join(work, 'colour.jpg');
  await writeFile(jpg, colourJpeg());
  const colour = join(work, 'colour.dcm');
  await tool('img2dcm', [jpg, colour]);
  await derive('colourJpeg', colour, copy);
  await derive('colourRgb', colour, (s, o) => tool('dcmdjpeg', [s, o]));
  await derive('colourRle', path('colourRgb'), (s, o) => tool('dcmcrle', [s, o]));

  for (const [name, entry] of [
    ['red', (i: number) => i],
    ['green', (i: number) => 255 - i],
    ['blue', (i: number) => (i * 4) % 256],
  ] as const) {
    await writeFile(join(work, `${name}.lut`), paletteTable(entry));
  }
  await derive('palette', gray, async (s, o) => {
    await tool('dcmodify', [
      '--no-backup',
      '-m',
      '(0028,0004)=PALETTE COLOR',
      ...['1101', '1102', '1103'].flatMap((e) => ['-i', `(0028,${e})=256\\0\\16`]),
      ...[
        ['1201', 'red'],
        ['1202', 'green'],
        ['1203', 'blue'],
      ].flatMap(([e, name]) => ['-if', `(0028,${e})=${join(work, `${name}.lut`)}`]),
      s,
    ]);
    await copyFile(s, o);
  });

  const frames = join(work, 'frames.raw');
  await writeFile(frames, ctFramesRaw(3));
  const multi = join(work, 'multi.dcm');
  await copyFile(ct, multi);
  await tool('dcmodify', ['--no-backup', '-i', '(0028,0008)=3', '-if', `(7FE0,0010)=${frames}`, multi]);
  await derive('multiOriginal', multi, copy);
  await derive('multiRle', multi, (s, o) => tool('dcmcrle', [s, o]));
  await derive('multiJpegLs', multi, (s, o) => tool('dcmcjpls', ['--encode-lossless', s, o]));
  await derive('multiJpegLossless', multi, (s, o) => tool('dcmcjpeg', ['+e1', s, o]));
  await derive('multiJpeg2000', multi, (s, o) => tool('gdcmconv', ['--j2k', s, o]));

  await derive('noPixels', ct, async (s, o) => {
    await tool('dcmodify', ['--no-backup', '-e', '(7FE0,0010)', '-e', '(0028,0010)', '-e', '(0028,0011)', s]);
    await copyFile(s, o);
  });

  const signed = join(work, 'signed.dcm');
  await copyFile(ct, signed);
  await tool('dcmodify', ['--no-backup', '-m', '(0028,0103)=1', '-m', '(0028,1052)=0', signed]);
  await derive('signedOriginal', signed, copy);
  await derive('signedJpegLs', signed, (s, o) => tool('dcmcjpls', ['--encode-lossless', s, o]));
  await derive('signedRle', signed, (s, o) => tool('dcmcrle', [s, o]));
  await derive('signedJpegLossless', signed, (s, o) => tool('dcmcjpeg', ['+e1', s, o]));
  await derive('signedJpeg2000', signed, (s, o) => tool('gdcmconv', ['--j2k', s, o]));
  await derive('ct12BitJpeg', ct, (s, o) => tool('dcmcjpeg', ['+ee', s, o]));
  await derive('hugeDimensions', ct, async (s, o) => {
    const size = ['-m', '(0028,0010)=65535', '-m', '(0028,0011)=65535', '-i', '(0028,0008)=1000'];
    await tool('dcmodify', ['--no-backup', ...size, s]);
    await copyFile(s, o);
  });

  // Each file is what its tool wrote, in the transfer syntax it is meant to test.
  for (const name of Object.keys(FILES) as FileName[]) {
    if (name === 'ctDataSetOnly') {
      const bytes = await readFile(path(name));
      expect(bytes.toString('latin1', 128, 132)).not.toBe('DICM');
      expect(bytes.readUInt16LE(0)).toBe(0x0008); // it starts with the data set's first element
      continue;
    }
    const uid = await tool('dcmdump', ['-Un', '+P', '0002,0010', path(name)]);
    expect(uid.match(/\[([\d.]+)\]/)?.[1], name).toBe(FILES[name].ts);
  }
}

/** dcmtk's rendering of `name` to an 8-bit PNG; JPEG-LS and JPEG 2000 are first decompressed by dcmtk and GDCM. */
async function dcmtkPng(name: FileName, options: string[]): Promise<PNG> {
  let source = path(name);
  const ts = FILES[name].ts;
  if (ts === '1.2.840.10008.1.2.4.80') {
    source = join(work, `${name}.dcmdjpls.dcm`);
    await tool('dcmdjpls', [path(name), source]);
  } else if (ts === '1.2.840.10008.1.2.4.90') {
    source = join(work, `${name}.gdcm-raw.dcm`);
    await tool('gdcmconv', ['--raw', path(name), source]);
  }
  const out = join(work, `${name}.${options.join('_').replace(/[^\w]/g, '')}.dcmtk.png`);
  // dcmj2pnm is dcm2pnm with the JPEG and RLE decoders linked in.
  await tool('dcmj2pnm', ['+on', ...options, source, out]);
  return PNG.sync.read(await readFile(out));
}

async function snapshotPng(
  name: FileName,
  extra: string[] = [],
): Promise<{ png: PNG; result: Record<string, unknown> }> {
  const { series, instance } = FILES[name];
  const out = join(temp.path, 'out', `${name}${extra.join('').replace(/[^\w]/g, '')}.png`);
  const result = await cli([
    'snapshot',
    studyId,
    '--series',
    String(series),
    '--instance',
    String(instance),
    ...extra,
    '--out',
    out,
    '--json',
  ]);
  expect(result.code, describeRun(result)).toBe(0);
  return { png: PNG.sync.read(await readFile(out)), result: parseJson<Record<string, unknown>>(result) };
}

/** The largest difference between two RGBA images of the same size, and how many samples differ. */
function compare(a: PNG, b: PNG): { max: number; differing: number; mean: number } {
  expect([a.width, a.height]).toEqual([b.width, b.height]);
  let max = 0;
  let differing = 0;
  let sum = 0;
  for (let i = 0; i < a.data.length; i++) {
    const d = Math.abs(a.data[i]! - b.data[i]!);
    if (d > 0) differing++;
    if (d > max) max = d;
    sum += d;
  }
  return { max, differing, mean: sum / a.data.length };
}

beforeAll(async () => {
  temp = await tempDir('medvault-snapshot-');
  vaultDir = join(temp.path, 'vault');
  sources = join(temp.path, 'study');
  work = join(temp.path, 'work');
  await Promise.all([mkdir(sources, { recursive: true }), mkdir(work), mkdir(join(temp.path, 'out'))]);
  const [init] = await Promise.all([cli(['init', '--json']), makeStudy()]);
  expect(init.code, describeRun(init)).toBe(0);
  const imported = await cli(['import', sources, '--json']);
  expect(imported.code, describeRun(imported)).toBe(0);
  const documents = parseJson<VaultDocument[]>(await cli(['list', '--json']));
  expect(documents.map((d) => d.type)).toEqual(['imaging-study']);
  studyId = documents[0]!.id;
}, 180_000);

afterAll(async () => {
  await temp?.cleanup();
});

describe('medvault snapshot', () => {
  const lossless: FileName[] = [
    'ctImplicit',
    'ctBigEndian',
    'ctDeflated',
    'ctJpegLossless',
    'ctJpegLosslessSv1',
    'ctJpegLs',
    'ctRle',
    'ctJpeg2000',
  ];

  it('renders the uncompressed CT with its own window exactly as dcmtk does', async () => {
    const { png, result } = await snapshotPng('ctOriginal');
    expect(result).toMatchObject({
      documentId: studyId,
      series: 1,
      instance: 1,
      frame: 1,
      frames: 1,
      width: WIDTH,
      height: HEIGHT,
      photometric: 'MONOCHROME2',
      transferSyntax: FILES.ctOriginal.ts,
      window: WINDOW,
    });
    expect(compare(png, await dcmtkPng('ctOriginal', ['+Wi', '1'])).max).toBe(0);
    // The picture has its structure: black below the window, the bright square white.
    expect(png.data[0]).toBe(0);
    expect(png.data[(40 * WIDTH + 45) * 4]).toBe(255);
  });

  it.each(lossless)('renders %s identically to the uncompressed original and to dcmtk', async (name) => {
    const { png, result } = await snapshotPng(name);
    const { png: original } = await snapshotPng('ctOriginal');
    expect(result.transferSyntax).toBe(FILES[name].ts);
    expect(compare(png, original).max).toBe(0);
    expect(compare(png, await dcmtkPng(name, ['+Wi', '1'])).max).toBe(0);
  });

  it('renders a bare data set (no meta header) as dcmtk does', async () => {
    const { png, result } = await snapshotPng('ctDataSetOnly');
    expect(result.transferSyntax).toBe(FILES.ctDataSetOnly.ts);
    const { png: original } = await snapshotPng('ctOriginal');
    expect(compare(png, original).max).toBe(0);
    expect(compare(png, await dcmtkPng('ctDataSetOnly', ['-f', '+Wi', '1'])).max).toBe(0);
  });

  it('applies --window C,W as dcmtk applies +Ww C W', async () => {
    for (const name of ['ctOriginal', 'ctJpegLs', 'ctRle'] as const) {
      const { png, result } = await snapshotPng(name, ['--window', '300,800']);
      expect(result.window).toEqual({ center: 300, width: 800 });
      expect(compare(png, await dcmtkPng(name, ['+Ww', '300', '800'])).max).toBe(0);
    }
  });

  it('inverts MONOCHROME1 as dcmtk does', async () => {
    const { png } = await snapshotPng('ctMonochrome1');
    const { png: original } = await snapshotPng('ctOriginal');
    expect(compare(png, await dcmtkPng('ctMonochrome1', ['+Wi', '1'])).max).toBe(0);
    expect(png.data[0]).toBe(255);
    // The same window run from white to black (the level truncated the other way: within 1 of 255 − original).
    for (let i = 0; i < png.data.length; i += 4)
      expect(Math.abs(png.data[i]! - (255 - original.data[i]!))).toBeLessThanOrEqual(1);
  });

  it('windows an image without a window of its own from its minimum to its maximum (dcmtk +Wm)', async () => {
    const { png, result } = await snapshotPng('grayOriginal');
    expect(result).toMatchObject({ width: 96, height: 64, photometric: 'MONOCHROME2' });
    expect(compare(png, await dcmtkPng('grayOriginal', ['+Wm'])).max).toBe(0);
  });

  it('renders lossy JPEG baseline close to the original and to dcmtk', async () => {
    // A window of 128,256 shows the 8-bit values as they are, so the differences are the codec's.
    const { png } = await snapshotPng('grayJpegBaseline', ['--window', '128,256']);
    const { png: original } = await snapshotPng('grayOriginal', ['--window', '128,256']);
    const toOriginal = compare(png, original);
    expect(toOriginal.mean).toBeLessThan(2);
    expect(toOriginal.max).toBeLessThanOrEqual(24);
    expect(compare(png, await dcmtkPng('grayJpegBaseline', ['+Ww', '128', '256'])).max).toBeLessThanOrEqual(2);
    // And with its default (min/max) window too.
    const { png: byDefault } = await snapshotPng('grayJpegBaseline');
    expect(compare(byDefault, await dcmtkPng('grayJpegBaseline', ['+Wm'])).max).toBeLessThanOrEqual(2);
  });

  it('renders 8-bit JPEG extended (process 2 and 4) with the same codec', async () => {
    const { png, result } = await snapshotPng('grayJpegExtended', ['--window', '128,256']);
    expect(result.transferSyntax).toBe(FILES.grayJpegExtended.ts);
    const { png: original } = await snapshotPng('grayOriginal', ['--window', '128,256']);
    expect(compare(png, original).mean).toBeLessThan(2);
    expect(compare(png, await dcmtkPng('grayJpegExtended', ['+Ww', '128', '256'])).max).toBeLessThanOrEqual(2);
  });

  it('sign-extends signed samples in every syntax as dcmtk does', async () => {
    const { png: original } = await snapshotPng('signedOriginal', ['--window', '0,3000']);
    expect(compare(original, await dcmtkPng('signedOriginal', ['+Ww', '0', '3000'])).max).toBe(0);
    // The bright square (4000 stored) is −96 when signed: darker than the middle of a 0,3000 window.
    expect(original.data[(40 * WIDTH + 45) * 4]).toBeLessThan(127);
    for (const name of ['signedJpegLs', 'signedRle', 'signedJpegLossless', 'signedJpeg2000'] as const) {
      const { png } = await snapshotPng(name, ['--window', '0,3000']);
      expect(compare(png, original).max, name).toBe(0);
      expect(compare(png, await dcmtkPng(name, ['+Ww', '0', '3000'])).max, name).toBe(0);
    }
  });

  it('renders colour: JPEG YBR_FULL_422, its RGB decompression and RLE RGB', async () => {
    // One at a time: each run of the CLI has the vault to itself.
    const { png: fromJpeg, result } = await snapshotPng('colourJpeg');
    const { png: rgb } = await snapshotPng('colourRgb');
    const { png: rle } = await snapshotPng('colourRle');
    expect(result).toMatchObject({ width: 96, height: 64, window: null });
    expect(compare(rgb, await dcmtkPng('colourRgb', [])).max).toBe(0);
    expect(compare(rle, rgb).max).toBe(0);
    // dcmdjpeg decoded the same JPEG with IJG's decoder: the viewer's libjpeg-turbo differs by rounding at most.
    expect(compare(fromJpeg, rgb).max).toBeLessThanOrEqual(2);
    expect(compare(fromJpeg, await dcmtkPng('colourJpeg', [])).max).toBeLessThanOrEqual(2);
    // The red square is red.
    const at = (30 * 96 + 45) * 4;
    expect([...fromJpeg.data.subarray(at, at + 3)].map((v) => Math.round(v / 10))).toEqual([25, 4, 4]);
  });

  it('renders palette colour through its lookup tables as dcmtk does', async () => {
    const { png } = await snapshotPng('palette');
    expect(compare(png, await dcmtkPng('palette', [])).max).toBe(0);
  });

  it('renders each frame of a multi-frame image, compressed or not, as dcmtk renders it', async () => {
    for (const frame of [1, 2, 3]) {
      const { png: original, result } = await snapshotPng('multiOriginal', ['--frame', String(frame)]);
      expect(result).toMatchObject({ frame, frames: 3 });
      expect(compare(original, await dcmtkPng('multiOriginal', ['+F', String(frame), '+Wi', '1'])).max).toBe(0);
      for (const name of ['multiRle', 'multiJpegLs', 'multiJpegLossless', 'multiJpeg2000'] as const) {
        const { png } = await snapshotPng(name, ['--frame', String(frame)]);
        expect(compare(png, original).max, `${name} frame ${frame}`).toBe(0);
      }
    }
    const first = await snapshotPng('multiOriginal', ['--frame', '1']);
    const second = await snapshotPng('multiOriginal', ['--frame', '2']);
    expect(compare(first.png, second.png).max).toBeGreaterThan(0);
    // Eighteen runs of the real command (each unlocks the vault): 45 s on an idle machine.
  }, 180_000);

  it('defaults to series 1, instance 1, frame 1 and writes only the PNG asked for', async () => {
    const out = join(temp.path, 'default', 'key image.png');
    await mkdir(join(temp.path, 'default'));
    const result = await cli(['snapshot', studyId, '--out', out]);
    expect(result.code, describeRun(result)).toBe(0);
    expect(result.stdout).toMatch(
      /^Wrote 128 × 96 pixels \(series 1, instance 1, frame 1 of 1\) to .*key image\.png\.\n$/,
    );
    expect(await readdir(join(temp.path, 'default'))).toEqual(['key image.png']);
    const { png: expected } = await snapshotPng('ctOriginal');
    expect(compare(PNG.sync.read(await readFile(out)), expected).max).toBe(0);
  });

  it('says in one sentence when an instance has no image (exit 1)', async () => {
    const out = join(temp.path, 'out', 'none.png');
    const result = await cli(['snapshot', studyId, '--series', '6', '--out', out]);
    expect(result.code, describeRun(result)).toBe(1);
    expect(result.stderr).toMatch(/^medvault: That instance has no image \(.+\)\.\n$/);
  });

  it('says in one sentence that a 12-bit JPEG cannot be rendered (exit 2)', async () => {
    const result = await cli(['snapshot', studyId, '--series', '8', '--out', join(temp.path, 'out', 'twelve.png')]);
    expect(result.code, describeRun(result)).toBe(2);
    expect(result.stderr).toBe(
      "medvault: That image could not be rendered: it is a 12-bit JPEG, which the viewer's 8-bit JPEG codec does not decode.\n",
    );
    expect(await readdir(join(temp.path, 'out'))).not.toContain('twelve.png');
  });

  it('refuses absurd dimensions in one sentence before allocating anything (exit 2)', async () => {
    const result = await cli(['snapshot', studyId, '--series', '9', '--out', join(temp.path, 'out', 'huge.png')]);
    expect(result.code, describeRun(result)).toBe(2);
    expect(result.stderr).toBe(
      'medvault: That image could not be rendered: its size (65535 × 65535 pixels, 1000 frames) is beyond what Medvault renders.\n',
    );
  });

  it.each([
    [['--series', '10'], /^medvault: This study has 9 series; there is no series 10\.\n$/],
    [['--instance', '12'], /^medvault: Series 1 has 11 instances; there is no instance 12\.\n$/],
    [['--frame', '2'], /^medvault: That instance has 1 frame; there is no frame 2\.\n$/],
    [['--frame', '0'], /^medvault: --frame needs a whole number from 1\.\n$/],
    [['--series', 'two'], /^medvault: --series needs a whole number from 1\.\n$/],
    [['--window', '40'], /^medvault: --window needs a center and a width of at least 1, as C,W \(e\.g\. 40,400\)\.\n$/],
    [['--window', '40,0'], /^medvault: --window needs a center and a width/],
  ])('refuses %j with exit 1 and one sentence', async (args, message) => {
    const result = await cli(['snapshot', studyId, ...args, '--out', join(temp.path, 'out', 'bad.png')]);
    expect(result.code, describeRun(result)).toBe(1);
    expect(result.stderr).toMatch(message);
  });

  it('refuses a missing --out, a non-PNG name, a missing ID and a document that is not a study', async () => {
    const noOut = await cli(['snapshot', studyId]);
    expect(noOut.code).toBe(1);
    expect(noOut.stderr).toMatch(/^medvault: --out FILE\.png is needed\./);
    const notPng = await cli(['snapshot', studyId, '--out', join(temp.path, 'out', 'x.jpg')]);
    expect(notPng.code).toBe(1);
    expect(notPng.stderr).toBe('medvault: --out needs a file name ending in .png.\n');
    const noId = await cli(['snapshot', '--out', join(temp.path, 'out', 'x.png')]);
    expect(noId.code).toBe(1);
    const unknown = await cli(['snapshot', 'zzzzzzzzzzzz', '--out', join(temp.path, 'out', 'x.png')]);
    expect(unknown.code, describeRun(unknown)).toBe(1);
    expect(unknown.stderr.trim().split('\n')).toHaveLength(1);
  });
});
