import { describe, expect, it } from 'vitest';
import {
  CSS_UNITS,
  currentPage,
  fitZoom,
  imageZoom,
  MAX_ZOOM,
  MIN_ZOOM,
  outputScale,
  parsePageInput,
  renderWindow,
  turnedSize,
  zoomIn,
  zoomOut,
} from './viewerMath';

describe('zoom', () => {
  it('steps up and down through the steps, from a fitted zoom to the next step', () => {
    expect(zoomIn(1)).toBe(1.1);
    expect(zoomOut(1)).toBe(0.9);
    expect(zoomIn(1.03)).toBe(1.1);
    expect(zoomOut(1.03)).toBe(1);
    expect(zoomIn(MAX_ZOOM)).toBe(MAX_ZOOM);
    expect(zoomOut(MIN_ZOOM)).toBe(MIN_ZOOM);
  });

  it('fits a letter page to the width, or whole, inside the margins', () => {
    const letter = { width: 612, height: 792 };
    const box = { width: 1000 + 32, height: 700 + 32 };
    expect(fitZoom('fit-width', letter, box) * 612 * CSS_UNITS).toBeCloseTo(1000);
    expect(fitZoom('fit-page', letter, box) * 792 * CSS_UNITS).toBeCloseTo(700);
    // Turned a quarter, the page is wider than tall and fits the width.
    const turned = turnedSize(letter, 90);
    expect(turned).toEqual({ width: 792, height: 612 });
    expect(fitZoom('fit-page', turned, { width: 1032, height: 932 }) * 792 * CSS_UNITS).toBeCloseTo(1000);
    expect(turnedSize(letter, 180)).toEqual(letter);
  });
});

describe('which pages are drawn', () => {
  it('the visible pages and one either side, within the document', () => {
    expect(renderWindow([5, 6], 200)).toEqual({ first: 4, last: 7 });
    expect(renderWindow([1], 200)).toEqual({ first: 1, last: 2 });
    expect(renderWindow([200], 200)).toEqual({ first: 199, last: 200 });
    expect(renderWindow([], 200)).toEqual({ first: 1, last: 2 });
    expect(renderWindow([3], 3, 2)).toEqual({ first: 1, last: 3 });
    // At most the visible pages plus two, however long the document.
    const { first, last } = renderWindow([137, 138], 2000);
    expect(last - first + 1).toBe(4);
  });

  it('the current page is the one showing most of itself', () => {
    expect(
      currentPage(
        new Map([
          [4, 0.2],
          [5, 0.9],
          [6, 0.1],
        ]),
        1,
      ),
    ).toBe(5);
    expect(
      currentPage(
        new Map([
          [8, 0.5],
          [7, 0.5],
        ]),
        1,
      ),
    ).toBe(7);
    expect(currentPage(new Map(), 12)).toBe(12);
  });

  it('a page number typed in the box', () => {
    expect(parsePageInput(' 137 ', 200)).toBe(137);
    expect(parsePageInput('0', 200)).toBeNull();
    expect(parsePageInput('201', 200)).toBeNull();
    expect(parsePageInput('1.5', 200)).toBeNull();
    expect(parsePageInput('', 200)).toBeNull();
  });
});

describe('canvas size', () => {
  it('the screen’s pixel ratio, lowered for a page zoomed so far it would pass the bound', () => {
    expect(outputScale(800, 1000, 2)).toBe(2);
    const scale = outputScale(4080, 5280, 2);
    expect(scale).toBeLessThan(2);
    expect(4080 * 5280 * scale * scale).toBeLessThanOrEqual(16 * 1024 * 1024 + 1);
  });
});

describe('image zoom', () => {
  it('fits a large scan into the window, never enlarges a small one, and takes a set zoom', () => {
    const box = { width: 1032, height: 732 };
    expect(imageZoom('fit', { width: 2550, height: 3300 }, box)).toBeCloseTo(700 / 3300);
    expect(imageZoom('fit', { width: 200, height: 100 }, box)).toBe(1);
    expect(imageZoom(2, { width: 200, height: 100 }, box)).toBe(2);
    expect(imageZoom(100, { width: 200, height: 100 }, box)).toBe(MAX_ZOOM);
  });
});
