/**
 * Which image files OCR looks at: judged from the file alone (bytes a pixel, or how a piece of an
 * uncompressed TIFF deflates), since decoding every photo costs far more than reading it.
 */
import { describe, expect, it } from 'vitest';
import { mayBePaper } from '../electron/core/import/scan/ocrFiles';
import { readScanImage } from '../electron/core/import/scan/scanPages';
import { makeJpeg, makePng, makeTiff } from './support/fixtures';
import { jpegOf, pngOf, textPage, tiffOf } from './support/scanFixtures';

async function judged(bytes: Buffer, name: string): Promise<boolean> {
  const [page] = await readScanImage(bytes, name, { forPdf: false });
  return mayBePaper(page!, bytes);
}

describe('what may be paper', () => {
  it('takes pages of text as PNG, JPEG and uncompressed TIFF', async () => {
    const sheet = textPage(['Referral letter', 'Dear colleague'], { width: 1200, height: 1600 });
    expect(await judged(await pngOf(sheet), 'a.png')).toBe(true);
    expect(await judged(await jpegOf(sheet), 'a.jpg')).toBe(true);
    expect(await judged(tiffOf([sheet]), 'a.tif')).toBe(true);
  });

  it('passes over noise, however it is stored', async () => {
    expect(await judged(makePng(800, 600, 1), 'n.png')).toBe(false);
    expect(await judged(makeJpeg(800, 600, 2), 'n.jpg')).toBe(false);
    expect(await judged(makeTiff(800, 600, 3), 'n.tif')).toBe(false);
  });
});
