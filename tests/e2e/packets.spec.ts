/**
 * Making an appeal packet in the UI: documents found by search and ticked, dragged into order,
 * the recipient and the claim filled in, the page list checked, a psychotherapy note kept out
 * (after its warning) and then included only by the explicit choice, the PDF written and read
 * back from disk, and the packet found in the disclosure log.
 */
import { mkdir, readFile, readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Locator, Page } from '@playwright/test';
import { PDFDocument } from 'pdf-lib';
import { getDocument } from 'pdfjs-dist/legacy/build/pdf.mjs';
import { INSTITUTION, JANE, SOP_CLASS, newUid, writeDicomImage } from '../support/dicomFixtures';
import { makePdf } from '../support/fixtures';
import { expect, test } from './support/app';
import { createVault, dropFile, importFolder, shot, watchForPageErrors } from './support/ui';

const PAPER = join(import.meta.dirname, '../fixtures/paper');

/** Step 2 of a new-provider packet: the patient, and the folder to save in; then on to the page list. */
async function detailsForNewProvider(builder: Locator, out: string): Promise<void> {
  await builder.getByRole('button', { name: 'Next' }).click();
  const patient = builder.getByRole('group', { name: 'Patient' });
  await patient.getByLabel(/Name/).fill('Jane Q. Doe');
  await patient.getByLabel(/Date of birth/).fill('1970-01-01');
  const saveTo = builder.getByRole('group', { name: 'Save to' });
  await saveTo.getByLabel('Folder', { exact: true }).fill(out);
  await saveTo.getByRole('button', { name: 'Go' }).click();
  await expect(saveTo.getByText(`${out}/Records `)).toBeVisible();
  await builder.getByRole('button', { name: 'Next' }).click();
}

/** Paper records from the fixtures, as PDFs dropped on the window one by one. */
async function dropPaper(page: Page, names: string[]): Promise<void> {
  for (const name of names) {
    const pdf = await makePdf([await readFile(join(PAPER, `${name}.txt`), 'utf8')]);
    await dropFile(page, 'drop', `${name}.pdf`, 'application/pdf', pdf);
    await expect(page.getByTestId('import-report')).toBeVisible({ timeout: 60_000 });
    await page.getByRole('button', { name: 'Done' }).click();
  }
}

async function pdfText(bytes: Buffer): Promise<string[]> {
  const pdf = await getDocument({ data: new Uint8Array(bytes), isEvalSupported: false, verbosity: 0 }).promise;
  const pages: string[] = [];
  for (let n = 1; n <= pdf.numPages; n++) {
    const content = await (await pdf.getPage(n)).getTextContent();
    pages.push(content.items.map((item) => ('str' in item ? item.str : '')).join(' '));
  }
  await pdf.destroy();
  return pages;
}

