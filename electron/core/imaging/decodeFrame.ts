/**
 * One frame of a DICOM image, decoded in memory from the file's bytes: the header read with
 * dicom-parser, the frame cut from the pixel data (native, or encapsulated fragments), then the
 * codec for its transfer syntax (see codecs.ts — the viewer's). Nothing is written anywhere.
 */
import { inflateRawSync } from 'node:zlib';
import dicomParser, { type DataSet, type Element } from 'dicom-parser';
import { sniffDicom } from '../import/dicom/parseDicom';
import { decodeJpegLossless, decodeWithWasm, type CodecFrame } from './codecs';
import { decodeRle } from './rle';

export const TS = {
  implicitLittle: '1.2.840.10008.1.2',
  explicitLittle: '1.2.840.10008.1.2.1',
  deflated: '1.2.840.10008.1.2.1.99',
  explicitBig: '1.2.840.10008.1.2.2',
  jpegBaseline: '1.2.840.10008.1.2.4.50',
  jpegExtended: '1.2.840.10008.1.2.4.51',
  jpegLossless: '1.2.840.10008.1.2.4.57',
  jpegLosslessSv1: '1.2.840.10008.1.2.4.70',
  jpegLsLossless: '1.2.840.10008.1.2.4.80',
  jpegLsNearLossless: '1.2.840.10008.1.2.4.81',
  jpeg2000Lossless: '1.2.840.10008.1.2.4.90',
  jpeg2000: '1.2.840.10008.1.2.4.91',
  rle: '1.2.840.10008.1.2.5',
} as const;

const NATIVE = new Set<string>([TS.implicitLittle, TS.explicitLittle, TS.deflated, TS.explicitBig]);
const SUPPORTED = new Set<string>(Object.values(TS));

/** Limits that keep a hostile header from asking for gigabytes. */
export const MAX_DIMENSION = 16384;
export const MAX_FRAME_PIXELS = 64 * 1024 * 1024;
export const MAX_FRAMES = 10000;
export const MAX_INFLATED_BYTES = 1024 * 1024 * 1024;

/** A PALETTE COLOR image's lookup tables, as the file gives them (PS3.3 C.7.6.3.1.5). */
export interface Palette {
  /** Red, green and blue descriptors: [entries (0 means 65536), first mapped value, bits per entry]. */
  descriptor: [number, number, number];
  red: Uint16Array;
  green: Uint16Array;
  blue: Uint16Array;
}

export interface DecodedFrame {
  rows: number;
  columns: number;
  samplesPerPixel: number;
  photometric: string;
  bitsAllocated: number;
  bitsStored: number;
  pixelRepresentation: number;
  planarConfiguration: number;
  /** Stored values, sign-extended or masked to Bits Stored; colour as laid out by planarConfiguration. */
  pixels: Int16Array | Uint16Array | Uint8Array | Int8Array;
  rescaleSlope: number;
  rescaleIntercept: number;
  /** The first of the file's windows, if it has one. */
  windowCenter: number | null;
  windowWidth: number | null;
  palette: Palette | null;
  frames: number;
  frame: number;
  transferSyntax: string;
}

/** Why a file cannot be rendered, in one sentence for the patient. `noImage`: the instance has no pixels at all. */
export class ImageDecodeError extends Error {
  constructor(
    message: string,
    readonly noImage = false,
  ) {
    super(message);
    this.name = 'ImageDecodeError';
  }
}

