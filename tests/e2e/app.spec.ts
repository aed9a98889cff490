/**
 * The patient's path through the app, in browser mode, in Debian's Chromium: create a vault, save
 * the recovery key, import a folder of PDFs and images through the UI and watch it finish, find a
 * PDF by a word inside it, retag a document and see it move category, lock, unlock with the
 * recovery key. A screenshot of each screen goes to test-results/screenshots/.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { makeDisc } from '../support/dicomFixtures';
import { makeJpeg, makePdf, makePng, writeTree } from '../support/fixtures';
import { expect, test } from './support/app';
import { PASSPHRASE, createVault, dropFile, shot, watchForPageErrors } from './support/ui';

test('a patient creates a vault, imports, finds, retags, locks and unlocks with the recovery key', async ({
  page,
  app,
}) => {
  const errors = watchForPageErrors(page);
  const records = join(app.workDir, 'records');
  await writeTree(records, {
    'labs/2023-04-05 lipid panel.pdf': await makePdf(
      ['Lipid panel', 'Total cholesterol 182 mg/dL', 'Marker: quetzalcoatl'],
      {
        title: 'Lipid panel',
      },
    ),
    'labs/2024-01-05 mri knee.pdf': await makePdf(['MRI left knee', 'Impression: meniscal tear']),
    'bills/2024-01-20 statement.pdf': await makePdf(['Billing statement', 'Amount due 1,250.00']),
    'photos/rash.jpg': makeJpeg(320, 240, 11),
    'photos/insurance card.png': makePng(300, 190, 12),
  });

  // Create the vault.
  await page.goto(app.openUrl);
  await expect(page.getByRole('heading', { level: 1 })).toContainText(/Create/i);
  await shot(page, '01-create-vault');
  await page.getByLabel('Passphrase', { exact: true }).fill(PASSPHRASE);
  await page.getByLabel('Repeat the passphrase').fill(PASSPHRASE);
  await shot(page, '02-create-vault-filled');
  await page.getByRole('button', { name: 'Create vault' }).click();

  // The recovery key, once, behind "I have saved it".
  const recoveryKey = (await page.getByTestId('recovery-key').textContent())!.replace(/\s+/g, '');
  expect(recoveryKey).toMatch(/^([0-9A-Z]{4}-){7}[0-9A-Z]{4}$/);
  const proceed = page.getByRole('button', { name: 'Continue to my records' });
  await expect(proceed).toBeDisabled();
  await shot(page, '03-recovery-key');
  await page.getByLabel('I have saved my recovery key somewhere safe.').check();
  await proceed.click();

  // The empty library says how to import.
  await expect(page.getByTestId('empty-vault')).toBeVisible();
  await expect(page.getByTestId('empty-vault')).toContainText(/import/i);
  await shot(page, '04-library-empty');

  // Import the folder through the folder browser, and watch the progress finish.
  await page.getByRole('button', { name: 'Import…' }).first().click();
  const dialog = page.getByTestId('import-dialog');
  await expect(dialog).toBeVisible();
  await dialog.getByLabel('Folder', { exact: true }).fill(records);
  await dialog.getByRole('button', { name: 'Go' }).click();
  await dialog.getByLabel('Select everything in this folder').check();
  await shot(page, '05-import-choose');
  await dialog.getByRole('button', { name: 'Import', exact: true }).click();
  const report = page.getByTestId('import-report');
  await expect(page.getByTestId('import-progress').or(report)).toBeVisible();
  await shot(page, '06-import-progress');
  await expect(report).toBeVisible({ timeout: 60_000 });
  await expect(report).toContainText('5');
  await shot(page, '07-import-report');
  await page.getByRole('button', { name: 'Done' }).click();

  const table = page.getByTestId('document-table');
  await expect(table.getByRole('row')).toHaveCount(6); // header + 5 documents
  await shot(page, '08-library');

  // Find a PDF by a word that is only inside it.
  await page.getByLabel('Search documents').fill('quetzalcoatl');
  await expect(table.getByRole('row')).toHaveCount(2);
  await expect(table.getByRole('row').nth(1)).toContainText('Lipid panel');
  await shot(page, '09-search');

  // Open it: the details and a preview of the PDF, rendered by pdf.js.
  await table.getByRole('row').nth(1).click();
  const panel = page.getByTestId('document-panel');
  await expect(panel).toBeVisible();
  await expect(panel.locator('canvas').first()).toBeVisible({ timeout: 20_000 });
  await shot(page, '10-document-pdf');

  // Its text filed it as a lab result (a medical record), and says why; the patient corrects the
  // type (a billing record now) and the provider, and the sidebar counts follow.
  const sidebar = page.getByRole('navigation', { name: 'Categories' });
  await expect(panel.getByLabel('Type', { exact: true })).toHaveValue('lab-result');
  await expect(panel.getByTestId('type-basis')).toContainText("phrase 'Lipid panel'");
  const medical = sidebar.getByRole('button', { name: /Medical records/ }).locator('.nav-count');
  const billing = sidebar.getByRole('button', { name: /Billing records/ }).locator('.nav-count');
  const medicalBefore = Number(await medical.textContent());
  expect(medicalBefore).toBeGreaterThan(0);
  const billingBefore = Number(await billing.textContent());
  await panel.getByLabel('Type', { exact: true }).selectOption('itemized-bill');
  await panel.getByLabel('Provider', { exact: true }).fill('Mercy Lab');
  await panel.getByRole('button', { name: 'Save' }).click();
  await expect(billing).toHaveText(String(billingBefore + 1));
  await expect(medical).toHaveText(String(medicalBefore - 1));
  await expect(panel.getByTestId('type-basis')).toHaveCount(0); // the patient's choice needs no reason
  await panel.getByLabel('Type', { exact: true }).selectOption('lab-result');
  await panel.getByRole('button', { name: 'Save' }).click();
  await expect(medical).toHaveText(String(medicalBefore));
  await shot(page, '11-document-retagged');
  await page.keyboard.press('Escape');
  await expect(panel).toBeHidden();
  await page.getByRole('button', { name: 'Clear filters' }).click();
  await expect(page.getByLabel('Search documents')).toHaveValue('');
  await expect(table.getByRole('row')).toHaveCount(6);
  await sidebar.getByRole('button', { name: /Medical records/ }).click();
  await expect(table.getByRole('row')).toHaveCount(medicalBefore + 1);
  await expect(table).toContainText('Lipid panel');
  await shot(page, '12-category-medical');

  // An image opens in the plain preview.
  await sidebar.getByRole('button', { name: /All documents/ }).click();
  await table.getByRole('row', { name: /rash/i }).click();
  await expect(panel.locator('img')).toBeVisible();
  await expect.poll(() => panel.locator('img').evaluate((img: HTMLImageElement) => img.naturalWidth)).toBe(320);
  await shot(page, '13-document-image');
  await page.keyboard.press('Escape');

  // Lock: nothing of the vault stays on screen.
  await page.getByRole('button', { name: 'Lock' }).click();
  await expect(page.getByRole('heading', { level: 1 })).toContainText(/Unlock/i);
  await expect(page.locator('body')).not.toContainText('Lipid panel');
  await shot(page, '14-locked');

  // A wrong passphrase says so.
  await page.getByLabel('Passphrase', { exact: true }).fill('not my passphrase');
  await page.getByRole('button', { name: 'Unlock' }).click();
  await expect(page.getByText('The passphrase is incorrect.')).toBeVisible();
  await shot(page, '15-wrong-passphrase');

  // Unlock with the recovery key instead.
  await page.getByRole('button', { name: /recovery key/i }).click();
  await page.getByLabel('Recovery key', { exact: true }).fill(recoveryKey.toLowerCase());
  await shot(page, '16-unlock-recovery-key');
  await page.getByRole('button', { name: 'Unlock' }).click();
  await expect(table.getByRole('row')).toHaveCount(6);
  await expect(table).toContainText('Lipid panel');
  await shot(page, '17-unlocked');

  expect(errors).toEqual([]);
});

test('files dropped on the window are imported, and a locked vault refuses the document URL', async ({ page, app }) => {
  const errors = watchForPageErrors(page);
  await createVault(page, app.openUrl);
  await expect(page.getByTestId('empty-vault')).toBeVisible();

  const pdf = await makePdf(['Referral to orthopaedics', 'Marker: xylophonist']);
  await dropFile(page, 'dragenter', '2024-05-06 referral.pdf', 'application/pdf', pdf);
  await expect(page.getByTestId('drop-overlay')).toBeVisible();
  await shot(page, '20-drop-overlay');
  await dropFile(page, 'drop', '2024-05-06 referral.pdf', 'application/pdf', pdf);
  await expect(page.getByTestId('import-report')).toBeVisible({ timeout: 60_000 });
  await shot(page, '21-drop-report');
  await page.getByRole('button', { name: 'Done' }).click();

  await page.getByLabel('Search documents').fill('xylophonist');
  const table = page.getByTestId('document-table');
  await expect(table.getByRole('row')).toHaveCount(2);
  await expect(table).toContainText('May 6, 2024'); // the date from the file name
  const documentId = await table.getByRole('row').nth(1).getAttribute('data-document-id');
  expect(documentId).toMatch(/^[0-9a-z]{12}$/);

  const before = await page.evaluate(async (url) => (await fetch(url)).status, `/files/${documentId}/0`);
  expect(before).toBe(200);
  await page.getByRole('button', { name: 'Lock' }).click();
  await expect(page.getByRole('heading', { level: 1 })).toContainText(/Unlock/i);
  const after = await page.evaluate(async (url) => (await fetch(url)).status, `/files/${documentId}/0`);
  expect(after).toBe(403);
  expect(errors).toEqual([]);
});

test('the page reached without the token shows nothing', async ({ page, app }) => {
  const response = await page.goto(app.url);
  expect(response?.status()).toBe(401);
  await expect(page.locator('body')).not.toContainText('Create');
});

test('a hospital disc is imported through "Import disc or USB": one document per study, the patient named', async ({
  page,
  app,
}) => {
  const errors = watchForPageErrors(page);
  const disc = await makeDisc(join(app.workDir, 'cdrom'));
  await createVault(page, app.openUrl);

  await page.getByRole('button', { name: 'Import disc or USB…' }).click();
  const dialog = page.getByTestId('import-dialog');
  await expect(dialog.getByLabel('Where are these records from?')).toHaveValue('disc');
  await dialog.getByLabel('Folder', { exact: true }).fill(disc.root);
  await dialog.getByRole('button', { name: 'Go' }).click();
  await dialog.getByLabel('Select everything in this folder').check();
  await dialog.getByRole('button', { name: 'Import', exact: true }).click();
  const report = page.getByTestId('import-report');
  await expect(report).toBeVisible({ timeout: 60_000 });
  await expect(page.getByTestId('import-patients')).toContainText('JANE DOE, ID MRN12345');
  await expect(report.locator('[data-count=imported] dd')).toHaveText('3'); // two studies and the report PDF
  await expect(report.locator('[data-count=failed] dd')).toHaveText('0');
  // The patient says the disc is theirs: later imports warn about records naming someone else.
  await page.getByTestId('import-patients').getByRole('button', { name: 'This is me' }).click();
  await expect(page.getByTestId('import-patients')).toContainText('The vault’s owner: JANE DOE, ID MRN12345');
  await shot(page, '30-disc-report');
  await page.getByRole('button', { name: 'Done' }).click();

  const table = page.getByTestId('document-table');
  await expect(table.getByRole('row')).toHaveCount(4);
  await expect(table).toContainText('CT — CHEST WITHOUT CONTRAST');
  await expect(table).toContainText('MR — BRAIN W/WO CONTRAST');
  await shot(page, '31-disc-library');
  await table.getByRole('row', { name: /CT — CHEST/ }).click();
  await expect(page.getByTestId('study-summary')).toContainText('1 series, 6 images; patient JANE DOE, ID MRN12345');
  await shot(page, '32-disc-study');
  expect(errors).toEqual([]);
});

test('a C-CDA document dropped on the window is filed by its code and reads as a page', async ({ page, app }) => {
  const errors = watchForPageErrors(page);
  const xml = await readFile(join(process.cwd(), 'tests/fixtures/ccda/Progress_Note.xml'));
  await createVault(page, app.openUrl);
  await expect(page.getByTestId('empty-vault')).toBeVisible();
  await dropFile(page, 'drop', 'Progress_Note.xml', 'text/xml', xml);
  await expect(page.getByTestId('import-report')).toBeVisible({ timeout: 60_000 });
  await page.getByRole('button', { name: 'Done' }).click();
  const table = page.getByTestId('document-table');
  await expect(table.getByRole('row', { name: /Progress Note/ })).toContainText('Clinical note');
  await table.getByRole('row', { name: /Progress Note/ }).click();
  const readable = page.getByTestId('readable-document');
  await expect(readable).toContainText('CHIEF COMPLAINT');
  await expect(readable).toContainText('Dark stools.');
  await expect(readable.getByRole('columnheader', { name: 'Substance' })).toBeVisible();
  await shot(page, '40-ccda-readable');
  expect(errors).toEqual([]);
});
