/**
 * Text laid out on PDF pages with an embedded TrueType font: headings, wrapped paragraphs, lists,
 * labelled fields and simple tables. Pages come from a factory so the same code fills pages
 * appended at the end (documents) or inserted at the front (cover letter, index).
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import fontkit from '@pdf-lib/fontkit';
import { rgb, type PDFDocument, type PDFFont, type PDFPage } from 'pdf-lib';

/** US Letter, in points. */
export const PAGE_SIZE: [number, number] = [612, 792];
export const MARGIN = 56;
/** Kept free at the bottom of every page for the stamp. */
export const FOOTER_SPACE = 40;

export interface Fonts {
  regular: PDFFont;
  bold: PDFFont;
}

// Liberation Sans (SIL Open Font License) ships with pdfjs-dist, already a dependency: no font
// file of our own to carry. Read once per process.
let fontBytes: { regular: Buffer; bold: Buffer } | null = null;
function loadFontBytes(): { regular: Buffer; bold: Buffer } {
  if (!fontBytes) {
    const require = createRequire(import.meta.url);
    const dir = require.resolve('pdfjs-dist/package.json').replace(/package\.json$/, 'standard_fonts/');
    fontBytes = {
      regular: readFileSync(`${dir}LiberationSans-Regular.ttf`),
      bold: readFileSync(`${dir}LiberationSans-Bold.ttf`),
    };
  }
  return fontBytes;
}

/** Embeds the packet's fonts (whole TrueType files, so any character they have can be drawn). */
export async function embedFonts(doc: PDFDocument): Promise<Fonts> {
  doc.registerFontkit(fontkit);
  const bytes = loadFontBytes();
  return {
    regular: await doc.embedFont(bytes.regular, { subset: false }),
    bold: await doc.embedFont(bytes.bold, { subset: false }),
  };
}

/** Characters a PDF text run cannot carry (controls) become spaces; tabs likewise. */
export function cleanText(text: string): string {
  // eslint-disable-next-line no-control-regex
  return text.replace(/[\u0000-\u001f\u007f-\u009f]/g, ' ');
}

export class PageWriter {
  readonly pages: PDFPage[] = [];
  private page: PDFPage | null = null;
  private y = 0;
  readonly width = PAGE_SIZE[0] - 2 * MARGIN;

  constructor(
    private readonly newPage: () => PDFPage,
    readonly fonts: Fonts,
  ) {}

  /** The current page, started if none is. */
  current(): PDFPage {
    if (!this.page) this.breakPage();
    return this.page!;
  }

  breakPage(): void {
    this.page = this.newPage();
    this.pages.push(this.page);
    this.y = PAGE_SIZE[1] - MARGIN;
  }

  /** Room left on the current page, in points. */
  room(): number {
    return this.page ? this.y - (MARGIN + FOOTER_SPACE - MARGIN / 2) : 0;
  }

  private ensure(height: number): void {
    if (!this.page || this.room() < height) this.breakPage();
  }

  space(points: number): void {
    if (this.page) this.y -= points;
  }

  heading(text: string, size = 14): void {
    this.ensure(size * 1.4 + 2 * 11 * 1.35); // never a heading alone at the foot of a page
    this.lines(wrap(text, this.fonts.bold, size, this.width), this.fonts.bold, size, 0);
    this.y -= size * 0.3;
  }

  paragraph(text: string, options: { size?: number; bold?: boolean; indent?: number } = {}): void {
    const size = options.size ?? 11;
    const font = options.bold ? this.fonts.bold : this.fonts.regular;
    const indent = options.indent ?? 0;
    for (const part of text.split(/\r?\n/)) {
      this.lines(wrap(part, font, size, this.width - indent), font, size, indent);
    }
    this.y -= size * 0.4;
  }

  list(items: string[], ordered: boolean, size = 11): void {
    items.forEach((item, index) => {
      const marker = ordered ? `${index + 1}.` : '•';
      const lines = wrap(item, this.fonts.regular, size, this.width - 18);
      lines.forEach((line, n) => {
        this.ensure(size * 1.35);
        if (n === 0) this.draw(marker, this.fonts.regular, size, 0);
        this.draw(line, this.fonts.regular, size, 18);
        this.y -= size * 1.35;
      });
    });
    this.y -= size * 0.4;
  }

  fields(fields: { label: string; value: string }[], size = 11): void {
    const labelWidth = Math.min(
      this.width / 3,
      Math.max(0, ...fields.map((f) => this.fonts.bold.widthOfTextAtSize(cleanText(`${f.label}:`), size))) + 8,
    );
    for (const field of fields) {
      const labels = wrap(`${field.label}:`, this.fonts.bold, size, labelWidth - 8);
      const values = field.value
        .split(/\r?\n/)
        .flatMap((v) => wrap(v, this.fonts.regular, size, this.width - labelWidth));
      const count = Math.max(labels.length, values.length);
      for (let n = 0; n < count; n++) {
        this.ensure(size * 1.35);
        if (labels[n]) this.draw(labels[n]!, this.fonts.bold, size, 0);
        if (values[n]) this.draw(values[n]!, this.fonts.regular, size, labelWidth);
        this.y -= size * 1.35;
      }
    }
    this.y -= size * 0.4;
  }

