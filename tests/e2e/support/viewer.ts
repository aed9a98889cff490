/** The DICOM viewer's e2e tests: a study folder imported in the UI and opened. */
import type { Page } from '@playwright/test';
import { expect, type RunningApp } from './app';
import { createVault } from './ui';

/** Creates the vault, imports the viewer study's folder and selects the study in the library. */
export async function importViewerStudy(page: Page, app: RunningApp, dir: string): Promise<void> {
  await createVault(page, app.openUrl);
  await page.getByRole('button', { name: 'Import…' }).first().click();
  const dialog = page.getByTestId('import-dialog');
  await dialog.getByLabel('Folder', { exact: true }).fill(dir);
  await dialog.getByRole('button', { name: 'Go' }).click();
  await dialog.getByLabel('Select everything in this folder').check();
  await dialog.getByRole('button', { name: 'Import', exact: true }).click();
  await expect(page.getByTestId('import-report')).toBeVisible({ timeout: 60_000 });
  await expect(page.getByTestId('import-report').locator('[data-count=failed] dd')).toHaveText('0');
  await page.getByRole('button', { name: 'Done' }).click();
  await page
    .getByTestId('document-table')
    .getByRole('row', { name: /Viewer test study/ })
    .click();
  await expect(page.getByTestId('study-summary')).toBeVisible();
}

/** "Open viewer" on the study's summary. */
export async function openViewer(page: Page): Promise<void> {
  await page.getByRole('button', { name: 'Open viewer' }).click();
  await expect(page.getByTestId('dicom-viewer')).toBeVisible();
}
