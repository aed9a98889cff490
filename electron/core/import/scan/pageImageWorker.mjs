/**
 * Runs inside a worker thread: decodes a scanned page (JPEG or PNG) with pure-JavaScript
 * decoders — a damaged image can only throw, never crash the process (a native decoder can) —
 * and turns, scales and greys it into a PGM image in memory, the form tesseract reads fastest.
 * Plain JavaScript, started as is (like pdfTextWorker.mjs).
 *
 * Message: { id, format: 'jpeg'|'png'|'tiff', bytes, tiffPage, turn: 0|90|180|270, maxSide }
 *   → { id, ok: true, pgm, width, height, scale, light } | { id, ok: false, message }
 * `light` is the share of light pixels and `smooth` the share of pixels close to their left
 * neighbour: paper is mostly light and smooth; a photo is seldom light, noise is never smooth.
 */
import { parentPort } from 'node:worker_threads';
import jpeg from 'jpeg-js';
import { PNG } from 'pngjs';
import UTIF from 'utif2';

function decode(format, bytes, tiffPage) {
  if (format === 'tiff') {
    const buffer = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength);
    // The same pages as scanPages.ts counts: thumbnails and masks (NewSubfileType bits 0, 2) left out.
    const pages = UTIF.decode(buffer).filter((ifd) => ifd.t256 && ifd.t257 && ((ifd.t254?.[0] ?? 0) & 0b101) === 0);
    const ifd = pages[tiffPage];
    if (!ifd) throw new Error('the TIFF page is missing');
    UTIF.decodeImage(buffer, ifd);
    return { width: ifd.width, height: ifd.height, data: UTIF.toRGBA8(ifd) };
  }
  if (format === 'jpeg') {
    return jpeg.decode(bytes, {
      useTArray: true,
      formatAsRGBA: true,
      tolerantDecoding: true, // a scan cut short still shows what it has
      maxResolutionInMP: 150,
      maxMemoryUsageInMB: 2048,
    });
  }
  return PNG.sync.read(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength));
}

function prepare({ format, bytes, tiffPage, turn, maxSide }) {
  const { width, height, data } = decode(format, bytes, tiffPage);
  if (!width || !height || data.length < width * height * 4) throw new Error('the image has no pixels');
  const scale = Math.min(1, maxSide / Math.max(width, height));
  const sw = Math.max(1, Math.round(width * scale));
  const sh = Math.max(1, Math.round(height * scale));
  const sideways = turn === 90 || turn === 270;
  const outWidth = sideways ? sh : sw;
  const outHeight = sideways ? sw : sh;
  const header = Buffer.from(`P5\n${outWidth} ${outHeight}\n255\n`, 'latin1');
  const pgm = new Uint8Array(header.length + outWidth * outHeight);
  pgm.set(header, 0);
  let at = header.length;
  let light = 0;
  let smooth = 0;
  for (let y = 0; y < outHeight; y++) {
    for (let x = 0; x < outWidth; x++) {
      // (u, v): where this pixel of the turned page is on the scaled, unturned one.
      let u = x;
      let v = y;
      if (turn === 90) ((u = y), (v = sh - 1 - x));
      else if (turn === 180) ((u = sw - 1 - x), (v = sh - 1 - y));
      else if (turn === 270) ((u = sw - 1 - y), (v = x));
      const sx = Math.min(width - 1, Math.floor(u / scale));
      const sy = Math.min(height - 1, Math.floor(v / scale));
      const i = (sy * width + sx) * 4;
      const alpha = data[i + 3] / 255;
      const grey = (data[i] * 299 + data[i + 1] * 587 + data[i + 2] * 114) / 1000;
      const value = Math.round(grey * alpha + 255 * (1 - alpha)); // transparent is white paper
      if (value >= 160) light++;
      if (x > 0 && Math.abs(value - pgm[at - 1]) <= 24) smooth++;
      pgm[at++] = value;
    }
  }
  const pixels = outWidth * outHeight;
  return { pgm, width: outWidth, height: outHeight, scale, light: light / pixels, smooth: smooth / pixels };
}

parentPort?.on('message', (request) => {
  try {
    const result = prepare(request);
    parentPort.postMessage({ id: request.id, ok: true, ...result }, [result.pgm.buffer]);
  } catch (error) {
    parentPort.postMessage({ id: request.id, ok: false, message: String(error?.message ?? error) });
  }
});