/** Decodes frame `frame` (0-based) of the DICOM file in `bytes`. */
export async function decodeFrame(bytes: Buffer, frame: number): Promise<DecodedFrame> {
  const { dataSet, transferSyntax } = parse(bytes);
  const pixelElement = dataSet.elements.x7fe00010;
  const rows = dataSet.uint16('x00280010') ?? 0;
  const columns = dataSet.uint16('x00280011') ?? 0;
  if (!pixelElement || rows === 0 || columns === 0) {
    throw new ImageDecodeError('it has no pixel data', true);
  }
  if (!SUPPORTED.has(transferSyntax)) {
    throw new ImageDecodeError(`its transfer syntax ${transferSyntax} is not one Medvault can decode`);
  }
  const samplesPerPixel = dataSet.uint16('x00280002') ?? 1;
  const bitsAllocated = dataSet.uint16('x00280100') ?? 0;
  const bitsStored = dataSet.uint16('x00280101') ?? bitsAllocated;
  const pixelRepresentation = dataSet.uint16('x00280103') ?? 0;
  const planarConfiguration = samplesPerPixel > 1 ? (dataSet.uint16('x00280006') ?? 0) : 0;
  const photometric = (dataSet.string('x00280004') ?? (samplesPerPixel === 3 ? 'RGB' : 'MONOCHROME2')).trim();
  const frames = Math.max(1, dataSet.intString('x00280008') ?? 1);

  if (rows > MAX_DIMENSION || columns > MAX_DIMENSION || rows * columns > MAX_FRAME_PIXELS || frames > MAX_FRAMES) {
    throw new ImageDecodeError(
      `its size (${columns} × ${rows} pixels, ${frames} frames) is beyond what Medvault renders`,
    );
  }
  if (samplesPerPixel !== 1 && samplesPerPixel !== 3) {
    throw new ImageDecodeError(`it has ${samplesPerPixel} samples per pixel`);
  }
  if (bitsAllocated !== 8 && bitsAllocated !== 16) {
    throw new ImageDecodeError(`it has ${bitsAllocated} bits allocated per sample (8 and 16 are supported)`);
  }
  if (bitsStored < 1 || bitsStored > bitsAllocated) throw new ImageDecodeError('its Bits Stored is not valid');
  if (!Number.isInteger(frame) || frame < 0 || frame >= frames) {
    throw new ImageDecodeError(`it has ${frames} frame${frames === 1 ? '' : 's'}, not a frame ${frame + 1}`);
  }

  const layout = { rows, columns, samplesPerPixel, bitsAllocated, planarConfiguration };
  const frameSamples = rows * columns * samplesPerPixel;
  const bytesPerSample = bitsAllocated / 8;
  let native: Uint8Array; // little-endian samples
  let photometricOut = photometric;
  let planarOut = planarConfiguration;

  try {
    if (NATIVE.has(transferSyntax)) {
      if (pixelElement.encapsulatedPixelData)
        throw new ImageDecodeError('its pixel data is encapsulated in a native transfer syntax');
      const frameBytes = frameSamples * bytesPerSample;
      const start = pixelElement.dataOffset + frame * frameBytes;
      if (start + frameBytes > Math.min(dataSet.byteArray.length, pixelElement.dataOffset + pixelElement.length)) {
        throw new ImageDecodeError('its pixel data is shorter than its rows, columns and frames say');
      }
      native = dataSet.byteArray.subarray(start, start + frameBytes);
      if (transferSyntax === TS.explicitBig && bytesPerSample === 2) native = swap16(native);
    } else {
      const encoded = encapsulatedFrame(dataSet, pixelElement, frame, frames);
      switch (transferSyntax) {
        case TS.rle:
          native = decodeRle(encoded, layout);
          break;
        case TS.jpegLossless:
        case TS.jpegLosslessSv1:
          native = decodeJpegLossless(encoded, bytesPerSample as 1 | 2);
          break;
        case TS.jpegBaseline:
        case TS.jpegExtended: {
          if (bitsStored > 8) {
            throw new ImageDecodeError("it is a 12-bit JPEG, which the viewer's 8-bit JPEG codec does not decode");
          }
          const decoded = checked(await decodeWithWasm('jpeg', encoded), layout);
          native = decoded.bytes;
          // libjpeg-turbo hands back RGB for colour, whatever the header's YBR says.
          if (samplesPerPixel === 3) [photometricOut, planarOut] = ['RGB', 0];
          break;
        }
        case TS.jpegLsLossless:
        case TS.jpegLsNearLossless:
          native = checked(await decodeWithWasm('jpegls', encoded), layout).bytes;
          break;
        default: {
          const decoded = checked(await decodeWithWasm('j2k', encoded), layout);
          native = decoded.bytes;
          // OpenJPEG undoes the colour transform (YBR_RCT / YBR_ICT) into RGB, pixel by pixel.
          if (samplesPerPixel === 3)
            [photometricOut, planarOut] = [photometric.startsWith('YBR_') ? 'RGB' : photometric, 0];
        }
      }
    }
  } catch (error) {
    if (error instanceof ImageDecodeError) throw error;
    throw new ImageDecodeError(
      `its ${describeSyntax(transferSyntax)} pixel data could not be decoded (${firstLine(error)})`,
    );
  }

  if (native.length < frameSamples * bytesPerSample) {
    throw new ImageDecodeError('its decoded frame is smaller than its rows and columns say');
  }
  const pixels = samples(native, frameSamples, bitsAllocated, bitsStored, pixelRepresentation);
  const [windowCenter, windowWidth] = [dataSet.floatString('x00281050'), dataSet.floatString('x00281051')];
  return {
    rows,
    columns,
    samplesPerPixel,
    photometric: photometricOut,
    bitsAllocated,
    bitsStored,
    pixelRepresentation,
    planarConfiguration: planarOut,
    pixels,
    rescaleSlope: finite(dataSet.floatString('x00281053')) ?? 1,
    rescaleIntercept: finite(dataSet.floatString('x00281052')) ?? 0,
    windowCenter: finite(windowCenter) ?? null,
    windowWidth: finite(windowWidth) ?? null,
    palette: photometricOut === 'PALETTE COLOR' ? readPalette(dataSet) : null,
    frames,
    frame,
    transferSyntax,
  };
}

