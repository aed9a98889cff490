/**
 * The DICOM viewer (issue 6) in Chromium: a study with one series per transfer syntax and
 * photometric interpretation a hospital disc holds, imported from a folder; each opens in the
 * viewer and its canvas is compared with dcmtk's rendering of the same file (block means, so the
 * viewer's scaling does not matter; lossy JPEG with a wider tolerance). Then the tools: stack
 * scroll by wheel, keys and slider, window/level by drag and presets, invert, flip, zoom, a length,
 * cine, the tag panel, and the placeholder for instances without an image. Screenshots are
 * test-results/screenshots/70-…
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from '@playwright/test';
import {
  STACK_LABEL,
  TRIMMED_LABEL,
  VIEWER_SIZE,
  blockMeans,
  makeViewerStudy,
  readPnm,
  type ViewerStudy,
} from '../support/viewerFixtures';
import { expect, test, type RunningApp } from './support/app';
import { shot, watchForPageErrors } from './support/ui';
import { importViewerStudy, openViewer } from './support/viewer';

let fixtureRoot: string;
let study: ViewerStudy;

test.beforeAll(async () => {
  fixtureRoot = await mkdtemp(join(tmpdir(), 'medvault-viewer-'));
  study = await makeViewerStudy(fixtureRoot);
});

test.afterAll(async () => {
  await rm(fixtureRoot, { recursive: true, force: true });
});

/** Creates the vault, imports the study's folder, and opens the study in the viewer. */
async function openStudy(page: Page, app: RunningApp): Promise<void> {
  await importViewerStudy(page, app, study.dir);
  await openViewer(page);
}

async function selectSeries(page: Page, seriesNumber: number, label: string): Promise<void> {
  await page
    .getByTestId('series-thumbnail')
    .filter({ hasText: `Series ${seriesNumber}: ${label}` })
    .click();
  await expect(page.getByTestId('overlay-series')).toContainText(`Series ${seriesNumber}: ${label}`);
}

/**
 * Block means of the image on the viewport's canvas: the image is fitted and centred, so each
 * block's inner half is mapped from image to canvas pixels (grey images read the red channel).
 */
function canvasBlocks(page: Page, channels: 1 | 3, grid = 8): Promise<number[]> {
  return page.evaluate(
    async ({ channels, grid, size }) => {
      // cornerstone draws on the next animation frame after an image is displayed.
      for (let frame = 0; frame < 2; frame++) await new Promise(requestAnimationFrame);
      const canvas = document.querySelector<HTMLCanvasElement>('[data-testid=dicom-viewport] canvas')!;
      const { width, height } = canvas;
      const pixels = canvas.getContext('2d')!.getImageData(0, 0, width, height).data;
      const scale = Math.min(width / size, height / size);
      const left = (width - size * scale) / 2;
      const top = (height - size * scale) / 2;
      const block = size / grid;
      const means: number[] = [];
      for (let by = 0; by < grid; by++)
        for (let bx = 0; bx < grid; bx++) {
          const x0 = Math.ceil(left + (bx * block + block / 4) * scale);
          const x1 = Math.floor(left + ((bx + 1) * block - block / 4) * scale);
          const y0 = Math.ceil(top + (by * block + block / 4) * scale);
          const y1 = Math.floor(top + ((by + 1) * block - block / 4) * scale);
          for (let channel = 0; channel < channels; channel++) {
            let sum = 0;
            let count = 0;
            for (let y = y0; y < y1; y++)
              for (let x = x0; x < x1; x++) {
                sum += pixels[(y * width + x) * 4 + channel]!;
                count++;
              }
            means.push(sum / count);
          }
        }
      return means;
    },
    { channels, grid, size: VIEWER_SIZE },
  );
}

function meanDifference(a: number[], b: number[]): number {
  expect(a.length).toBe(b.length);
  return a.reduce((sum, value, index) => sum + Math.abs(value - b[index]!), 0) / a.length;
}

function spread(values: number[]): number {
  return Math.max(...values) - Math.min(...values);
}

