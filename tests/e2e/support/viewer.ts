/** The DICOM viewer's e2e tests: a study folder imported in the UI and opened. */
import type { Page } from '@playwright/test';
import { expect, type RunningApp } from './app';
import { createVault, importFolder } from './ui';

/** Creates the vault, imports the viewer study's folder and selects the study in the library. */
export async function importViewerStudy(page: Page, app: RunningApp, dir: string): Promise<void> {
  await createVault(page, app.openUrl);
  await importFolder(page, dir);
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