test('an appeal packet made in the UI: chosen, ordered, checked, written and logged', async ({ page, app }) => {
  test.setTimeout(180_000);
  const errors = watchForPageErrors(page);
  const out = join(app.workDir, 'packets');
  await mkdir(out);
  await createVault(page, app.openUrl);
  await dropPaper(page, ['denial-letter', 'imaging-report', 'eob', 'psychotherapy-note']);

  await page.getByRole('button', { name: 'Make a packet…' }).click();
  const builder = page.getByTestId('packet-builder');
  await expect(builder.getByRole('radio', { name: /Insurance appeal/ })).toBeChecked();
  const found = builder.getByRole('list', { name: 'Documents found' });
  await expect(found.getByRole('listitem')).toHaveCount(4);

  // By the filters: everything the search for "denied" shows; then by hand.
  await builder.getByLabel('Search documents').fill('denied');
  await expect(found.getByRole('listitem')).toHaveCount(1);
  await builder.getByRole('button', { name: /Add all 1 shown document/ }).click();
  await builder.getByLabel('Search documents').fill('');
  await expect(found.getByRole('listitem')).toHaveCount(4);
  for (const name of ['imaging-report', 'eob', 'psychotherapy-note']) {
    await found.getByRole('listitem').filter({ hasText: name }).getByRole('checkbox').check();
  }
  const items = builder.getByTestId('packet-item');
  await expect(items).toHaveCount(4);
  await expect(items.nth(0)).toContainText('denial-letter');
  await expect(items.filter({ hasText: 'psychotherapy-note' })).toContainText('Left out unless you include');

  // The EOB dragged to the top; the imaging report moved down by keyboard.
  await items.filter({ hasText: 'eob' }).dragTo(items.nth(0));
  await expect(items.nth(0)).toContainText('eob');
  await expect(items.nth(1)).toContainText('denial-letter');
  await items
    .filter({ hasText: 'imaging-report' })
    .getByRole('button', { name: /position/ })
    .focus();
  await page.keyboard.press('Alt+ArrowDown');
  await expect(items.nth(3)).toContainText('imaging-report');
  await expect(items.nth(2)).toContainText('psychotherapy-note');
  await shot(page, '80-packet-documents');

  await builder.getByRole('button', { name: 'Next' }).click();
  await builder.getByLabel('Name', { exact: true }).first().fill('Appeals Unit');
  await builder.getByLabel('Organisation').fill('Cedar Valley Life Insurance Company');
  await builder.getByLabel('Address').fill('PO Box 100\nCedar Valley, IA 50000');
  const patient = builder.getByRole('group', { name: 'Patient' });
  await patient.getByLabel(/Name/).fill('Jane Q. Doe');
  await patient.getByLabel(/Date of birth/).fill('1970-01-01');
  await builder.getByLabel('Member ID').fill('CVL-55120');
  await builder.getByLabel('Claim number').fill('CLM-2024-0227');
  await builder.getByLabel('Date(s) of service').fill('02/27/2024');
  await builder.getByLabel('Date of the denial').fill('2024-03-20');
  await builder.getByLabel(/Why the denial is wrong/).fill('The MRI was ordered after six weeks of failed therapy.');
  await builder.locator('.packet-step-body').evaluate((element) => element.scrollTo(0, 0));
  await shot(page, '81-packet-details-top');
  await expect(builder.getByRole('radio', { name: /One PDF/ })).toBeChecked();
  const saveTo = builder.getByRole('group', { name: 'Save to' });
  await saveTo.getByLabel('Folder', { exact: true }).fill(out);
  await saveTo.getByRole('button', { name: 'Go' }).click();
  await expect(saveTo.getByText(`${out}/Appeal `)).toBeVisible();
  await saveTo.getByLabel('Name', { exact: true }).fill('Appeal CLM-2024-0227');
  await shot(page, '81-packet-details');

  await builder.getByRole('button', { name: 'Next' }).click();
  const plan = builder.getByTestId('packet-plan');
  await expect(plan).toBeVisible();
  const rows = plan.getByRole('row');
  // Header, cover letter, index, then the three documents in the order chosen (the note left out).
  await expect(rows).toHaveCount(6);
  await expect(rows.nth(1)).toContainText('Cover letter');
  await expect(rows.nth(2)).toContainText('Index');
  await expect(rows.nth(3)).toContainText('eob');
  await expect(rows.nth(4)).toContainText('denial-letter');
  await expect(rows.nth(5)).toContainText('imaging-report');
  await expect(builder.getByText('Left out', { exact: true })).toBeVisible();
  const note = builder.getByTestId('psychotherapy-note');
  await expect(note).toContainText('outside the standard right of access');

  // The explicit choice: the warning first, keeping them out the default.
  await note.getByRole('button', { name: 'Include them…' }).click();
  const dialog = page.getByTestId('sensitive-dialog');
  await expect(dialog).toContainText('outside the standard right of access (45 CFR §164.524)');
  await expect(dialog.getByRole('button', { name: 'Keep them out' })).toBeFocused();
  // Tab stays in the dialog, though it sits inside the builder's own focus trap.
  for (let n = 0; n < 4; n++) {
    await page.keyboard.press('Tab');
    expect(await dialog.evaluate((element) => element.contains(document.activeElement))).toBe(true);
  }
  await shot(page, '82-packet-psychotherapy-warning');
  await dialog.getByRole('button', { name: 'Keep them out' }).click();
  await expect(rows).toHaveCount(6);
  const totalText = await builder.locator('.packet-review-heading').textContent();
  const total = Number(totalText?.match(/(\d+) pages?/)?.[1]);
  expect(total).toBeGreaterThanOrEqual(5);
  await shot(page, '83-packet-review');

  await builder.getByRole('button', { name: 'Write the packet' }).click();
  const done = builder.getByTestId('packet-done');
  await expect(done).toBeVisible({ timeout: 60_000 });
  const path = join(out, 'Appeal CLM-2024-0227.pdf');
  await expect(done).toContainText(path);
  await shot(page, '84-packet-written');
  expect(await readdir(out)).toEqual(['Appeal CLM-2024-0227.pdf']);

  const bytes = await readFile(path);
  expect((await PDFDocument.load(bytes)).getPageCount()).toBe(total);
  const text = await pdfText(bytes);
  expect(text[0]).toContain('CLM-2024-0227');
  expect(text[0]).toContain('The MRI was ordered after six weeks of failed therapy.');
  text.forEach((pageText, n) => expect(pageText).toContain(`page ${n + 1} of ${total}`));
  expect(text.join(' ')).not.toContain('Karen Blum'); // the psychotherapy note stayed out

  await done.getByRole('button', { name: 'Show the disclosure log' }).click();
  const log = page.getByTestId('disclosure-log');
  await expect(log).toBeVisible();
  await expect(log).toContainText('Appeals Unit');
  expect(errors).toEqual([]);
});