test('every transfer syntax and colour model of a disc shows as dcmtk renders it', async ({ page, app }) => {
  const errors = watchForPageErrors(page);
  await openStudy(page, app);
  const viewport = page.getByTestId('dicom-viewport');
  await expect(viewport).toHaveAttribute('data-status', 'ready', { timeout: 30_000 });
  await expect(page.getByTestId('overlay-patient')).toContainText('JANE DOE');
  await expect(page.getByTestId('overlay-study')).toContainText(study.studyDate);

  for (const file of study.files) {
    const { label } = file.variant;
    await test.step(label, async () => {
      await selectSeries(page, file.seriesNumber, label);
      await expect(page.getByTestId('overlay-series')).toContainText(label);
      await expect(viewport).toHaveAttribute('data-status', 'ready', { timeout: 20_000 });
      const expected = await readPnm(file.expected!);
      const want = blockMeans(expected);
      const tolerance = file.variant.lossy ? 8 : 4;
      // The canvas is drawn on the next animation frame: poll until it matches (or time out).
      await expect
        .poll(async () => meanDifference(await canvasBlocks(page, expected.channels), want), {
          message: `${label}: canvas vs dcm2pnm`,
          timeout: 15_000,
        })
        .toBeLessThanOrEqual(tolerance);
      // Structure, not a flat field: the square and the gradient are there.
      expect(spread(await canvasBlocks(page, expected.channels))).toBeGreaterThan(100);
      await shot(page, `70-viewer-${String(file.seriesNumber).padStart(2, '0')}-${label.replace(/\W+/g, '-')}`);
    });
  }

  // The cine's frames: it opens at frame 1; frame 2 has its square 8 rows lower.
  const cine = study.files.find((file) => file.variant.frames)!;
  await selectSeries(page, cine.seriesNumber, cine.variant.label);
  await expect(page.getByTestId('overlay-instance')).toContainText('frame 1 of 4');
  const frame1 = await canvasBlocks(page, 1, 32);
  await page.keyboard.press('ArrowDown');
  await expect(page.getByTestId('overlay-instance')).toContainText('frame 2 of 4');
  await expect.poll(async () => meanDifference(await canvasBlocks(page, 1, 32), frame1)).toBeGreaterThan(2);
  await page.getByRole('button', { name: 'Play' }).click();
  await expect(page.getByTestId('overlay-instance')).toContainText('frame 3 of 4');
  await page.getByRole('button', { name: 'Pause' }).click();
  expect(errors).toEqual([]);
});

