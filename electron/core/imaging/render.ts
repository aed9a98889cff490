/**
 * From decoded samples to 8-bit RGBA, as a radiologist's viewer shows them: the modality LUT
 * (rescale slope and intercept), the VOI window (PS3.3 C.11.2.1.2.1, the linear function),
 * MONOCHROME1 inverted, and colour (RGB, YBR_FULL, YBR_FULL_422, PALETTE COLOR) turned into RGB.
 * Pure functions: no I/O.
 */
import type { DecodedFrame, Palette } from './decodeFrame';

export interface Window {
  center: number;
  width: number;
}

export interface RenderOptions {
  /** Overrides the file's window; width must be at least 1. */
  window?: Window;
}

export interface Rendered {
  width: number;
  height: number;
  /** width × height × 4 bytes, rows top to bottom. */
  rgba: Uint8Array;
  /** The window applied to a monochrome image (null for colour without --window). */
  window: Window | null;
}

/** The modality LUT as a linear rescale: stored value → output units (Hounsfield units for CT). */
export function rescale(value: number, slope: number, intercept: number): number {
  return value * slope + intercept;
}

/**
 * The VOI linear function (PS3.3 C.11.2.1.2.1) into 0..255: below the window black, above white,
 * between a straight line through the center. `inverted` (MONOCHROME1) runs the line from white
 * to black. The level is truncated, not rounded, as dcmtk does, so a snapshot matches dcmtk's
 * rendering of the same window exactly.
 */
export function applyWindow(value: number, window: Window, inverted = false): number {
  const { center, width } = window;
  let level: number;
  if (width <= 1) {
    level = value < center - 0.5 ? 0 : 255; // PS3.3: a width of 1 is a threshold
  } else {
    const low = center - 0.5 - (width - 1) / 2;
    const high = center - 0.5 + (width - 1) / 2;
    // ((x - (c - 0.5)) / (w - 1) + 0.5) × 255, written as dcmtk computes it: exact where the level is whole.
    level = value <= low ? 0 : value > high ? 255 : Math.min(255, ((value - low) * 255) / (width - 1));
  }
  return Math.floor(inverted ? 255 - level : level);
}

/**
 * The window that spans a frame's values from min to max (what dcmtk's `+Wm` computes), so the
 * darkest value renders black and the brightest white.
 */
export function minMaxWindow(min: number, max: number): Window {
  return { center: (min + max + 1) / 2, width: Math.max(1, max - min + 1) };
}

/** YCbCr (full range, ITU-R BT.601 as DICOM's YBR_FULL) to RGB, clamped to 0..255. */
export function ybrToRgb(y: number, cb: number, cr: number): [number, number, number] {
  const clamp = (v: number) => Math.max(0, Math.min(255, Math.round(v)));
  return [
    clamp(y + 1.402 * (cr - 128)),
    clamp(y - 0.344136 * (cb - 128) - 0.714136 * (cr - 128)),
    clamp(y + 1.772 * (cb - 128)),
  ];
}

/** Renders one decoded frame to RGBA. */
export function renderToRgba(frame: DecodedFrame, options: RenderOptions = {}): Rendered {
  const { rows, columns } = frame;
  const pixels = rows * columns;
  const rgba = new Uint8Array(pixels * 4);
  const photometric = frame.photometric;

  if (photometric === 'MONOCHROME1' || photometric === 'MONOCHROME2') {
    const values = new Float64Array(pixels);
    let min = Infinity;
    let max = -Infinity;
    for (let i = 0; i < pixels; i++) {
      const value = rescale(frame.pixels[i]!, frame.rescaleSlope, frame.rescaleIntercept);
      values[i] = value;
      if (value < min) min = value;
      if (value > max) max = value;
    }
    const window =
      options.window ??
      (frame.windowCenter !== null && frame.windowWidth !== null && frame.windowWidth >= 1
        ? { center: frame.windowCenter, width: frame.windowWidth }
        : minMaxWindow(min, max));
    const invert = photometric === 'MONOCHROME1';
    for (let i = 0; i < pixels; i++) {
      const shown = applyWindow(values[i]!, window, invert);
      rgba[i * 4] = shown;
      rgba[i * 4 + 1] = shown;
      rgba[i * 4 + 2] = shown;
      rgba[i * 4 + 3] = 255;
    }
    return { width: columns, height: rows, rgba, window };
  }

  const rgb = colourToRgb(frame);
  const window = options.window ?? null;
  for (let i = 0; i < pixels; i++) {
    for (let c = 0; c < 3; c++) {
      const value = rgb[i * 3 + c]!;
      rgba[i * 4 + c] = window ? applyWindow(value, window) : value;
    }
    rgba[i * 4 + 3] = 255;
  }
  return { width: columns, height: rows, rgba, window };
}

/** Colour samples as interleaved 8-bit RGB. */
function colourToRgb(frame: DecodedFrame): Uint8Array {
  const pixels = frame.rows * frame.columns;
  const out = new Uint8Array(pixels * 3);
  const { photometric } = frame;
  if (photometric === 'PALETTE COLOR') {
    const palette = frame.palette;
    if (!palette) throw new RangeError('a PALETTE COLOR image without its lookup tables');
    for (let i = 0; i < pixels; i++) {
      const [r, g, b] = paletteLookup(frame.pixels[i]!, palette);
      out[i * 3] = r;
      out[i * 3 + 1] = g;
      out[i * 3 + 2] = b;
    }
    return out;
  }
  if (frame.samplesPerPixel !== 3) throw new RangeError(`photometric interpretation ${photometric} is not supported`);
  // Samples wider than 8 bits are brought down to 8 by their stored depth.
  const shift = Math.max(0, frame.bitsStored - 8);
  const sample = (pixel: number, component: number) =>
    frame.pixels[frame.planarConfiguration === 1 ? component * pixels + pixel : pixel * 3 + component]! >> shift;
  const ybr = photometric === 'YBR_FULL' || photometric === 'YBR_FULL_422';
  if (!ybr && photometric !== 'RGB' && photometric !== 'YBR_RCT' && photometric !== 'YBR_ICT') {
    throw new RangeError(`photometric interpretation ${photometric} is not supported`);
  }
  for (let i = 0; i < pixels; i++) {
    const a = sample(i, 0);
    const b = sample(i, 1);
    const c = sample(i, 2);
    const [r, g, bl] = ybr ? ybrToRgb(a, b, c) : [a, b, c];
    out[i * 3] = r;
    out[i * 3 + 1] = g;
    out[i * 3 + 2] = bl;
  }
  return out;
}

/** One stored value through the palette (PS3.3 C.7.6.3.1.5): below the first mapped value the first entry, above the last the last. */
export function paletteLookup(value: number, palette: Palette): [number, number, number] {
  const [, first, bits] = palette.descriptor;
  const entries = palette.red.length;
  const index = Math.max(0, Math.min(entries - 1, value - first));
  const to8 = (entry: number) => (bits > 8 ? entry >> 8 : entry) & 0xff;
  return [to8(palette.red[index]!), to8(palette.green[index]!), to8(palette.blue[index]!)];
}