test('a psychotherapy note goes into a packet only after the explicit choice', async ({ page, app }) => {
  const errors = watchForPageErrors(page);
  const out = join(app.workDir, 'packets');
  await mkdir(out);
  await createVault(page, app.openUrl);
  await dropPaper(page, ['psychotherapy-note', 'progress-note']);
  await page.getByRole('button', { name: 'Make a packet…' }).click();
  const builder = page.getByTestId('packet-builder');
  await builder.getByRole('radio', { name: /New provider/ }).check();
  await builder.getByRole('button', { name: /Add all 2 shown documents/ }).click();
  await detailsForNewProvider(builder, out);

  const rows = builder.getByTestId('packet-plan').getByRole('row');
  await expect(rows).toHaveCount(4); // header, cover, index, the progress note
  await builder.getByTestId('psychotherapy-note').getByRole('button', { name: 'Include them…' }).click();
  await page.getByTestId('sensitive-dialog').getByRole('button', { name: 'Include the psychotherapy notes' }).click();
  await expect(builder.getByTestId('psychotherapy-note')).toContainText('included at your explicit request');
  await expect(rows).toHaveCount(5);
  await builder.getByRole('button', { name: 'Write the packet' }).click();
  await expect(builder.getByTestId('packet-done')).toBeVisible({ timeout: 60_000 });
  const [name] = await readdir(out);
  const text = (await pdfText(await readFile(join(out, name!)))).join(' ');
  expect(text).toContain('Karen Blum');
  expect(text).toContain('Medical records for a new provider');
  expect(errors).toEqual([]);
});

