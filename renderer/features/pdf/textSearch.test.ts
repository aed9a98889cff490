import { describe, expect, it } from 'vitest';
import { findInRuns, firstHitFrom, indexText, normalizeQuery, segmentQuad, stepHit } from './textSearch';

describe('finding words in a page’s text runs', () => {
  it('finds every occurrence, case folded, with the run and characters of each', () => {
    const runs = [{ str: 'Hemoglobin 13.9 g/dL', hasEOL: true }, { str: 'hemoglobin A1c 5.4 %' }];
    const hits = findInRuns(runs, 'HEMOGLOBIN', 7);
    expect(hits).toEqual([
      { page: 7, index: 0, segments: [{ item: 0, start: 0, end: 10 }] },
      { page: 7, index: 1, segments: [{ item: 1, start: 0, end: 10 }] },
    ]);
  });

  it('finds a phrase across runs and line ends, white space taken as one space', () => {
    const runs = [{ str: 'Lipid  ' }, { str: 'panel', hasEOL: true }, { str: 'results' }];
    expect(indexText(runs).text).toBe('lipid panel results');
    const [hit] = findInRuns(runs, ' lipid   panel results ', 1);
    expect(hit!.segments).toEqual([
      { item: 0, start: 0, end: 6 },
      { item: 1, start: 0, end: 5 },
      { item: 2, start: 0, end: 7 },
    ]);
  });

  it('finds a word split into runs by the PDF (a run per letter group)', () => {
    const runs = [{ str: 'Chol' }, { str: 'esterol' }];
    expect(findInRuns(runs, 'cholesterol', 3)[0]!.segments).toEqual([
      { item: 0, start: 0, end: 4 },
      { item: 1, start: 0, end: 7 },
    ]);
  });

  it('never counts overlapping hits twice, and an empty query finds nothing', () => {
    expect(findInRuns([{ str: 'aaaa' }], 'aa', 1)).toHaveLength(2);
    expect(findInRuns([{ str: 'anything' }], '   ', 1)).toEqual([]);
    expect(normalizeQuery('  Blood\tPressure ')).toBe('blood pressure');
  });

  it('keeps offsets right around characters whose lower case is longer', () => {
    // 'İ' lowers to two code units; it is kept as it is so offsets stay aligned.
    const [hit] = findInRuns([{ str: 'İstanbul clinic' }], 'clinic', 1);
    expect(hit!.segments).toEqual([{ item: 0, start: 9, end: 15 }]);
  });
});

describe('moving between hits', () => {
  it('goes round at both ends', () => {
    expect(stepHit(0, 3, 1)).toBe(1);
    expect(stepHit(2, 3, 1)).toBe(0);
    expect(stepHit(0, 3, -1)).toBe(2);
    expect(stepHit(-1, 3, -1)).toBe(2);
    expect(stepHit(-1, 0, 1)).toBe(-1);
  });

  it('starts from the page the reader is on', () => {
    const hits = [3, 3, 9, 40].map((page, index) => ({ page, index, segments: [] }));
    expect(firstHitFrom(hits, 1)).toBe(0);
    expect(firstHitFrom(hits, 5)).toBe(2);
    expect(firstHitFrom(hits, 41)).toBe(0);
    expect(firstHitFrom([], 1)).toBe(-1);
  });
});

describe('where a hit is on the page', () => {
  it('a share of the run’s width along its baseline, from below it to its font height', () => {
    const run = { str: 'Glucose 98', transform: [12, 0, 0, 12, 56, 700], width: 60, height: 12 };
    const quad = segmentQuad(run, 0, 7);
    expect(quad[0]![0]).toBeCloseTo(56);
    expect(quad[1]![0]).toBeCloseTo(56 + 42);
    expect(quad[0]![1]).toBeLessThan(700);
    expect(quad[2]![1]).toBeCloseTo(700 + 0.9 * 12);
  });

  it('measures the characters before the hit when it can (narrow letters take less room)', () => {
    const run = { str: 'il WW', transform: [10, 0, 0, 10, 0, 0], width: 100, height: 10 };
    const widths: Record<string, number> = { i: 1, l: 1, ' ': 1, W: 4 };
    const measure = (text: string) => [...text].reduce((sum, char) => sum + widths[char]!, 0);
    const [start, end] = segmentQuad(run, 3, 5, measure);
    expect(start![0]).toBeCloseTo(300 / 11); // "il " is 3 of 11 units
    expect(end![0]).toBeCloseTo(100);
  });

  it('turns with text that is turned', () => {
    // Text running up the page (a quarter turn): the hit runs up from the origin.
    const run = { str: 'abcd', transform: [0, 10, -10, 0, 100, 100], width: 40, height: 10 };
    const [start, end] = segmentQuad(run, 0, 4);
    expect(end![1] - start![1]).toBeCloseTo(40);
    expect(end![0] - start![0]).toBeCloseTo(0);
  });
});
