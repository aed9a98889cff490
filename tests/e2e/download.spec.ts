/**
 * A portal's "download everything" zip dropped on the window: the IHE XDM package inside it is
 * opened, and each document filed by the package's metadata, with the reason shown.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { writeXdmZip } from '../support/xdmFixtures';
import { expect, test } from './support/app';
import { createVault, dropFile, shot, watchForPageErrors } from './support/ui';

test('a dropped portal download (a zip with an XDM package inside) is filed by its metadata', async ({ page, app }) => {
  const errors = watchForPageErrors(page);
  const zipPath = join(app.workDir, 'my-records.zip');
  await writeXdmZip(zipPath, { nestedIn: 'IHE_XDM_PACKAGE.zip' });
  await createVault(page, app.openUrl);
  await dropFile(page, 'drop', 'my-records.zip', 'application/zip', await readFile(zipPath));
  const report = page.getByTestId('import-report');
  await expect(report).toBeVisible({ timeout: 60_000 });
  await shot(page, '63-download-report');
  await page.getByRole('button', { name: 'Done' }).click();

  const table = page.getByTestId('document-table');
  const operative = table.getByRole('row', { name: /Operative report, right knee arthroscopy/ });
  await expect(operative).toContainText('Operative report');
  await expect(operative).toContainText('Feb 15, 2024');
  await expect(operative).toContainText('Lakeside Surgical Center');
  await expect(table.getByRole('row', { name: /cover letter/ })).toBeVisible();
  await operative.click();
  await expect(page.getByTestId('type-basis')).toHaveText('Suggested (95%): XDS type code, LOINC 11504-8');
  await expect(page.getByTestId('date-basis')).toHaveText('Suggested (90%): XDS service start time');
  await shot(page, '64-download-filed-by-metadata');
  expect(errors).toEqual([]);
});
