/**
 * Scanned pages with real words on them, for OCR: a few lines of large text drawn with
 * @napi-rs/canvas, written as PNG, JPEG (with an EXIF orientation when asked) and TIFF (UTIF,
 * several pages in one file), and a PDF that holds only the picture of a page (no text layer).
 */
import { createCanvas, type Canvas } from '@napi-rs/canvas';
import { PDFDocument } from 'pdf-lib';
import UTIF from 'utif2';

/** A white page with the lines in black, turned clockwise by `turn` degrees (as a sheet put in sideways). */
export function textPage(
  lines: string[],
  options: { width?: number; height?: number; turn?: 0 | 90 | 180 | 270 } = {},
) {
  const width = options.width ?? 1000;
  const height = options.height ?? 110 + lines.length * 90;
  const upright = createCanvas(width, height);
  const context = upright.getContext('2d');
  context.fillStyle = '#fff';
  context.fillRect(0, 0, width, height);
  context.fillStyle = '#000';
  context.font = '60px sans-serif';
  lines.forEach((line, index) => context.fillText(line, 50, 110 + index * 90));
  const turn = options.turn ?? 0;
  if (turn === 0) return upright;
  const sideways = turn === 90 || turn === 270;
  const turned = createCanvas(sideways ? height : width, sideways ? width : height);
  const turnedContext = turned.getContext('2d');
  turnedContext.translate(turned.width / 2, turned.height / 2);
  turnedContext.rotate((turn * Math.PI) / 180);
  turnedContext.drawImage(upright, -width / 2, -height / 2);
  return turned;
}

export async function pngOf(canvas: Canvas): Promise<Buffer> {
  return Buffer.from(await canvas.encode('png'));
}

/**
 * A JPEG of the canvas. With `exifOrientation` an EXIF block says how to show it: 6 means "turn
 * 90° clockwise to view", so draw the page with `turn: 270` to get a JPEG that is upright when shown.
 */
export async function jpegOf(canvas: Canvas, exifOrientation?: number): Promise<Buffer> {
  const jpeg = Buffer.from(await canvas.encode('jpeg', 90));
  if (!exifOrientation) return jpeg;
  // A big-endian TIFF header with one IFD entry: Orientation (0x0112), SHORT, 1 value.
  const tiff = Buffer.from([
    0x4d,
    0x4d,
    0x00,
    0x2a,
    0x00,
    0x00,
    0x00,
    0x08,
    0x00,
    0x01,
    0x01,
    0x12,
    0x00,
    0x03,
    0x00,
    0x00,
    0x00,
    0x01,
    0x00,
    exifOrientation,
    0x00,
    0x00,
    0x00,
    0x00,
    0x00,
    0x00,
  ]);
  const body = Buffer.concat([Buffer.from('Exif\0\0', 'latin1'), tiff]);
  const length = Buffer.alloc(2);
  length.writeUInt16BE(body.length + 2);
  return Buffer.concat([jpeg.subarray(0, 2), Buffer.from([0xff, 0xe1]), length, body, jpeg.subarray(2)]);
}

/** One TIFF file holding every canvas as a page (uncompressed RGBA, as UTIF writes). */
export function tiffOf(canvases: Canvas[], dpi = 300): Buffer {
  const pixels = canvases.map((canvas) => canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height).data);
  const ifds = canvases.map((canvas) => ({
    t256: [canvas.width],
    t257: [canvas.height],
    t258: [8, 8, 8, 8],
    t259: [1],
    t262: [2],
    t273: [0], // strip offsets, filled in below once the header's length is known
    t277: [4],
    t278: [canvas.height],
    t279: [canvas.width * canvas.height * 4],
    t282: [[dpi, 1]],
    t283: [[dpi, 1]],
    t284: [1],
    t296: [2],
    t338: [1],
  }));
  const headerLength = () => new Uint8Array(UTIF.encode(ifds as unknown as UTIF.IFD[])).length;
  // The offsets' own digits do not change the header's length: encode once to measure, then for real.
  let offset = headerLength() + 16;
  for (const [index, ifd] of ifds.entries()) {
    ifd.t273 = [offset];
    offset += pixels[index]!.length;
  }
  const header = Buffer.from(UTIF.encode(ifds as unknown as UTIF.IFD[]));
  const start = ifds[0]!.t273[0]!;
  return Buffer.concat([header, Buffer.alloc(start - header.length), ...pixels.map((data) => Buffer.from(data))]);
}

/** A PDF whose one page is only a picture of text (a scan saved as PDF): no text layer. */
export async function imageOnlyPdf(canvas: Canvas): Promise<Buffer> {
  const pdf = await PDFDocument.create();
  const image = await pdf.embedPng(await pngOf(canvas));
  const width = (canvas.width * 72) / 300;
  const height = (canvas.height * 72) / 300;
  pdf.addPage([width, height]).drawImage(image, { x: 0, y: 0, width, height });
  return Buffer.from(await pdf.save());
}
