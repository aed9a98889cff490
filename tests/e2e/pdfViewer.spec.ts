/**
 * The whole-window viewers (issue 6): a 200-page hospital record opened, searched, zoomed, turned
 * and paged by its thumbnails; a scan image zoomed. Nothing but the app's own origin is asked for.
 */
import { createRequire } from 'node:module';
import type { Page } from '@playwright/test';
import {
  PDFDocument,
  StandardFonts,
  concatTransformationMatrix,
  drawObject,
  popGraphicsState,
  pushGraphicsState,
} from 'pdf-lib';
import { makePdf, makePng } from '../support/fixtures';
import { expect, test } from './support/app';
import { createVault, dropFile, shot, watchForPageErrors } from './support/ui';

const UNIQUE = 'Zephyrine'; // only on page 137
const COMMON = 'hemoglobin'; // on pages 12, 47 (twice), 99, 150 and 188
const COMMON_PAGES = [12, 47, 47, 99, 150, 188];

function recordPages(): string[] {
  return Array.from({ length: 200 }, (_, index) => {
    const page = index + 1;
    const lines = [
      `Inpatient record, page ${page} of 200`,
      `Nursing note for day ${page}: patient resting comfortably.`,
    ];
    if (page === 137) lines.push(`Allergy: ${UNIQUE} (rash), noted by the pharmacist.`);
    const common = COMMON_PAGES.filter((at) => at === page).length;
    for (let repeat = 0; repeat < common; repeat++) lines.push(`Hemoglobin 13.${repeat} g/dL, repeat in a week.`);
    return lines.join('\n');
  });
}

/** Only our own origin (and pictures made in the page): the viewer fetches nothing elsewhere. */
function watchRequests(page: Page, origin: string): string[] {
  const foreign: string[] = [];
  page.on('request', (request) => {
    const url = request.url();
    if (!url.startsWith(`${origin}/`) && !/^(blob|data):/.test(url)) foreign.push(url);
  });
  return foreign;
}

async function importFile(page: Page, name: string, type: string, bytes: Buffer): Promise<void> {
  await dropFile(page, 'drop', name, type, bytes);
  await expect(page.getByTestId('import-report')).toBeVisible({ timeout: 60_000 });
  await page.getByRole('button', { name: 'Done' }).click();
}

async function canvasBox(page: Page, pageNumber: number) {
  const canvas = page.locator(`.pdf-page[data-page="${pageNumber}"][data-rendered="true"] canvas`);
  await expect(canvas).toBeVisible();
  const box = await canvas.boundingBox();
  if (!box) throw new Error(`page ${pageNumber} has no canvas box`);
  return box;
}

