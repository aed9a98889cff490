import type { PDFDocumentProxy, PDFPageProxy } from 'pdfjs-dist';
import type { TextContent, TextItem } from 'pdfjs-dist/types/src/display/api';
import type { PlacedRun } from './textSearch';

/**
 * Each page's text, read once from pdf.js (`getTextContent`) and kept for the document's life:
 * searching again, placing the highlights and laying out the text layer never read a page twice.
 */
export class PageTextCache {
  private readonly contents = new Map<number, Promise<TextContent>>();
  private readonly runs = new Map<number, Promise<PlacedRun[]>>();

  constructor(private readonly pdf: PDFDocumentProxy) {}

  /** The page's text as pdf.js gives it (what its TextLayer lays out). */
  content(page: number | PDFPageProxy): Promise<TextContent> {
    const number = typeof page === 'number' ? page : page.pageNumber;
    let content = this.contents.get(number);
    if (!content) {
      content = (typeof page === 'number' ? this.pdf.getPage(page) : Promise.resolve(page)).then((proxy) =>
        proxy.getTextContent(),
      );
      // A page that failed is read again next time.
      content.catch(() => {
        this.contents.delete(number);
        this.runs.delete(number);
      });
      this.contents.set(number, content);
    }
    return content;
  }

  /** The page's text runs (the searched and highlighted ones), in the order pdf.js gives them. */
  get(page: number | PDFPageProxy): Promise<PlacedRun[]> {
    const number = typeof page === 'number' ? page : page.pageNumber;
    let runs = this.runs.get(number);
    if (!runs) {
      runs = this.content(page).then((content) =>
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
      this.runs.set(number, runs);
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
