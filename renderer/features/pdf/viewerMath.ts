/** The viewer's arithmetic: zoom steps and fits, which pages to draw, where a page sits. Pure. */

/** pdf.js's CSS pixels per PDF point: at 100 % a page is as large on screen as on paper. */
export const CSS_UNITS = 96 / 72;

export const ZOOM_STEPS = [0.25, 0.33, 0.5, 0.67, 0.75, 0.8, 0.9, 1, 1.1, 1.25, 1.5, 1.75, 2, 2.5, 3, 4, 5] as const;
export const MIN_ZOOM: number = ZOOM_STEPS[0];
export const MAX_ZOOM: number = ZOOM_STEPS[ZOOM_STEPS.length - 1]!;

export type ZoomMode = 'fit-width' | 'fit-page' | 'custom';

export function clampZoom(zoom: number): number {
  return Math.min(MAX_ZOOM, Math.max(MIN_ZOOM, zoom));
}

/** The next step above the zoom (a fitted zoom between steps goes to the step above it). */
export function zoomIn(zoom: number): number {
  return ZOOM_STEPS.find((step) => step > zoom + 0.005) ?? MAX_ZOOM;
}

export function zoomOut(zoom: number): number {
  return [...ZOOM_STEPS].reverse().find((step) => step < zoom - 0.005) ?? MIN_ZOOM;
}

export interface Size {
  width: number;
  height: number;
}

/** A page's size in PDF points as drawn: its own /Rotate and the viewer's quarter turns applied. */
export function turnedSize(size: Size, rotation: number): Size {
  return rotation % 180 === 0 ? size : { width: size.height, height: size.width };
}

/**
 * The zoom (1 = 100 %) that fits a page of `page` points into `box` CSS pixels, leaving `margin`
 * pixels on each side; by width only, or whole.
 */
export function fitZoom(mode: 'fit-width' | 'fit-page', page: Size, box: Size, margin = 16): number {
  const width = Math.max(1, box.width - 2 * margin) / (page.width * CSS_UNITS);
  if (mode === 'fit-width') return clampZoom(width);
  const height = Math.max(1, box.height - 2 * margin) / (page.height * CSS_UNITS);
  return clampZoom(Math.min(width, height));
}

/**
 * The pages to draw: those at least partly visible and `margin` pages either side, as a first and
 * last page number (1-based, inclusive). Nothing visible yet: the first pages.
 */
export function renderWindow(
  visible: Iterable<number>,
  pageCount: number,
  margin = 1,
): { first: number; last: number } {
  let low = Infinity;
  let high = -Infinity;
  for (const page of visible) {
    if (page < 1 || page > pageCount) continue;
    low = Math.min(low, page);
    high = Math.max(high, page);
  }
  if (low === Infinity) return { first: 1, last: Math.min(pageCount, 1 + margin) };
  return { first: Math.max(1, low - margin), last: Math.min(pageCount, high + margin) };
}

/** The page the reader is on: the one showing most of itself (ties: the earlier one). */
export function currentPage(visibleRatios: ReadonlyMap<number, number>, fallback: number): number {
  let best = fallback;
  let bestRatio = 0;
  for (const [page, ratio] of visibleRatios) {
    if (ratio > bestRatio || (ratio === bestRatio && ratio > 0 && page < best)) {
      best = page;
      bestRatio = ratio;
    }
  }
  return best;
}

/** What the page box shows, typed by the reader: a whole page number in range, else null. */
export function parsePageInput(text: string, pageCount: number): number | null {
  const value = Number(text.trim());
  return Number.isInteger(value) && value >= 1 && value <= pageCount ? value : null;
}

/** Canvas pixels per CSS pixel: the screen's ratio, lowered so one page never passes `maxPixels`. */
export function outputScale(cssWidth: number, cssHeight: number, pixelRatio: number, maxPixels = 16 * 1024 * 1024) {
  const area = Math.max(1, cssWidth * cssHeight);
  return Math.min(pixelRatio, Math.sqrt(maxPixels / area));
}

/** How large an image is drawn: fitted into the box (never enlarged past 100 %), or a zoom. */
export function imageZoom(mode: 'fit' | number, image: Size, box: Size, margin = 16): number {
  if (mode !== 'fit') return clampZoom(mode);
  const fit = Math.min((box.width - 2 * margin) / image.width, (box.height - 2 * margin) / image.height);
  // A 600 dpi scan may need less than the smallest step to fit; it is still shown whole.
  return Math.max(0.01, Math.min(1, fit));
}