test('a 200-page record opens in the viewer, finds a word on page 137 and pages, zooms and turns', async ({
  page,
  app,
}) => {
  const errors = watchForPageErrors(page);
  const foreign = watchRequests(page, app.url);
  // The PDF is read by range requests only (pdf.ts), never as one whole-file response.
  const fileStatuses = new Set<number>();
  page.on('response', (response) => {
    if (new URL(response.url()).pathname.startsWith('/files/')) fileStatuses.add(response.status());
  });
  await createVault(page, app.openUrl);
  await importFile(
    page,
    'inpatient-record.pdf',
    'application/pdf',
    await makePdf(recordPages(), { title: 'Inpatient record 2019' }),
  );
  await page.getByTestId('document-table').getByRole('row').nth(1).click();
  await page.getByTestId('document-preview').getByRole('button', { name: 'Open', exact: true }).click();

  const viewer = page.getByTestId('pdf-viewer');
  await expect(viewer.getByTestId('pdf-page-count')).toHaveText('of 200');
  await canvasBox(page, 1);
  await expect(viewer.getByLabel('Page number')).toHaveValue('1');
  // Lazy: only the pages in view and one either side have a canvas, of 200 placeholders.
  await expect(viewer.locator('.pdf-page')).toHaveCount(200);
  expect(await viewer.locator('.pdf-page canvas').count()).toBeLessThanOrEqual(4);
  await expect(viewer.getByTestId('pdf-thumbnails').locator('canvas').first()).toBeVisible();
  await shot(page, '80-pdf-viewer');

  // Find a word that is on one page only.
  await page.keyboard.press('Control+f');
  const find = viewer.getByRole('searchbox', { name: 'Find in document' });
  await expect(find).toBeFocused();
  await find.fill(UNIQUE.toLowerCase());
  const count = viewer.getByTestId('pdf-find-count');
  await expect(count).toHaveText('1 of 1');
  const hit = viewer.locator('.pdf-page[data-page="137"] .pdf-hit.current');
  await expect(hit).toBeVisible();
  await expect(hit).toBeInViewport();
  await expect(viewer.getByLabel('Page number')).toHaveValue('137');
  // The box sits on the word: wider than tall, about a word's size at this zoom.
  const hitBox = (await hit.boundingBox())!;
  expect(hitBox.width).toBeGreaterThan(hitBox.height);
  expect(hitBox.height).toBeGreaterThan(8);
  expect(await viewer.locator('.pdf-page canvas').count()).toBeLessThanOrEqual(5);
  await shot(page, '81-pdf-search-unique');
  // The text layer lies on the drawn text: a double click on the hit selects the word itself.
  await page.mouse.dblclick(hitBox.x + hitBox.width / 2, hitBox.y + hitBox.height / 2);
  expect(await page.evaluate(() => window.getSelection()?.toString().trim())).toBe(UNIQUE);
  await shot(page, '81-pdf-text-selected');
  // Text only: nothing of the PDF became a link, frame or script.
  await expect(viewer.locator('.pdf-pages :is(a, iframe, script, object, embed, form)')).toHaveCount(0);
  await find.focus();

  // A word on several pages: the first hit after the current page, then round the ends.
  await find.fill(COMMON.toUpperCase());
  await expect(count).toHaveText('5 of 6');
  const currentHitPage = () => viewer.locator('.pdf-hit.current').locator('xpath=..').getAttribute('data-page');
  await expect(viewer.locator('.pdf-page[data-page="150"] .pdf-hit.current')).toBeInViewport();
  await find.press('Enter');
  await expect(count).toHaveText('6 of 6');
  await expect(viewer.locator('.pdf-page[data-page="188"] .pdf-hit.current')).toBeInViewport();
  await find.press('Enter');
  await expect(count).toHaveText('1 of 6');
  await expect(viewer.locator('.pdf-page[data-page="12"] .pdf-hit.current')).toBeInViewport();
  await find.press('Shift+Enter');
  await expect(count).toHaveText('6 of 6');
  expect(await currentHitPage()).toBe('188');
  await viewer.getByRole('button', { name: 'Previous match' }).click();
  await viewer.getByRole('button', { name: 'Previous match' }).click();
  await viewer.getByRole('button', { name: 'Previous match' }).click();
  await expect(count).toHaveText('3 of 6');
  // Two hits on page 47: both highlighted, the current one differently.
  await expect(viewer.locator('.pdf-page[data-page="47"] .pdf-hit')).toHaveCount(2);
  await expect(viewer.locator('.pdf-page[data-page="47"] .pdf-hit.current')).toBeInViewport();
  await shot(page, '82-pdf-search-common');
  await find.fill('appendectomy');
  await expect(count).toHaveText('No matches');
  await expect(viewer.locator('.pdf-hit')).toHaveCount(0);
  // Escape closes the find bar, not the viewer.
  await find.press('Escape');
  await expect(find).toBeHidden();
  await expect(viewer).toBeVisible();

  // Zoom: actual size is the page's paper size (612 pt = 816 CSS px), zoom in goes larger,
  // fit width fills the pages' column.
  await viewer.getByRole('button', { name: 'Actual size' }).click();
  await expect(viewer.getByTestId('pdf-zoom')).toHaveText('100%');
  expect(Math.round((await canvasBox(page, 47)).width)).toBe(816);
  await viewer.getByRole('button', { name: 'Zoom in' }).click();
  await expect(viewer.getByTestId('pdf-zoom')).toHaveText('110%');
  await expect.poll(async () => Math.round((await canvasBox(page, 47)).width)).toBe(Math.floor(816 * 1.1));
  await shot(page, '83-pdf-zoomed');
  await viewer.getByRole('button', { name: 'Zoom out' }).click();
  await viewer.getByRole('button', { name: 'Zoom out' }).click();
  await expect(viewer.getByTestId('pdf-zoom')).toHaveText('90%');
  await viewer.getByRole('button', { name: 'Fit width' }).click();
  const column = (await viewer.locator('.pdf-scroller').evaluate((element) => element.clientWidth)) - 32;
  await expect.poll(async () => Math.round((await canvasBox(page, 47)).width)).toBeGreaterThanOrEqual(column - 2);
  expect(Math.round((await canvasBox(page, 47)).width)).toBeLessThanOrEqual(column);
  await expect(viewer.getByLabel('Page number')).toHaveValue('47'); // zooming kept the place

  // Rotate: every page is turned a quarter, wider than tall.
  const upright = await canvasBox(page, 47);
  expect(upright.height).toBeGreaterThan(upright.width);
  await viewer.getByRole('button', { name: 'Rotate pages clockwise' }).click();
  await expect
    .poll(async () => {
      const box = await canvasBox(page, 47);
      return box.width > box.height;
    })
    .toBe(true);
  await viewer.getByRole('button', { name: 'Fit page' }).click();
  // The text layer turns with the page: a line of text now runs down it, inside the page.
  const line = viewer.locator('.pdf-page[data-page="47"] .textLayer span', { hasText: 'Nursing note' });
  await expect
    .poll(async () => {
      const box = await line.boundingBox();
      return box !== null && box.height > box.width;
    })
    .toBe(true);
  const turnedPage = await canvasBox(page, 47);
  const lineBox = (await line.boundingBox())!;
  expect(lineBox.x).toBeGreaterThanOrEqual(turnedPage.x);
  expect(lineBox.x + lineBox.width).toBeLessThanOrEqual(turnedPage.x + turnedPage.width);
  expect(lineBox.x).toBeGreaterThan(turnedPage.x + turnedPage.width / 2); // the page's top is now on the right
  await shot(page, '84-pdf-rotated');
  await viewer.getByRole('button', { name: 'Rotate pages clockwise' }).click();
  await viewer.getByRole('button', { name: 'Rotate pages clockwise' }).click();
  await viewer.getByRole('button', { name: 'Rotate pages clockwise' }).click();
  await expect
    .poll(async () => {
      const box = await canvasBox(page, 47);
      return box.height > box.width;
    })
    .toBe(true);

  // The keyboard zooms the pages, not the window.
  await page.keyboard.press('Control+0');
  await expect(viewer.getByTestId('pdf-zoom')).toHaveText('100%');
  await page.keyboard.press('Control+=');
  await expect(viewer.getByTestId('pdf-zoom')).toHaveText('110%');
  await page.keyboard.press('Control+-');
  await expect(viewer.getByTestId('pdf-zoom')).toHaveText('100%');
  await viewer.getByRole('button', { name: 'Fit width' }).click();

  // Thumbnails: a click goes to the page; the page box and the buttons follow.
  const thumbs = viewer.getByTestId('pdf-thumbnails');
  await thumbs.evaluate((element) => (element.scrollTop = 0));
  await thumbs.getByRole('button', { name: 'Page 3', exact: true }).click();
  await expect(viewer.getByLabel('Page number')).toHaveValue('3');
  await expect(viewer.locator('.pdf-page[data-page="3"]')).toBeInViewport();
  await expect(thumbs.getByRole('button', { name: 'Page 3', exact: true })).toHaveAttribute('aria-current', 'page');
  await viewer.getByRole('button', { name: 'Next page' }).click();
  await expect(viewer.getByLabel('Page number')).toHaveValue('4');
  await viewer.getByLabel('Page number').fill('200');
  await viewer.getByLabel('Page number').press('Enter');
  await expect(viewer.locator('.pdf-page[data-page="200"][data-rendered="true"]')).toBeInViewport();
  await shot(page, '85-pdf-last-page');
  // Far from the start, the first pages hold no canvas any more.
  await expect(viewer.locator('.pdf-page[data-page="3"] canvas')).toHaveCount(0);

  await page.keyboard.press('Escape');
  await expect(viewer).toBeHidden();
  await expect(page.getByTestId('document-panel')).toBeVisible();
  expect([...fileStatuses]).toEqual([206]);
  expect(foreign).toEqual([]);
  expect(errors).toEqual([]);
});

