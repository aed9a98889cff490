/**
 * Key images in the DICOM viewer (issue 7): marked with the toolbar's toggle and with K, a slice
 * and a frame of a cine; the star on the image, the count on the series' thumbnail and the "Key
 * images (n)" list; unmarked again; kept when the viewer is opened again, where the list jumps to
 * them. Screenshots are test-results/screenshots/78-…
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from '@playwright/test';
import { STACK_LABEL, makeViewerStudy, type ViewerStudy } from '../support/viewerFixtures';
import { expect, test } from './support/app';
import { shot, watchForPageErrors } from './support/ui';
import { importViewerStudy, openViewer } from './support/viewer';

let fixtureRoot: string;
let study: ViewerStudy;

test.beforeAll(async () => {
  fixtureRoot = await mkdtemp(join(tmpdir(), 'medvault-key-images-'));
  study = await makeViewerStudy(fixtureRoot, 8);
});

test.afterAll(async () => {
  await rm(fixtureRoot, { recursive: true, force: true });
});

async function openViewerReady(page: Page): Promise<void> {
  await openViewer(page);
  await expect(page.getByTestId('dicom-viewport')).toHaveAttribute('data-status', 'ready', { timeout: 30_000 });
}

async function selectSeries(page: Page, label: string): Promise<void> {
  await page.getByTestId('series-thumbnail').filter({ hasText: label }).click();
  await expect(page.getByTestId('overlay-series')).toContainText(label);
  await expect(page.getByTestId('dicom-viewport')).toHaveAttribute('data-status', 'ready', { timeout: 20_000 });
}

test('key images are marked by button and K, shown on the image, listed, and kept', async ({ page, app }) => {
  const errors = watchForPageErrors(page);
  await importViewerStudy(page, app, study.dir);
  await openViewerReady(page);
  const toggle = page.getByRole('button', { name: 'Mark as key image' });
  const marker = page.getByTestId('key-image-marker');
  const list = page.getByTestId('key-image-list');
  const instance = page.getByTestId('overlay-instance');
  const stackThumb = page.getByTestId('series-thumbnail').filter({ hasText: STACK_LABEL });
  const cine = study.files.find((file) => file.variant.frames)!;

  await selectSeries(page, STACK_LABEL);
  await expect(instance).toContainText('Image 4 / 8 (instance 4)');
  await expect(toggle).toHaveAttribute('aria-pressed', 'false');
  await expect(toggle).toHaveAttribute('title', /what packets show of this study/);
  await expect(marker).toBeHidden();
  await expect(list.getByRole('heading')).toHaveText('Key images (0)');
  await expect(list).toContainText('Key images are what packets show of this study');

  // The button marks the slice on screen: the star on the image, the count on the thumbnail.
  await toggle.click();
  await expect(toggle).toHaveAttribute('aria-pressed', 'true');
  await expect(marker).toBeVisible();
  await expect(marker).toHaveText('Key image');
  await expect(list.getByRole('heading')).toHaveText('Key images (1)');
  await expect(stackThumb.getByTestId('series-key-images')).toHaveText('1 key image');

  // The next slice is not marked; K marks it.
  await page.getByTestId('dicom-viewport').click();
  await page.keyboard.press('ArrowDown');
  await expect(instance).toContainText('Image 5 / 8 (instance 5)');
  await expect(marker).toBeHidden();
  await expect(toggle).toHaveAttribute('aria-pressed', 'false');
  await page.keyboard.press('k');
  await expect(marker).toBeVisible();
  await expect(list.getByRole('heading')).toHaveText('Key images (2)');
  await expect(stackThumb.getByTestId('series-key-images')).toHaveText('2 key images');

  // A frame of a cine: marked frame by frame.
  await selectSeries(page, cine.variant.label);
  await page.getByTestId('dicom-viewport').click();
  await page.keyboard.press('ArrowDown');
  await page.keyboard.press('ArrowDown');
  await expect(instance).toContainText('frame 3 of 4');
  await page.keyboard.press('K');
  await expect(marker).toBeVisible();
  await page.keyboard.press('ArrowUp');
  await expect(instance).toContainText('frame 2 of 4');
  await expect(marker).toBeHidden();
  await page.keyboard.press('ArrowDown');
  await expect(marker).toBeVisible();
  await expect(list.getByRole('listitem')).toHaveText([
    'Series 16, image 4',
    'Series 16, image 5',
    `Series ${cine.seriesNumber}, image 1, frame 3`,
  ]);
  await shot(page, '78-viewer-key-image');

  // K again unmarks it; marked again, it goes to the end of the list.
  await page.keyboard.press('k');
  await expect(marker).toBeHidden();
  await expect(list.getByRole('heading')).toHaveText('Key images (2)');
  await page.keyboard.press('k');
  await expect(list.getByRole('heading')).toHaveText('Key images (3)');

  // Closed and opened again: the marks come from the vault; the list jumps to one.
  await page.keyboard.press('Escape');
  await expect(page.getByTestId('dicom-viewer')).toBeHidden();
  await openViewerReady(page);
  await expect(list.getByRole('heading')).toHaveText('Key images (3)');
  await expect(stackThumb.getByTestId('series-key-images')).toHaveText('2 key images');
  await list.getByRole('button', { name: 'Series 16, image 5' }).click();
  await expect(page.getByTestId('overlay-series')).toContainText(STACK_LABEL);
  await expect(instance).toContainText('Image 5 / 8 (instance 5)');
  await expect(page.getByTestId('dicom-viewport')).toHaveAttribute('data-status', 'ready');
  await expect(marker).toBeVisible();
  await expect(toggle).toHaveAttribute('aria-pressed', 'true');
  await list.getByRole('button', { name: `Series ${cine.seriesNumber}, image 1, frame 3` }).click();
  await expect(instance).toContainText('frame 3 of 4');
  await expect(marker).toBeVisible();
  await list.getByRole('button', { name: 'Series 16, image 4' }).click();
  await expect(instance).toContainText('Image 4 / 8 (instance 4)');
  await expect(marker).toBeVisible();
  await shot(page, '79-viewer-key-images-reopened');
  expect(errors).toEqual([]);
});
