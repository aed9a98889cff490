/**
 * Finding words in a page's text as pdf.js gives it (`getTextContent`: runs of text, `str`, each
 * with `hasEOL` when a line ends after it). Pure, so the indexing is tested without a PDF.
 *
 * The page's runs are read as one string: case folded, runs of white space as one space, a line
 * end as a space. Each character remembers which run and offset it came from, so a hit — which
 * may cross runs — maps back to the pieces of runs to highlight.
 */

export interface TextRun {
  str: string;
  hasEOL?: boolean;
}

/** A piece of one text run: characters [start, end) of run `item`. */
export interface HitSegment {
  item: number;
  start: number;
  end: number;
}

export interface PageHit {
  page: number;
  /** Its position among the page's hits. */
  index: number;
  segments: HitSegment[];
}

interface IndexedText {
  text: string;
  /** For each character of `text`: its run, or -1 for a space put between runs. */
  items: Int32Array;
  offsets: Int32Array;
}

const SPACE = /\s/;

/** One character folded for matching; characters whose lower case is longer are kept as they are. */
function fold(char: string): string {
  const lower = char.toLowerCase();
  return lower.length === char.length ? lower : char;
}

export function normalizeQuery(query: string): string {
  return [...query.trim().replace(/\s+/g, ' ')].map(fold).join('');
}

export function indexText(runs: readonly TextRun[]): IndexedText {
  let text = '';
  const items: number[] = [];
  const offsets: number[] = [];
  let lastWasSpace = true; // no space at the start
  const push = (char: string, item: number, offset: number) => {
    const space = SPACE.test(char);
    if (space && lastWasSpace) return;
    text += space ? ' ' : char;
    items.push(item);
    offsets.push(offset);
    lastWasSpace = space;
  };
  runs.forEach((run, item) => {
    // Code units, not code points: offsets index `str` as the highlighter slices it.
    for (let offset = 0; offset < run.str.length; offset++) push(fold(run.str[offset]!), item, offset);
    if (run.hasEOL) push(' ', -1, 0);
  });
  return { text, items: Int32Array.from(items), offsets: Int32Array.from(offsets) };
}

/** Every occurrence of the query in the page's runs, in reading order, as pieces of runs. */
export function findInRuns(runs: readonly TextRun[], query: string, page: number): PageHit[] {
  const needle = normalizeQuery(query);
  if (!needle) return [];
  const indexed = indexText(runs);
  const hits: PageHit[] = [];
  let from = 0;
  for (;;) {
    const at = indexed.text.indexOf(needle, from);
    if (at < 0) break;
    hits.push({ page, index: hits.length, segments: segmentsOf(indexed, at, at + needle.length) });
    from = at + needle.length; // hits never overlap
  }
  return hits;
}

function segmentsOf(indexed: IndexedText, start: number, end: number): HitSegment[] {
  const segments: HitSegment[] = [];
  for (let position = start; position < end; position++) {
    const item = indexed.items[position]!;
    if (item < 0) continue;
    const offset = indexed.offsets[position]!;
    const last = segments.at(-1);
    if (last && last.item === item && last.end <= offset) last.end = offset + 1;
    else segments.push({ item, start: offset, end: offset + 1 });
  }
  return segments;
}

/** Where hit `current` of `total` goes on Next (+1) or Previous (-1): around the ends. */
export function stepHit(current: number, total: number, direction: 1 | -1): number {
  if (total === 0) return -1;
  if (current < 0) return direction === 1 ? 0 : total - 1;
  return (current + direction + total) % total;
}

/** The first hit at or after a page (searching from where the reader is), else the first. */
export function firstHitFrom(hits: readonly PageHit[], page: number): number {
  if (hits.length === 0) return -1;
  const index = hits.findIndex((hit) => hit.page >= page);
  return index < 0 ? 0 : index;
}

/** A text run as pdf.js places it: `transform` maps text space to the page, `width` its advance. */
export interface PlacedRun extends TextRun {
  transform: number[];
  width: number;
  height: number;
  /** The CSS font family pdf.js suggests for the run's font (for measuring). */
  fontFamily?: string;
}

/** The width of some text in the run's font, any unit (only the ratios count). */
export type MeasureText = (text: string) => number;

const evenWidths: MeasureText = (text) => text.length;

/**
 * The corners, in PDF page coordinates, of characters [start, end) of a run: a box along the run's
 * baseline from a little below it (descenders) to its font's height above. pdf.js gives a width per
 * run, not per glyph: the characters' share of it is measured (`measure`, e.g. a canvas in a
 * similar font), or taken as even.
 */
export function segmentQuad(
  run: PlacedRun,
  start: number,
  end: number,
  measure: MeasureText = evenWidths,
): [number, number][] {
  const [a = 1, b = 0, c = 0, d = 1, e = 0, f = 0] = run.transform;
  const whole = measure(run.str) || 1;
  // Unit vectors along and across the baseline; the font size is the length of the y axis.
  const scaleX = Math.hypot(a, b) || 1;
  const fontSize = Math.hypot(c, d) || run.height || 1;
  const along = [a / scaleX, b / scaleX];
  const up = [-along[1]!, along[0]!];
  const x0 = (run.width * measure(run.str.slice(0, start))) / whole;
  const x1 = (run.width * measure(run.str.slice(0, end))) / whole;
  const below = -0.22 * fontSize;
  const above = 0.9 * fontSize;
  const point = (x: number, y: number): [number, number] => [
    e + along[0]! * x + up[0]! * y,
    f + along[1]! * x + up[1]! * y,
  ];
  return [point(x0, below), point(x1, below), point(x1, above), point(x0, above)];
}
