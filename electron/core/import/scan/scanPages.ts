/**
 * Scanned pages from image files: JPEG (kept as it is, with its EXIF orientation), PNG (kept as it
 * is) and TIFF (every page, converted to PNG: a PDF cannot hold TIFF). Everything stays in memory.
 */
import { createCanvas } from '@napi-rs/canvas';
import UTIF from 'utif2';
import { sniffMediaType } from '../files/sniff';

export type Rotation = 0 | 90 | 180 | 270;

export interface ScanPage {
  /**
   * What goes into the PDF: JPEG or PNG bytes, never re-encoded when they already are one. A page
   * only to be read (not put in a PDF) may stay a TIFF: `bytes` is then the whole file, `tiffPage` the page.
   */
  format: 'jpeg' | 'png' | 'tiff';
  bytes: Buffer;
  tiffPage?: number;
  /** Pixel size as stored (before any rotation). */
  width: number;
  height: number;
  /** Pixels per inch, when the file says. */
  dpi: { x: number; y: number } | null;
  /** Clockwise turn that makes the stored pixels upright, from the file itself (EXIF, TIFF Orientation). */
  fileRotation: Rotation;
}

/** Why a page could not be read, in words for the report (the caller names the page). */
export class PageReadError extends Error {}

/** Pages beyond this in one TIFF are refused: a scan is not a stack of thousands of sheets. */
const MAX_TIFF_PAGES = 500;
/** Larger images are refused before decoding (a 600 dpi A3 sheet is ~70 megapixels). */
const MAX_PIXELS = 120_000_000;

/** The pages of an image file; with `forPdf: false` a TIFF's pages are not converted (only read, by OCR). */
export async function readScanImage(
  bytes: Buffer,
  name: string,
  { forPdf = true }: { forPdf?: boolean } = {},
): Promise<ScanPage[]> {
  switch (sniffMediaType(name, bytes.subarray(0, 4096))) {
    case 'image/jpeg':
      return [readJpeg(bytes)];
    case 'image/png':
      return [readPng(bytes)];
    case 'image/tiff':
      return readTiff(bytes, forPdf);
    default:
      throw new PageReadError('it is not a JPEG, PNG or TIFF image');
  }
}

/** How many pages a TIFF holds, from its directories only (no pixels decoded). */
export function tiffPageCount(bytes: Buffer): number {
  try {
    return tiffPages(UTIF.decode(toArrayBuffer(bytes))).length;
  } catch {
    return 0;
  }
}

// ---- JPEG ---------------------------------------------------------------------------------------

function readJpeg(bytes: Buffer): ScanPage {
  let offset = 2;
  let dpi: ScanPage['dpi'] = null;
  let fileRotation: Rotation = 0;
  while (offset + 4 <= bytes.length) {
    if (bytes[offset] !== 0xff) throw new PageReadError('the JPEG image is damaged (its header is not valid)');
    const marker = bytes[offset + 1]!;
    if (marker === 0xff) {
      offset++;
      continue;
    }
    const length = bytes.readUInt16BE(offset + 2);
    const body = bytes.subarray(offset + 4, offset + 2 + length);
    if (marker === 0xe0 && body.toString('latin1', 0, 5) === 'JFIF\0' && body.length >= 12) {
      const unit = body[7];
      const x = body.readUInt16BE(8);
      const y = body.readUInt16BE(10);
      if (unit === 1 || unit === 2) dpi = usableDpi(unit === 2 ? x * 2.54 : x, unit === 2 ? y * 2.54 : y);
    } else if (marker === 0xe1 && body.toString('latin1', 0, 6) === 'Exif\0\0') {
      fileRotation = exifRotation(body.subarray(6));
    } else if (marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc) {
      if (body.length < 5) break;
      const height = body.readUInt16BE(1);
      const width = body.readUInt16BE(3);
      if (width === 0 || height === 0) throw new PageReadError('the JPEG image declares no pixels');
      if (body[5] !== 1 && body[5] !== 3) {
        // CMYK JPEGs come out inverted in most PDF readers without a Decode array: not worth the risk.
        throw new PageReadError('the JPEG image is in CMYK colours, which Medvault does not read');
      }
      return { format: 'jpeg', bytes, width, height, dpi, fileRotation };
    } else if (marker === 0xd9 || marker === 0xda) break;
    offset += 2 + length;
  }
  throw new PageReadError('the JPEG image is damaged (it has no image frame)');
}

/** The EXIF Orientation tag as a clockwise turn; mirrored orientations are read as the nearest turn. */
function exifRotation(tiff: Buffer): Rotation {
  if (tiff.length < 8) return 0;
  const little = tiff.toString('latin1', 0, 2) === 'II';
  const read16 = (at: number) => (little ? tiff.readUInt16LE(at) : tiff.readUInt16BE(at));
  const read32 = (at: number) => (little ? tiff.readUInt32LE(at) : tiff.readUInt32BE(at));
  const ifd = read32(4);
  if (ifd + 2 > tiff.length) return 0;
  const count = read16(ifd);
  for (let i = 0; i < count; i++) {
    const entry = ifd + 2 + i * 12;
    if (entry + 12 > tiff.length) return 0;
    if (read16(entry) === 0x0112) return orientationToRotation(read16(entry + 8));
  }
  return 0;
}

/** TIFF/EXIF Orientation (1–8) → the clockwise turn that makes the image upright. */
function orientationToRotation(orientation: number): Rotation {
  switch (orientation) {
    case 3:
    case 4:
      return 180;
    case 5:
    case 6:
      return 90;
    case 7:
    case 8:
      return 270;
    default:
      return 0;
  }
}

// ---- PNG ----------------------------------------------------------------------------------------