test('a scan image opens whole-window and zooms', async ({ page, app }) => {
  const errors = watchForPageErrors(page);
  await createVault(page, app.openUrl);
  await importFile(page, 'scan-of-letter.png', 'image/png', makePng(600, 800, 7));
  await page.getByTestId('document-table').getByRole('row').nth(1).click();
  await page.getByTestId('document-preview').getByRole('button', { name: 'Open', exact: true }).click();
  const viewer = page.getByTestId('image-viewer');
  const image = viewer.getByRole('img');
  await expect(image).toBeVisible();
  const fitted = (await image.boundingBox())!;
  // Fitted into the window: whole, and smaller than the scan.
  expect(fitted.height).toBeLessThan(800);
  expect(Math.round((fitted.width / fitted.height) * 100)).toBe(Math.round((600 / 800) * 100));
  await shot(page, '86-image-viewer-fit');
  await viewer.getByRole('button', { name: 'Actual size' }).click();
  await expect(viewer.getByTestId('image-zoom')).toHaveText('100%');
  await expect.poll(async () => Math.round((await image.boundingBox())!.width)).toBe(600);
  await viewer.getByRole('button', { name: 'Zoom in' }).click();
  await expect(viewer.getByTestId('image-zoom')).toHaveText('110%');
  await expect.poll(async () => Math.round((await image.boundingBox())!.width)).toBe(660);
  // Bigger than the window: it pans by scrolling.
  const scrolls = await viewer
    .locator('.image-viewer')
    .evaluate((element) => element.scrollHeight > element.clientHeight);
  expect(scrolls).toBe(true);
  await shot(page, '87-image-viewer-zoomed');
  await page.keyboard.press('Escape');
  await expect(viewer).toBeHidden();
  expect(errors).toEqual([]);
});