/**
 * Reads the data set, in whichever layout the importer accepted (see `sniffDicom`): Part 10, a
 * meta header without the preamble, or a bare data set whose transfer syntax is told by its bytes.
 */
function parse(bytes: Buffer): { dataSet: DataSet; transferSyntax: string } {
  const layout = sniffDicom(bytes.subarray(0, 4096));
  let input: Buffer = bytes;
  let assumed: string | undefined;
  if (layout === 'meta-without-preamble')
    input = Buffer.concat([Buffer.alloc(128), Buffer.from('DICM', 'latin1'), bytes]);
  else if (layout === 'dataset-explicit') assumed = TS.explicitLittle;
  else if (layout === 'dataset-implicit') assumed = TS.implicitLittle;
  else if (layout === 'dataset-big-endian') assumed = TS.explicitBig;
  let dataSet: DataSet;
  try {
    dataSet = dicomParser.parseDicom(input, {
      TransferSyntaxUID: assumed,
      inflater: (array: Uint8Array, position: number) => {
        const deflated = Buffer.from(array.buffer, array.byteOffset + position, array.byteLength - position);
        const inflated = inflateRawSync(deflated, { maxOutputLength: MAX_INFLATED_BYTES });
        const full = Buffer.alloc(position + inflated.length);
        Buffer.from(array.buffer, array.byteOffset, position).copy(full, 0);
        inflated.copy(full, position);
        return full;
      },
    });
  } catch (error) {
    throw new ImageDecodeError(`it could not be read as DICOM (${firstLine(error)})`);
  }
  const transferSyntax = (dataSet.string('x00020010') ?? assumed ?? TS.implicitLittle).replace(/\0/g, '').trim();
  return { dataSet, transferSyntax };
}

/**
 * The compressed bytes of one frame: by the Basic Offset Table when there is one, else one
 * fragment per frame when the counts match, else all fragments for a single frame, else (JPEG)
 * by finding where each frame's fragments start.
 */
function encapsulatedFrame(dataSet: DataSet, element: Element, frame: number, frames: number): Uint8Array {
  if (!element.encapsulatedPixelData) throw new ImageDecodeError('its compressed pixel data is not encapsulated');
  const fragments = element.fragments ?? [];
  if (fragments.length === 0) throw new ImageDecodeError('its compressed pixel data has no fragments');
  const table = element.basicOffsetTable ?? [];
  if (table.length > 0) return dicomParser.readEncapsulatedImageFrame(dataSet, element, frame);
  if (frames === 1) return dicomParser.readEncapsulatedPixelDataFromFragments(dataSet, element, 0, fragments.length);
  if (fragments.length === frames)
    return dicomParser.readEncapsulatedPixelDataFromFragments(dataSet, element, frame, 1);
  const jpegTable = dicomParser.createJPEGBasicOffsetTable(dataSet, element);
  return dicomParser.readEncapsulatedImageFrame(dataSet, element, frame, jpegTable);
}

