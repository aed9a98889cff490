/**
 * The pixel math behind `medvault snapshot` (electron/core/imaging): windowing, colour, palettes,
 * RLE and sample unpacking, on values worked out by hand from PS3.3 and PS3.5.
 */
import { describe, expect, it } from 'vitest';
import { samples, type DecodedFrame } from '../electron/core/imaging/decodeFrame';
import {
  applyWindow,
  minMaxWindow,
  paletteLookup,
  renderToRgba,
  rescale,
  ybrToRgb,
} from '../electron/core/imaging/render';
import { decodeRle, unpackBits } from '../electron/core/imaging/rle';

function frame(overrides: Partial<DecodedFrame>): DecodedFrame {
  return {
    rows: 1,
    columns: 4,
    samplesPerPixel: 1,
    photometric: 'MONOCHROME2',
    bitsAllocated: 16,
    bitsStored: 12,
    pixelRepresentation: 0,
    planarConfiguration: 0,
    pixels: new Uint16Array([0, 1000, 2000, 4000]),
    rescaleSlope: 1,
    rescaleIntercept: 0,
    windowCenter: null,
    windowWidth: null,
    palette: null,
    frames: 1,
    frame: 0,
    transferSyntax: '1.2.840.10008.1.2.1',
    ...overrides,
  };
}

describe('the VOI linear function (PS3.3 C.11.2.1.2.1)', () => {
  it('is black at and below the bottom of the window, white above its top, linear between', () => {
    const window = { center: 40, width: 400 }; // a CT soft-tissue window: from -160 to 239
    expect(applyWindow(-1000, window)).toBe(0);
    expect(applyWindow(-160, window)).toBe(0);
    expect(applyWindow(240, window)).toBe(255);
    // The center maps to the middle: ((40 - 39.5) / 399 + 0.5) × 255 = 127.82 → 127 (truncated, as dcmtk).
    expect(applyWindow(40, window)).toBe(127);
    expect(applyWindow(239, window)).toBe(255);
    expect(applyWindow(238, window)).toBe(254); // 398 × 255 / 399 = 254.36
  });

  it('runs from white to black for MONOCHROME1', () => {
    const window = { center: 40, width: 400 };
    expect(applyWindow(-1000, window, true)).toBe(255);
    expect(applyWindow(240, window, true)).toBe(0);
    expect(applyWindow(40, window, true)).toBe(127); // 255 − 127.82 = 127.18 → 127
  });

  it('treats a width of 1 as a threshold', () => {
    expect(applyWindow(99, { center: 100, width: 1 })).toBe(0);
    expect(applyWindow(100, { center: 100, width: 1 })).toBe(255);
  });

  it('min/max window maps the smallest value to black and the largest to white', () => {
    const window = minMaxWindow(-1024, 3071);
    expect(applyWindow(-1024, window)).toBe(0);
    expect(applyWindow(3071, window)).toBe(255);
  });

  it('rescales stored values to output units first', () => {
    expect(rescale(1000, 1, -1024)).toBe(-24);
    expect(rescale(10, 2.5, 0)).toBe(25);
  });
});

describe('renderToRgba', () => {
  it("uses the file's window, else the frame's min and max, and --window over both", () => {
    const image = frame({ windowCenter: 1000, windowWidth: 2000 });
    expect(renderToRgba(image).window).toEqual({ center: 1000, width: 2000 });
    expect([...renderToRgba(frame({})).rgba.filter((_, i) => i % 4 === 0)]).toEqual([0, 63, 127, 255]);
    expect(renderToRgba(image, { window: { center: 2000, width: 2 } }).rgba[4 * 3]).toBe(255);
  });

  it('applies the rescale before the window (a CT window is in Hounsfield units)', () => {
    const ct = frame({ rescaleIntercept: -1024, windowCenter: 40, windowWidth: 400, pixels: new Uint16Array([1064]) });
    expect(renderToRgba({ ...ct, columns: 1 }).rgba[0]).toBe(127);
  });

  it('turns YBR_FULL into RGB and reads planar configuration 1 plane by plane', () => {
    expect(ybrToRgb(128, 128, 128)).toEqual([128, 128, 128]);
    expect(ybrToRgb(76, 85, 255)).toEqual([254, 0, 0]);
    const planar = frame({
      columns: 2,
      samplesPerPixel: 3,
      photometric: 'RGB',
      bitsAllocated: 8,
      bitsStored: 8,
      planarConfiguration: 1,
      pixels: new Uint8Array([255, 0, 10, 20, 30, 40]), // R R G G B B
    });
    expect([...renderToRgba(planar).rgba]).toEqual([255, 10, 30, 255, 0, 20, 40, 255]);
  });

  it('looks palette colour up, clamping values outside the table', () => {
    const palette = {
      descriptor: [3, 10, 16] as [number, number, number],
      red: new Uint16Array([0x0000, 0x8000, 0xffff]),
      green: new Uint16Array([0xffff, 0x8000, 0x0000]),
      blue: new Uint16Array([0x1000, 0x2000, 0x3000]),
    };
    expect(paletteLookup(10, palette)).toEqual([0, 255, 16]);
    expect(paletteLookup(11, palette)).toEqual([128, 128, 32]);
    expect(paletteLookup(2, palette)).toEqual([0, 255, 16]);
    expect(paletteLookup(99, palette)).toEqual([255, 0, 48]);
  });
});

describe('RLE (PS3.5 Annex G)', () => {
  it('unpacks PackBits literal runs, repeats and the -128 no-op', () => {
    const out = new Uint8Array(8);
    unpackBits(new Uint8Array([2, 1, 2, 3, 0x80, 0xfd, 9]), out); // copy 3, no-op, repeat 4
    expect([...out]).toEqual([1, 2, 3, 9, 9, 9, 9, 0]);
  });

  it('puts the high-byte segment before the low-byte one for 16-bit samples', () => {
    const header = Buffer.alloc(64);
    header.writeUInt32LE(2, 0);
    header.writeUInt32LE(64, 4);
    header.writeUInt32LE(67, 8);
    const high = [1, 0x01, 0x02]; // literal of 2: 0x01, 0x02
    const low = [0xff, 0x34]; // repeat 0x34 twice
    const encoded = Uint8Array.from([...header, ...high, ...low]);
    const decoded = decodeRle(encoded, {
      rows: 1,
      columns: 2,
      samplesPerPixel: 1,
      bitsAllocated: 16,
      planarConfiguration: 0,
    });
    expect([...samples(decoded, 2, 16, 16, 0)]).toEqual([0x0134, 0x0234]);
  });
});

describe('samples', () => {
  it('sign-extends signed values from Bits Stored and masks unsigned ones to it', () => {
    const bytes = Uint8Array.from([0xff, 0x0f, 0x00, 0x08, 0x01, 0xf0]); // 0x0fff, 0x0800, 0xf001
    expect([...samples(bytes, 3, 16, 12, 1)]).toEqual([-1, -2048, 1]);
    expect([...samples(bytes, 3, 16, 12, 0)]).toEqual([0x0fff, 0x0800, 0x001]);
    expect([...samples(Uint8Array.from([0xfe]), 1, 8, 8, 1)]).toEqual([-2]);
  });
});