/** A grey ramp as a JPEG 2000 codestream, by OpenJPEG (the DICOM codecs' encoder). */
async function j2kRamp(width: number, height: number): Promise<Buffer> {
  type Encoder = {
    getDecodedBuffer(info: object): Uint8Array;
    encode(): void;
    getEncodedBuffer(): Uint8Array;
  };
  const factory = createRequire(import.meta.url)('@cornerstonejs/codec-openjpeg/wasmjs') as () => Promise<{
    J2KEncoder: new () => Encoder;
  }>;
  const encoder = new (await factory()).J2KEncoder();
  const pixels = encoder.getDecodedBuffer({ width, height, bitsPerSample: 8, componentCount: 1, isSigned: false });
  for (let at = 0; at < pixels.length; at++) pixels[at] = Math.round(((at % width) / width) * 160); // dark to mid grey
  encoder.encode();
  return Buffer.from(encoder.getEncodedBuffer());
}

/** A page holding a JPEG 2000 image (/JPXDecode), as some scanners and fax servers write them. */
async function makeJpxPdf(): Promise<Buffer> {
  const document = await PDFDocument.create();
  const font = await document.embedFont(StandardFonts.Helvetica);
  const page = document.addPage([612, 792]);
  const image = document.context.register(
    document.context.stream(await j2kRamp(400, 200), {
      Type: 'XObject',
      Subtype: 'Image',
      Width: 400,
      Height: 200,
      ColorSpace: 'DeviceGray',
      BitsPerComponent: 8,
      Filter: 'JPXDecode',
    }),
  );
  const name = page.node.newXObject('Im', image);
  page.pushOperators(
    pushGraphicsState(),
    concatTransformationMatrix(400, 0, 0, 200, 106, 400),
    drawObject(name),
    popGraphicsState(),
  );
  page.drawText('Scanned referral letter (JPEG 2000)', { x: 106, y: 640, size: 14, font });
  return Buffer.from(await document.save());
}

test('a scanned page in JPEG 2000 is drawn, by pdf.js decoding it from our own origin', async ({ page, app }) => {
  const errors = watchForPageErrors(page);
  const foreign = watchRequests(page, app.url);
  await createVault(page, app.openUrl);
  await importFile(page, 'referral-jpx.pdf', 'application/pdf', await makeJpxPdf());
  await page.getByTestId('document-table').getByRole('row').nth(1).click();
  await page.getByTestId('document-preview').getByRole('button', { name: 'Open', exact: true }).click();
  await page.getByTestId('pdf-viewer').getByRole('button', { name: 'Actual size' }).click();
  await canvasBox(page, 1);
  // The image's middle (x 306, y 292 from the top, in points) is grey, not the white of an empty page.
  const grey = await page.locator('.pdf-page[data-page="1"] canvas').evaluate((canvas: HTMLCanvasElement) => {
    const scale = canvas.width / 612;
    const [red] = canvas.getContext('2d')!.getImageData(Math.round(306 * scale), Math.round(292 * scale), 1, 1).data;
    return red;
  });
  expect(grey).toBeLessThan(200);
  await shot(page, '88-pdf-jpeg2000');
  expect(foreign).toEqual([]);
  expect(errors).toEqual([]);
});