test('a de-identified second-opinion disc folder made in the UI', async ({ page, app }) => {
  const errors = watchForPageErrors(page);
  const out = join(app.workDir, 'packets');
  const studyDir = join(app.workDir, 'disc');
  await mkdir(out);
  const study = {
    uid: newUid(),
    date: '20240301',
    description: 'MRI KNEE',
    institution: INSTITUTION,
    studyId: 'S1',
    accession: 'ACC-778',
  };
  const series = {
    uid: newUid(),
    number: 1,
    description: 'Knee PD',
    modality: 'MR',
    bodyPart: 'KNEE',
    sopClassUid: SOP_CLASS.mr,
  };
  for (const n of [1, 2, 3]) {
    await writeDicomImage(join(studyDir, `IM${n}`), {
      patient: JANE,
      study,
      series,
      sopInstanceUid: newUid(),
      instanceNumber: n,
    });
  }
  await createVault(page, app.openUrl);
  await importFolder(page, studyDir);
  await dropPaper(page, ['imaging-report']);

  await page.getByRole('button', { name: 'Make a packet…' }).click();
  const builder = page.getByTestId('packet-builder');
  await builder.getByRole('radio', { name: /Second opinion/ }).check();
  await builder.getByRole('button', { name: /Add all 2 shown documents/ }).click();
  await builder.getByRole('button', { name: 'Next' }).click();
  await expect(builder.getByRole('radio', { name: /Disc folder/ })).toBeChecked();
  await builder.getByLabel('Name', { exact: true }).first().fill('Dr. Alvarez');
  await expect(builder.getByTestId('pdf-deidentify-note')).toHaveCount(0);
  await builder.getByLabel(/De-identify the imaging/).check();
  await expect(builder.getByTestId('pdf-deidentify-note')).toContainText('PDFs cannot be de-identified reliably');
  const saveTo = builder.getByRole('group', { name: 'Save to' });
  await saveTo.getByLabel('Folder', { exact: true }).fill(out);
  await saveTo.getByRole('button', { name: 'Go' }).click();
  await expect(saveTo.getByText(`${out}/Second opinion `)).toBeVisible();
  await saveTo.getByLabel('Name', { exact: true }).fill('For Dr Alvarez');
  await builder.getByLabel(/De-identify the imaging/).scrollIntoViewIfNeeded();
  await shot(page, '85-packet-disc-deidentify');
  await builder.getByRole('button', { name: 'Next' }).click();
  await expect(builder.getByText('No summary PDF is written: it would name you on every page.')).toBeVisible();
  const planRows = builder.getByTestId('packet-plan').getByRole('row');
  await expect(planRows).toHaveCount(3); // header, the study, the report: no pages without a summary
  await expect(planRows.nth(0)).not.toContainText('Pages');
  await builder.getByRole('button', { name: 'Write the packet' }).click();
  const done = builder.getByTestId('packet-done');
  await expect(done).toBeVisible({ timeout: 60_000 });
  await expect(done).toContainText('a PDF cannot be de-identified reliably');
  await shot(page, '86-packet-disc-written');

  const disc = join(out, 'For Dr Alvarez');
  const names = await readdir(disc);
  expect(names).toEqual(expect.arrayContaining(['DICOMDIR', 'DICOM', 'README.TXT', 'INDEX.HTM', 'MANIFEST']));
  const files = (await readdir(join(disc, 'DICOM'), { recursive: true })).map((name) => join(disc, 'DICOM', name));
  let dicomFiles = 0;
  for (const file of files) {
    const bytes = await readFile(file).catch(() => null); // folders fail to read
    if (!bytes) continue;
    dicomFiles++;
    expect(bytes.includes('DOE^JANE')).toBe(false);
    expect(bytes.includes('MRN12345')).toBe(false);
    expect(bytes.includes('ACC-778')).toBe(false);
  }
  expect(dicomFiles).toBe(3);
  expect(errors).toEqual([]);
});

test('a packet being written can be cancelled: nothing is written and nothing logged', async ({ page, app }) => {
  const errors = watchForPageErrors(page);
  const out = join(app.workDir, 'packets');
  const records = join(app.workDir, 'records');
  await mkdir(out);
  await mkdir(records);
  // About 3,000 pages, so the packet takes seconds to lay out: time to press Cancel.
  for (let n = 1; n <= 12; n++) {
    const pages = Array.from({ length: 250 }, (_, page) => `Volume ${n}, page ${page + 1}\nProgress note`);
    await writeFile(join(records, `chart-volume-${n}.pdf`), await makePdf(pages));
  }
  await createVault(page, app.openUrl);
  await importFolder(page, records, 90_000);

  await page.getByRole('button', { name: 'Make a packet…' }).click();
  const builder = page.getByTestId('packet-builder');
  await builder.getByRole('radio', { name: /New provider/ }).check();
  await builder.getByRole('button', { name: /Add all 12 shown documents/ }).click();
  await detailsForNewProvider(builder, out);
  await expect(builder.locator('.packet-review-heading')).toContainText('pages', { timeout: 60_000 });

  await builder.getByRole('button', { name: 'Write the packet' }).click();
  const writing = builder.getByTestId('packet-writing');
  await expect(writing.getByRole('status')).toContainText(/of 12 documents/);
  await shot(page, '87-packet-writing');
  await writing.getByRole('button', { name: 'Cancel' }).click();
  await expect(builder.getByText('The packet was cancelled; nothing was written.')).toBeVisible({ timeout: 30_000 });
  await expect(builder.getByTestId('packet-done')).toHaveCount(0);
  expect(await readdir(out)).toEqual([]);
  await builder.getByRole('button', { name: 'Close the viewer' }).click();
  await page.getByRole('button', { name: 'Disclosure log' }).click();
  await expect(page.getByTestId('disclosure-log')).toContainText('No packets have been made yet');
  expect(errors).toEqual([]);
});
