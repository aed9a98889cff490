/**
 * Scanned paper in the import dialog: two page images (one picked, one dropped on the window),
 * put in order and the upside-down one turned, imported as one document whose words, read by
 * OCR, find it.
 */
import { expect, test } from './support/app';
import { createVault, dropFile, shot, watchForPageErrors } from './support/ui';
import { jpegOf, pngOf, textPage } from '../support/scanFixtures';

test('a two-page scan is put in order, turned, imported as one PDF, and found by a word read by OCR', async ({
  page,
  app,
}) => {
  const errors = watchForPageErrors(page);
  await createVault(page, app.openUrl);
  await expect(page.getByTestId('empty-vault')).toBeVisible();
  await page
    .getByRole('button', { name: /Import records/ })
    .first()
    .click();
  const dialog = page.getByTestId('import-dialog');
  await dialog.getByLabel('Where are these records from?').selectOption('scan');

  // Page 2 of the letter, upside down on the glass, is picked first; page 1 is dropped after it.
  const second = await jpegOf(textPage(['Page two penguin', 'Follow up in May'], { turn: 180 }));
  const first = await pngOf(textPage(['Cardiology clinic letter', 'Dear patient walrus']));
  await dialog
    .getByTestId('scan-page-input')
    .setInputFiles({ name: 'back.jpg', mimeType: 'image/jpeg', buffer: second });
  await dropFile(page, 'drop', 'front.png', 'image/png', first);
  const pages = dialog.getByTestId('scan-page');
  await expect(pages).toHaveCount(2);
  await expect(pages.nth(0)).toContainText('back.jpg');

  await dialog.getByRole('button', { name: 'Move page 2 up' }).click();
  await expect(pages.nth(0)).toContainText('front.png');
  await expect(pages.nth(1)).toContainText('back.jpg');
  await dialog.getByRole('button', { name: 'Turn page 2 right' }).click();
  await dialog.getByRole('button', { name: 'Turn page 2 right' }).click();
  await expect(pages.nth(1)).toContainText('turned 180°');
  await expect(pages.nth(0)).toContainText('turned upright automatically');
  await dialog.getByLabel('Title').fill('Cardiology letter');
  await expect(dialog.getByLabel('Keep as one document')).toBeChecked();
  // No scanner interface here: no Scan button.
  await expect(dialog.getByRole('button', { name: 'Scan a page' })).toHaveCount(0);
  await shot(page, '70-scan-pages');

  await dialog.getByRole('button', { name: 'Import', exact: true }).click();
  const report = page.getByTestId('import-report');
  await expect(report).toBeVisible({ timeout: 60_000 });
  await expect(report).toContainText('1');
  await shot(page, '71-scan-report');
  await page.getByRole('button', { name: 'Done' }).click();

  const table = page.getByTestId('document-table');
  await expect(table.getByRole('row')).toHaveCount(2); // header + the one scanned document
  await page.getByLabel('Search documents').fill('penguin');
  await expect(table.getByRole('row')).toHaveCount(2);
  await expect(table.getByRole('row').nth(1)).toContainText('Cardiology letter');
  await table.getByRole('row').nth(1).click();
  const panel = page.getByTestId('document-panel');
  await expect(panel.locator('canvas').first()).toBeVisible({ timeout: 20_000 });
  await expect(panel).toContainText('Page 1 of 2');
  await shot(page, '72-scan-document');
  // The second page, turned as the patient asked: upright in the PDF.
  await panel.getByRole('button', { name: 'Next page' }).click();
  await expect(panel).toContainText('Page 2 of 2');
  await shot(page, '73-scan-document-page-2');

  expect(errors).toEqual([]);
});