function readPng(bytes: Buffer): ScanPage {
  if (bytes.length < 33 || bytes.toString('latin1', 12, 16) !== 'IHDR') {
    throw new PageReadError('the PNG image is damaged (its header chunk is missing)');
  }
  const width = bytes.readUInt32BE(16);
  const height = bytes.readUInt32BE(20);
  if (width === 0 || height === 0) throw new PageReadError('the PNG image declares no pixels');
  if (width * height > MAX_PIXELS) throw new PageReadError('the image is too large to be a scanned page');
  if (!bytes.includes('IEND')) throw new PageReadError('the PNG image is cut short');
  let dpi: ScanPage['dpi'] = null;
  let offset = 8;
  while (offset + 12 <= bytes.length) {
    const length = bytes.readUInt32BE(offset);
    const type = bytes.toString('latin1', offset + 4, offset + 8);
    if (type === 'pHYs' && length >= 9 && bytes[offset + 16] === 1) {
      // Pixels per metre.
      dpi = usableDpi(bytes.readUInt32BE(offset + 8) * 0.0254, bytes.readUInt32BE(offset + 12) * 0.0254);
    }
    if (type === 'IDAT' || type === 'IEND') break;
    offset += 12 + length;
  }
  return { format: 'png', bytes, width, height, dpi, fileRotation: 0 };
}

// ---- TIFF ---------------------------------------------------------------------------------------

type Ifd = UTIF.IFD;

function tiffPages(ifds: Ifd[]): Ifd[] {
  // Thumbnails and masks (NewSubfileType bit 0 or 2) are not pages.
  return ifds.filter((ifd) => ifd.t256 && ifd.t257 && ((first(ifd.t254) ?? 0) & 0b101) === 0);
}

async function readTiff(bytes: Buffer, forPdf: boolean): Promise<ScanPage[]> {
  const buffer = toArrayBuffer(bytes);
  let pages: Ifd[];
  try {
    pages = tiffPages(UTIF.decode(buffer));
  } catch (error) {
    throw new PageReadError(`the TIFF image is damaged (${describe(error)})`);
  }
  if (pages.length === 0) throw new PageReadError('the TIFF image has no pages');
  if (pages.length > MAX_TIFF_PAGES) throw new PageReadError(`the TIFF image has over ${MAX_TIFF_PAGES} pages`);
  const result: ScanPage[] = [];
  for (const [index, ifd] of pages.entries()) {
    const width = first(ifd.t256) ?? 0;
    const height = first(ifd.t257) ?? 0;
    if (width * height > MAX_PIXELS) throw new PageReadError('the image is too large to be a scanned page');
    const unit = first(ifd.t296) ?? 2;
    const x = rational(ifd.t282);
    const y = rational(ifd.t283) ?? x;
    const factor = unit === 3 ? 2.54 : unit === 2 ? 1 : 0;
    const dpi = x && y && factor ? usableDpi(x * factor, y * factor) : null;
    const fileRotation = orientationToRotation(first(ifd.t274) ?? 1);
    if (!forPdf) {
      // Decoded where it is read, in the page image worker: nothing to convert here.
      result.push({ format: 'tiff', bytes, tiffPage: index, width, height, dpi, fileRotation });
      continue;
    }
    let rgba: Uint8Array;
    try {
      UTIF.decodeImage(buffer, ifd);
      rgba = UTIF.toRGBA8(ifd);
    } catch (error) {
      throw new PageReadError(`the TIFF image is damaged (${describe(error)})`);
    }
    if (!ifd.width || !ifd.height || rgba.length < ifd.width * ifd.height * 4) {
      throw new PageReadError('the TIFF image is damaged (a page has no pixels)');
    }
    const canvas = createCanvas(ifd.width, ifd.height);
    const context = canvas.getContext('2d');
    const image = context.createImageData(ifd.width, ifd.height);
    image.data.set(rgba.subarray(0, ifd.width * ifd.height * 4));
    context.putImageData(image, 0, 0);
    // Encoded off the main thread (libuv pool); lossless, as the scan was.
    const png = Buffer.from(await canvas.encode('png'));
    ifd.data = new Uint8Array(0); // the decoded pixels of one page are let go before the next
    result.push({ format: 'png', bytes: png, width: ifd.width, height: ifd.height, dpi, fileRotation });
  }
  return result;
}

function first(tag: unknown): number | undefined {
  return Array.isArray(tag) && typeof tag[0] === 'number' ? tag[0] : undefined;
}

/** A TIFF RATIONAL as UTIF gives it: `[n]` or `[[numerator, denominator]]`. */
function rational(tag: unknown): number | null {
  if (!Array.isArray(tag) || tag.length === 0) return null;
  const value: unknown = tag[0];
  if (typeof value === 'number') return value;
  if (Array.isArray(value) && typeof value[0] === 'number' && typeof value[1] === 'number' && value[1] !== 0) {
    return value[0] / value[1];
  }
  return null;
}

// ---- common -------------------------------------------------------------------------------------

/** A resolution is believed only within what scanners produce; 72 dpi is most often "unknown". */
function usableDpi(x: number, y: number): ScanPage['dpi'] {
  if (!(x >= 75 && x <= 2400 && y >= 75 && y <= 2400)) return null;
  return { x, y };
}

function toArrayBuffer(bytes: Buffer): ArrayBuffer {
  // A file read whole has a buffer of its own: no need to copy megabytes (UTIF only reads it).
  if (bytes.byteOffset === 0 && bytes.byteLength === bytes.buffer.byteLength) return bytes.buffer as ArrayBuffer;
  return bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.length) as ArrayBuffer;
}

function describe(error: unknown): string {
  return String((error as Error)?.message ?? error).replace(/\.$/, '') || 'unknown error';
}