test('a stack scrolls, windows, zooms, flips and measures; tags and placeholders', async ({ page, app }) => {
  const errors = watchForPageErrors(page);
  await openStudy(page, app);
  const viewport = page.getByTestId('dicom-viewport');
  const instance = page.getByTestId('overlay-instance');
  const stackSeries = study.files.length + 1;
  await selectSeries(page, stackSeries, STACK_LABEL);
  await expect(instance).toContainText(`Image 6 / ${study.stackLength} (instance 6)`);
  await expect(viewport).toHaveAttribute('data-status', 'ready');
  await shot(page, '71-viewer-stack');

  // Scroll: the wheel, the keys, the slider; the picture follows (the square moves down).
  await expect.poll(async () => spread(await canvasBlocks(page, 1))).toBeGreaterThan(100);
  const slice6 = await canvasBlocks(page, 1, 32);
  const box = (await viewport.boundingBox())!;
  await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
  await page.mouse.wheel(0, 120);
  await expect(instance).toContainText('Image 7 / 12 (instance 7)');
  await expect.poll(async () => meanDifference(await canvasBlocks(page, 1, 32), slice6)).toBeGreaterThan(1);
  await page.keyboard.press('ArrowDown');
  await expect(instance).toContainText('Image 8 / 12');
  await page.keyboard.press('End');
  await expect(instance).toContainText('Image 12 / 12 (instance 12)');
  await page.keyboard.press('Home');
  await expect(instance).toContainText('Image 1 / 12 (instance 1)');
  await page.keyboard.press('PageDown');
  await expect(instance).toContainText('Image 2 / 12');
  await page.getByLabel('Image in series').fill('9');
  await expect(instance).toContainText('Image 9 / 12 (instance 9)');
  await page.mouse.wheel(0, -120);
  await expect(instance).toContainText('Image 8 / 12');

  // Window/level: a drag changes the overlay and the picture; presets and the file's own.
  const wl = page.getByTestId('overlay-wl');
  await expect(wl).toHaveText('W 4096 L 2048');
  const before = await canvasBlocks(page, 1);
  await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
  await page.mouse.down();
  await page.mouse.move(box.x + box.width / 2 - 120, box.y + box.height / 2 + 40, { steps: 4 });
  await page.mouse.up();
  await expect(wl).not.toHaveText('W 4096 L 2048');
  await expect.poll(async () => meanDifference(await canvasBlocks(page, 1), before)).toBeGreaterThan(5);
  await shot(page, '72-viewer-window-drag');
  await page.getByLabel('Window preset').selectOption('lung');
  await expect(wl).toHaveText('W 1500 L -600');
  await page.getByLabel('Window preset').selectOption('bone');
  await expect(wl).toHaveText('W 1800 L 400');
  await page.getByLabel('Window preset').selectOption('file');
  await expect(wl).toHaveText('W 4096 L 2048');
  await expect.poll(async () => meanDifference(await canvasBlocks(page, 1), before)).toBeLessThan(1);

  // Invert: every block becomes its opposite.
  await page.getByRole('button', { name: 'Invert' }).click();
  await expect
    .poll(async () =>
      meanDifference(
        await canvasBlocks(page, 1),
        before.map((value) => 255 - value),
      ),
    )
    .toBeLessThan(3);
  await page.getByRole('button', { name: 'Invert' }).click();

  // Flip: the square (right of centre) moves left of it.
  const squareBlock = (blocks: number[]) => blocks[3 * 8 + 4]!; // row block 3, column block 4
  const mirrorBlock = (blocks: number[]) => blocks[3 * 8 + 3]!;
  await page.keyboard.press('Home'); // slice 1: the square at rows 8–39 (blocks 1–2)
  await expect(instance).toContainText('Image 1 / 12');
  await page.keyboard.press('End'); // slice 12: rows 52–83, block 3 inside the square
  await expect(instance).toContainText('Image 12 / 12');
  await expect.poll(async () => squareBlock(await canvasBlocks(page, 1))).toBeGreaterThan(200);
  expect(mirrorBlock(await canvasBlocks(page, 1))).toBeLessThan(150);
  await page.getByRole('button', { name: 'Flip H' }).click();
  await expect.poll(async () => mirrorBlock(await canvasBlocks(page, 1))).toBeGreaterThan(200);
  await page.getByRole('button', { name: 'Flip H' }).click();

  // Zoom by button and back with Fit; rotate and reset.
  const zoom = page.getByTestId('overlay-zoom');
  const fitted = await zoom.textContent();
  await page.getByRole('button', { name: 'Zoom in' }).click();
  await expect(zoom).not.toHaveText(fitted!);
  await page.getByRole('button', { name: 'Fit' }).click();
  await expect(zoom).toHaveText(fitted!);
  await page.getByRole('button', { name: 'Rotate' }).click();
  await shot(page, '73-viewer-rotated');
  await page.getByRole('button', { name: 'Reset' }).click();
  await expect(zoom).toHaveText(fitted!);

  // A length: 100 canvas pixels across, in millimetres (0.5 mm pixels).
  await page.getByRole('button', { name: 'Length' }).click();
  const canvasSize = await page.evaluate(() => {
    const canvas = document.querySelector<HTMLCanvasElement>('[data-testid=dicom-viewport] canvas')!;
    return { width: canvas.width, height: canvas.height };
  });
  const scale = Math.min(canvasSize.width, canvasSize.height) / VIEWER_SIZE;
  await page.mouse.move(box.x + box.width / 2 - 50, box.y + box.height / 2);
  await page.mouse.down();
  await page.mouse.move(box.x + box.width / 2 + 50, box.y + box.height / 2, { steps: 5 });
  await page.mouse.up();
  const length = Number(/Length ([\d.]+) mm/.exec((await page.getByTestId('measured-length').textContent())!)?.[1]);
  expect(length).toBeGreaterThan((100 / scale) * 0.5 * 0.97);
  expect(length).toBeLessThan((100 / scale) * 0.5 * 1.03);
  await shot(page, '74-viewer-length');
  await page.getByRole('button', { name: 'Window/level' }).click();

  // The tag panel lists the instance's data set.
  await page.getByRole('button', { name: 'Tags' }).click();
  const tags = page.getByTestId('tag-panel');
  await expect(tags.getByRole('row', { name: /Patient Name/ })).toContainText('DOE^JANE');
  await expect(tags.getByRole('row', { name: /Instance Number/ })).toContainText('12');
  await expect(tags.getByRole('row', { name: /Pixel Data/ })).toContainText('(pixel data, 32768 bytes)');
  await shot(page, '75-viewer-tags');

  // Without pixels: a placeholder, and the tags still read; lost pixels: one sentence.
  await selectSeries(page, stackSeries + 1, TRIMMED_LABEL);
  const placeholder = page.getByTestId('dicom-placeholder');
  await expect(placeholder).toHaveText('This instance has no image: a report or other data.');
  await expect(instance).toHaveText('Image 1 / 2 (instance 1)');
  await expect(tags.getByRole('row', { name: /Instance Number/ })).toContainText('1');
  await shot(page, '76-viewer-placeholder');
  await page.getByRole('button', { name: 'Tags' }).click();
  await viewport.click();
  await page.keyboard.press('ArrowDown');
  await expect(placeholder).toHaveText(/could not be (decoded|read)/);
  await expect(instance).toHaveText('Image 2 / 2 (instance 2)');
  await shot(page, '77-viewer-undecodable');

  // Escape closes the viewer, back to the document panel.
  await page.keyboard.press('Escape');
  await expect(page.getByTestId('dicom-viewer')).toBeHidden();
  await expect(page.getByTestId('study-summary')).toBeVisible();
  expect(errors).toEqual([]);
});