  /** A table with wrapped cells; columns share the width in proportion to their longest text (capped). */
  table(header: string[], rows: string[][], size = 9, caption: string | null = null): void {
    if (caption) this.paragraph(caption, { bold: true, size: 10 });
    const columns = Math.max(header.length, ...rows.map((r) => r.length));
    if (columns === 0) return;
    const weights = Array.from({ length: columns }, (_, c) =>
      Math.min(40, Math.max(4, ...[header, ...rows].map((r) => (r[c] ?? '').length))),
    );
    const total = weights.reduce((a, b) => a + b, 0);
    // Each column at least as wide as its longest word ("Dosage" is not cut), the rest shared in
    // proportion to the text; when the words alone do not fit, in proportion only.
    const longestWord = (text: string, font: PDFFont) =>
      Math.max(0, ...text.split(/\s+/).map((word) => font.widthOfTextAtSize(cleanText(word), size)));
    const minimums = Array.from(
      { length: columns },
      (_, c) =>
        Math.max(
          longestWord(header[c] ?? '', this.fonts.bold),
          ...rows.map((r) => longestWord(r[c] ?? '', this.fonts.regular)),
        ) + 7,
    );
    const spare = this.width - minimums.reduce((a, b) => a + b, 0);
    const widths =
      spare >= 0
        ? minimums.map((m, c) => m + (weights[c]! / total) * spare)
        : weights.map((w) => (w / total) * this.width);
    const line = size * 1.3;
    const drawRow = (cells: string[], font: PDFFont) => {
      const wrapped = widths.map((w, c) => wrap(cells[c] ?? '', font, size, w - 6));
      const height = Math.max(1, ...wrapped.map((l) => l.length)) * line + 3;
      this.ensure(Math.min(height, line * 3));
      let x = 0;
      const top = this.y;
      let lowest = top;
      wrapped.forEach((cellLines, c) => {
        let y = top;
        for (const text of cellLines) {
          if (y - line < MARGIN + FOOTER_SPACE - MARGIN / 2) break; // a cell taller than a page is cut
          this.page!.drawText(text, { x: MARGIN + x, y: y - size, size, font, color: rgb(0, 0, 0) });
          y -= line;
        }
        lowest = Math.min(lowest, y);
        x += widths[c]!;
      });
      this.y = lowest - 3;
      this.page!.drawLine({
        start: { x: MARGIN, y: this.y + 1.5 },
        end: { x: MARGIN + this.width, y: this.y + 1.5 },
        thickness: 0.3,
        color: rgb(0.6, 0.6, 0.6),
      });
    };
    if (header.length > 0) drawRow(header, this.fonts.bold);
    for (const row of rows) drawRow(row, this.fonts.regular);
    this.y -= size * 0.8;
  }

  private lines(lines: string[], font: PDFFont, size: number, indent: number): void {
    for (const text of lines) {
      this.ensure(size * 1.35);
      this.draw(text, font, size, indent);
      this.y -= size * 1.35;
    }
  }

  private draw(text: string, font: PDFFont, size: number, indent: number): void {
    if (text) this.current().drawText(text, { x: MARGIN + indent, y: this.y - size, size, font, color: rgb(0, 0, 0) });
  }
}

/** Breaks text into lines no wider than `width`; a word longer than a line is split. */
export function wrap(text: string, font: PDFFont, size: number, width: number): string[] {
  const words = cleanText(text).split(/ +/).filter(Boolean);
  const lines: string[] = [];
  let line = '';
  const fits = (candidate: string) => font.widthOfTextAtSize(candidate, size) <= width;
  for (let word of words) {
    const candidate = line ? `${line} ${word}` : word;
    if (fits(candidate)) {
      line = candidate;
      continue;
    }
    if (line) lines.push(line);
    while (!fits(word)) {
      let cut = word.length - 1;
      while (cut > 1 && !fits(word.slice(0, cut))) cut--;
      lines.push(word.slice(0, cut));
      word = word.slice(cut);
    }
    line = word;
  }
  if (line || lines.length === 0) lines.push(line);
  return lines;
}

/** Text cut to one line of `width`, with an ellipsis. */
export function fitLine(text: string, font: PDFFont, size: number, width: number): string {
  const clean = cleanText(text);
  if (font.widthOfTextAtSize(clean, size) <= width) return clean;
  let cut = clean.length;
  while (cut > 0 && font.widthOfTextAtSize(`${clean.slice(0, cut)}…`, size) > width) cut--;
  return `${clean.slice(0, cut)}…`;
}