/** The codec's frame must be the image the header describes. */
function checked(decoded: CodecFrame, layout: { rows: number; columns: number; samplesPerPixel: number }): CodecFrame {
  if (decoded.width !== layout.columns || decoded.height !== layout.rows) {
    throw new ImageDecodeError(
      `its compressed frame is ${decoded.width} × ${decoded.height} pixels where the header says ${layout.columns} × ${layout.rows}`,
    );
  }
  if (decoded.componentCount !== layout.samplesPerPixel) {
    throw new ImageDecodeError(
      `its compressed frame has ${decoded.componentCount} components where the header says ${layout.samplesPerPixel}`,
    );
  }
  return decoded;
}

function swap16(bytes: Uint8Array): Uint8Array {
  const out = new Uint8Array(bytes.length);
  for (let i = 0; i + 1 < bytes.length; i += 2) {
    out[i] = bytes[i + 1]!;
    out[i + 1] = bytes[i]!;
  }
  return out;
}

/** Little-endian sample bytes → values: signed ones sign-extended from Bits Stored, unsigned ones masked to it. */
export function samples(
  bytes: Uint8Array,
  count: number,
  bitsAllocated: number,
  bitsStored: number,
  pixelRepresentation: number,
): Int16Array | Uint16Array | Uint8Array | Int8Array {
  const signed = pixelRepresentation === 1;
  const out =
    bitsAllocated === 8
      ? signed
        ? new Int8Array(count)
        : new Uint8Array(count)
      : signed
        ? new Int16Array(count)
        : new Uint16Array(count);
  const mask = bitsStored >= 32 ? 0xffffffff : (1 << bitsStored) - 1;
  const shift = 32 - bitsStored;
  for (let i = 0; i < count; i++) {
    const raw = bitsAllocated === 8 ? bytes[i]! : bytes[i * 2]! | (bytes[i * 2 + 1]! << 8);
    out[i] = signed ? (raw << shift) >> shift : raw & mask;
  }
  return out;
}

function readPalette(dataSet: DataSet): Palette {
  const descriptor = (tag: string): [number, number, number] => {
    const element = dataSet.elements[tag];
    if (!element || element.length < 6)
      throw new ImageDecodeError('it is PALETTE COLOR without a lookup table descriptor');
    // US or SS by the value of the pixels; the first mapped value is read as the pixels are.
    const entries = dataSet.uint16(tag, 0) ?? 0;
    return [entries === 0 ? 65536 : entries, dataSet.uint16(tag, 1) ?? 0, dataSet.uint16(tag, 2) ?? 16];
  };
  const red = descriptor('x00281101');
  const table = (tag: string, [entries, , bits]: [number, number, number]): Uint16Array => {
    const element = dataSet.elements[tag];
    if (!element)
      throw new ImageDecodeError(
        'it is PALETTE COLOR without its lookup table data (segmented palettes are not supported)',
      );
    const out = new Uint16Array(entries);
    const bytes = dataSet.byteArray;
    const packed8 = bits === 8 && element.length === entries; // some writers pack 8-bit entries into bytes
    for (let i = 0; i < entries; i++) {
      if (packed8) out[i] = bytes[element.dataOffset + i] ?? 0;
      else if (i * 2 + 1 < element.length) out[i] = dataSet.uint16(tag, i) ?? 0;
    }
    return out;
  };
  return {
    descriptor: red,
    red: table('x00281201', red),
    green: table('x00281202', descriptor('x00281102')),
    blue: table('x00281203', descriptor('x00281103')),
  };
}

function finite(value: number | undefined): number | undefined {
  return value !== undefined && Number.isFinite(value) ? value : undefined;
}

function firstLine(error: unknown): string {
  const text = error instanceof Error ? error.message : String(error);
  return text.split('\n')[0]!.slice(0, 200);
}

function describeSyntax(uid: string): string {
  switch (uid) {
    case TS.rle:
      return 'RLE';
    case TS.jpegLossless:
    case TS.jpegLosslessSv1:
      return 'JPEG lossless';
    case TS.jpegBaseline:
    case TS.jpegExtended:
      return 'JPEG';
    case TS.jpegLsLossless:
    case TS.jpegLsNearLossless:
      return 'JPEG-LS';
    case TS.jpeg2000:
    case TS.jpeg2000Lossless:
      return 'JPEG 2000';
    default:
      return 'native';
  }
}
