/**
 * Paper records filed by their text: the suggestion's reason under each field, and the
 * "Needs review" view for what Medvault could not be sure of, emptied by "Looks right".
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { makePdf } from '../support/fixtures';
import { pngOf, textPage } from '../support/scanFixtures';
import { expect, test } from './support/app';
import { createVault, dropFile, shot, watchForPageErrors } from './support/ui';

const PAPER = join(import.meta.dirname, '../fixtures/paper');

test('an EOB is filed by its text with its reasons shown; an unrecognised note waits in "Needs review"', async ({
  page,
  app,
}) => {
  const errors = watchForPageErrors(page);
  await createVault(page, app.openUrl);
  await expect(page.getByTestId('empty-vault')).toBeVisible();
  for (const name of ['eob', 'unrecognisable']) {
    const pdf = await makePdf([await readFile(join(PAPER, `${name}.txt`), 'utf8')]);
    await dropFile(page, 'drop', `${name}.pdf`, 'application/pdf', pdf);
    await expect(page.getByTestId('import-report')).toBeVisible({ timeout: 60_000 });
    await page.getByRole('button', { name: 'Done' }).click();
  }

  const table = page.getByTestId('document-table');
  const eobRow = table.getByRole('row', { name: /eob/ });
  await expect(eobRow).toContainText('Explanation of benefits');
  await expect(eobRow).toContainText('Cedar Valley Life Insurance Company');
  await expect(table.getByRole('row', { name: /unrecognisable/ })).toContainText('Check');
  await eobRow.click();
  await expect(page.getByTestId('type-basis')).toHaveText(
    "Suggested (92%): phrase 'EXPLANATION OF BENEFITS' and 4 more signs",
  );
  await expect(page.getByTestId('date-basis')).toHaveText("Suggested (90%): 'Date(s) of Service 02/27/2024'");
  await expect(page.getByTestId('provider-basis')).toContainText("letterhead 'Cedar Valley Life Insurance Company'");
  await expect(page.getByTestId('review-banner')).toHaveCount(0);
  await shot(page, '60-filed-by-text');

  const reviewNav = page.getByRole('button', { name: /Needs review/ });
  await expect(reviewNav).toContainText('1');
  await reviewNav.click();
  await expect(page.getByRole('heading', { name: 'Needs review', level: 1 })).toBeVisible();
  await expect(table.getByRole('row')).toHaveCount(2); // the header and the one note
  await table.getByRole('row', { name: /unrecognisable/ }).click();
  const banner = page.getByTestId('review-banner');
  await expect(banner).toContainText('Medvault could not be sure of the type and the date of this document.');
  await shot(page, '61-needs-review');

  await banner.getByRole('button', { name: 'Looks right' }).click();
  await expect(banner).toHaveCount(0);
  await expect(page.getByTestId('nothing-to-review')).toBeVisible();
  await expect(reviewNav).toContainText('0');
  await shot(page, '62-nothing-to-review');
  expect(errors).toEqual([]);
});

test('a photo of a letter dropped on the window is read after the import and filed by its words', async ({
  page,
  app,
}) => {
  const errors = watchForPageErrors(page);
  await createVault(page, app.openUrl);
  const photo = await pngOf(
    textPage(['Explanation of Benefits', 'This is not a bill', 'Date of service 03/14/2024', 'Marker pangolin']),
  );
  await dropFile(page, 'drop', 'phone photo.png', 'image/png', photo);
  await expect(page.getByTestId('import-report')).toBeVisible({ timeout: 60_000 });
  await page.getByRole('button', { name: 'Done' }).click();
  const row = page.getByTestId('document-table').getByRole('row', { name: /phone photo/ });
  // Stored at once, read by OCR in the background; the list follows when the text is read.
  await expect(row).toContainText('Explanation of benefits', { timeout: 60_000 });
  await expect(row).toContainText('Mar 14, 2024');
  await expect(page.getByTestId('text-progress')).toHaveCount(0);
  await page.getByLabel('Search documents').fill('pangolin');
  await expect(page.getByTestId('document-table').getByRole('row')).toHaveCount(2);
  await shot(page, '65-photo-filed-by-ocr');
  expect(errors).toEqual([]);
});
