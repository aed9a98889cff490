import { DEFAULT_DPI } from './buildScanPdf';
import type { OcrEngine } from './OcrEngine';
import { PageReadError, type Rotation, type ScanPage } from './scanPages';

/** Pages are read at most this many pixels on their longest side (about 11 inches at 300 dpi). */
const MAX_OCR_SIDE = 3600;
/** Below this mean confidence the page may be sideways or upside down: its orientation is checked. */
const SURE_CONFIDENCE = 70;
/**
 * A page is read only if it looks like paper: at least half of it light, and most pixels close to
 * their neighbour (a page is mostly blank). A photo (a rash, an X-ray) is seldom light, noise is
 * never smooth; neither has text to find, and tesseract takes longest on exactly those.
 */
const PAPER_LIGHT_SHARE = 0.5;
const PAPER_SMOOTH_SHARE = 0.7;

export interface PageText {
  text: string;
  /** The clockwise turn, beyond the file's own orientation, that makes the page upright. */
  rotation: Rotation;
}

/**
 * The text of one scanned page. A turn chosen by the patient is used as it is; otherwise the page
 * is read as the file has it and, if tesseract is unsure, its orientation is detected and the
 * turned page read too: the reading tesseract is surer of wins.
 */
export async function readPageText(
  ocr: OcrEngine,
  page: ScanPage,
  chosen: Rotation | undefined,
  signal: AbortSignal,
): Promise<PageText> {
  const first = await uprightImage(ocr, page, chosen ?? 0, signal);
  if (first.light < PAPER_LIGHT_SHARE || first.smooth < PAPER_SMOOTH_SHARE) return { text: '', rotation: chosen ?? 0 };
  const read = await ocr.recognize(first.image, signal, first.dpi);
  if (chosen !== undefined || read.confidence >= SURE_CONFIDENCE) return { text: read.text, rotation: chosen ?? 0 };
  const { rotation } = await ocr.detectOrientation(first.image, signal, first.dpi);
  if (rotation === 0) return { text: read.text, rotation: 0 };
  const turned = await uprightImage(ocr, page, rotation, signal);
  const again = await ocr.recognize(turned.image, signal, turned.dpi);
  return again.confidence > read.confidence ? { text: again.text, rotation } : { text: read.text, rotation: 0 };
}

/** The page turned by the file's own orientation and then by `extra`; a PageReadError if it cannot be decoded. */
async function uprightImage(
  ocr: OcrEngine,
  page: ScanPage,
  extra: Rotation,
  signal: AbortSignal,
): Promise<{ image: Buffer; dpi: number; light: number; smooth: number }> {
  const turn = ((page.fileRotation + extra) % 360) as Rotation;
  try {
    const { image, scale, light, smooth } = await ocr.pageImage(page, turn, MAX_OCR_SIDE, signal);
    return { image, dpi: (page.dpi?.x ?? DEFAULT_DPI) * scale, light, smooth };
  } catch (error) {
    if (signal.aborted) throw error;
    throw new PageReadError(
      `its pixels cannot be decoded (${String((error as Error)?.message ?? error).replace(/\.$/, '')})`,
    );
  }
}
