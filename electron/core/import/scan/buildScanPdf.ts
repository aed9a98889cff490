import { PDFDocument, degrees } from 'pdf-lib';
import type { Rotation, ScanPage } from './scanPages';

export interface PdfPage {
  page: ScanPage;
  /** The clockwise turn that makes the page upright, beyond what the file itself says. */
  rotation: Rotation;
}

/** A scanner's usual resolution, assumed when a file does not say (300 dpi: a Letter page is 2550 × 3300). */
export const DEFAULT_DPI = 300;
/** A page whose size (at its resolution) is beyond a legal sheet is a photo: it is fitted to 11 inches. */
const MAX_PAGE_POINTS = 17 * 72;
const FIT_POINTS = 11 * 72;

/**
 * One PDF from scanned pages, in the order given, each turned upright with the page's /Rotate
 * (the image itself is not re-encoded: JPEG goes in as it is).
 */
export async function buildScanPdf(pages: readonly PdfPage[], meta: { title: string; created: Date }): Promise<Buffer> {
  const pdf = await PDFDocument.create({ updateMetadata: false }); // else pdf-lib names itself the producer
  pdf.setTitle(meta.title);
  pdf.setProducer('Medvault');
  pdf.setCreator('Medvault');
  pdf.setCreationDate(meta.created);
  pdf.setModificationDate(meta.created);
  for (const { page, rotation } of pages) {
    if (page.format === 'tiff') throw new Error('a TIFF page must be converted to PNG first');
    const image = page.format === 'jpeg' ? await pdf.embedJpg(page.bytes) : await pdf.embedPng(page.bytes);
    const [width, height] = pageSize(page);
    const sheet = pdf.addPage([width, height]);
    sheet.drawImage(image, { x: 0, y: 0, width, height });
    sheet.setRotation(degrees((page.fileRotation + rotation) % 360));
  }
  return Buffer.from(await pdf.save());
}

/** Width and height in points (1/72 inch) of the page as stored (before /Rotate). */
export function pageSize(page: ScanPage): [number, number] {
  const dpi = page.dpi ?? { x: DEFAULT_DPI, y: DEFAULT_DPI };
  let width = (page.width * 72) / dpi.x;
  let height = (page.height * 72) / dpi.y;
  const longest = Math.max(width, height);
  if (longest > MAX_PAGE_POINTS) {
    width = (width * FIT_POINTS) / longest;
    height = (height * FIT_POINTS) / longest;
  }
  return [round(width), round(height)];
}

function round(value: number): number {
  return Math.round(value * 100) / 100;
}
