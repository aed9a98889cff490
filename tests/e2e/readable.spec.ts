/**
 * FHIR billing records read as pages: a payer's claims download dropped on the window, its
 * explanation of benefits opened, the paid amounts laid out, the original JSON one click away.
 */
import { claimsBundle } from '../support/fhirFixtures';
import { expect, test } from './support/app';
import { createVault, dropFile, shot, watchForPageErrors } from './support/ui';

test('an explanation of benefits from a FHIR download reads as a page, with the JSON one click away', async ({
  page,
  app,
}) => {
  const errors = watchForPageErrors(page);
  await createVault(page, app.openUrl);
  await expect(page.getByTestId('empty-vault')).toBeVisible();
  await dropFile(page, 'drop', 'claims.json', 'application/json', Buffer.from(JSON.stringify(claimsBundle())));
  await expect(page.getByTestId('import-report')).toBeVisible({ timeout: 60_000 });
  await page.getByRole('button', { name: 'Done' }).click();

  const table = page.getByTestId('document-table');
  await table.getByRole('row', { name: /Explanation of benefits/ }).click();
  const readable = page.getByTestId('readable-document');
  await expect(readable.getByRole('heading', { name: 'Explanation of benefits — Dr. Robin Lee' })).toBeVisible();
  await expect(readable).toContainText('Denied: 50 — Not deemed a medical necessity by the payer');
  const services = readable.getByRole('table').first();
  await expect(services.getByRole('columnheader', { name: 'Paid to provider' })).toBeVisible();
  const paid = services.getByRole('row', { name: /99223/ }).getByRole('cell', { name: '$552.00' }).first();
  await expect(paid).toBeVisible();
  // Amounts line up on the right.
  expect(await paid.evaluate((cell) => getComputedStyle(cell).textAlign)).toBe('right');
  await shot(page, '50-fhir-eob-readable');
  await readable.getByRole('heading', { name: 'Payment' }).scrollIntoViewIfNeeded();
  await shot(page, '50-fhir-eob-readable-totals');

  await page.getByRole('button', { name: 'Show the original JSON / XML' }).click();
  const original = page.getByLabel('The original file');
  await expect(original).toContainText('"resourceType": "ExplanationOfBenefit"');
  // The narrative's markup is shown as the text it is, never run or loaded.
  await expect(original).toContainText('<script>alert(1)</script>');
  await shot(page, '51-fhir-eob-original');
  await page.getByRole('button', { name: 'Show as a page' }).click();
  await expect(readable).toBeVisible();
  expect(errors).toEqual([]);
});
