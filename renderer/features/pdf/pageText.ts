import type { PDFDocumentProxy, PDFPageProxy } from 'pdfjs-dist';
import type { TextItem } from 'pdfjs-dist/types/src/display/api';
import type { PlacedRun } from './textSearch';

/**
 * Each page's text runs, read once from pdf.js (`getTextContent`) and kept for the document's
 * life: searching again, and placing the highlights, never reads a page twice. Only strings and
 * numbers are kept (a few kB a page).
 */
export class PageTextCache {
  private readonly pages = new Map<number, Promise<PlacedRun[]>>();

  constructor(private readonly pdf: PDFDocumentProxy) {}

  get(page: number | PDFPageProxy): Promise<PlacedRun[]> {
    const number = typeof page === 'number' ? page : page.pageNumber;
    let runs = this.pages.get(number);
    if (!runs) {
      runs = (typeof page === 'number' ? this.pdf.getPage(page) : Promise.resolve(page))
        .then((proxy) => proxy.getTextContent())
        .then((content) =>
          content.items
            .filter((item): item is TextItem => 'str' in item)
            .map(({ str, hasEOL, transform, width, height, fontName }) => ({
              str,
              hasEOL,
              transform: transform as number[],
              width,
              height,
              fontFamily: content.styles[fontName]?.fontFamily,
            })),
        );
      // A page that failed is read again next time.
      runs.catch(() => this.pages.delete(number));
      this.pages.set(number, runs);
    }
    return runs;
  }
}

let context: CanvasRenderingContext2D | null = null;

/** Text widths in a run's suggested font family (a canvas measures; nothing is drawn). */
export function measurerFor(fontFamily: string | undefined): (text: string) => number {
  context ??= document.createElement('canvas').getContext('2d');
  const ctx = context;
  if (!ctx) return (text) => text.length;
  const font = `100px ${fontFamily || 'sans-serif'}`;
  return (text) => {
    ctx.font = font;
    return ctx.measureText(text).width;
  };
}
