/**
 * The disclosure log (issue 7): every packet made — when, to whom, why, which documents by id and
 * SHA-256 — listed newest first, each row opening to its documents, and saved as CSV through the
 * folder chooser. Packets are made over the API from the page (the packet form is built apart).
 */
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Page } from '@playwright/test';
import type { VaultDocument } from '../../shared/documents';
import type { DisclosureRecord, PacketRequest } from '../../shared/packets';
import { makePdf } from '../support/fixtures';
import { expect, test } from './support/app';
import { createVault, dropFile, shot, watchForPageErrors } from './support/ui';

/** A method of the API called as the renderer calls it in browser mode (the session cookie goes along). */
async function callApi<T>(page: Page, method: string, args: unknown[]): Promise<T> {
  const result = await page.evaluate(
    async ({ method, args }) => {
      const response = await fetch(`/api/${method}`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ args }),
      });
      return (await response.json()) as { ok: boolean; value?: unknown; error?: { message: string } };
    },
    { method, args },
  );
  if (!result.ok) throw new Error(`${method}: ${result.error?.message}`);
  return result.value as T;
}

/** Drops a PDF on the window, waits for the import, and gives back the new document's id. */
async function importPdf(page: Page, name: string, bytes: Buffer): Promise<string> {
  const before = new Set((await callApi<VaultDocument[]>(page, 'listDocuments', [{}])).map((document) => document.id));
  await dropFile(page, 'drop', name, 'application/pdf', bytes);
  await expect(page.getByTestId('import-report')).toBeVisible({ timeout: 60_000 });
  await page.getByRole('button', { name: 'Done' }).click();
  const added = (await callApi<VaultDocument[]>(page, 'listDocuments', [{}])).filter(
    (document) => !before.has(document.id),
  );
  expect(added).toHaveLength(1);
  return added[0]!.id;
}

/** Starts a PDF packet over the API and waits for the file to appear. */
async function makePacket(page: Page, request: PacketRequest, folder: string, name: string): Promise<void> {
  await callApi(page, 'startPacket', [{ request, output: { form: 'pdf', folder, name } }]);
  await expect.poll(() => existsSync(join(folder, `${name}.pdf`)), { timeout: 60_000 }).toBe(true);
}

/** RFC 4180 fields (quotes doubled inside quoted fields), CRLF rows. */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i += 1) {
    const char = text[i]!;
    if (quoted && char === '"' && text[i + 1] === '"') {
      field += '"';
      i += 1;
    } else if (char === '"') {
      quoted = !quoted;
    } else if (quoted || (char !== ',' && char !== '\r')) {
      field += char;
    } else if (char === ',') {
      row.push(field);
      field = '';
    } else {
      // CR LF ends the row.
      row.push(field);
      rows.push(row);
      row = [];
      field = '';
      i += 1;
    }
  }
  return rows;
}

const sha256 = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');

const PATIENT = { name: 'Jane Doe', dateOfBirth: '1970-01-01' };

test('every packet made is in the disclosure log: who, why, which documents and checksums; saved as CSV', async ({
  page,
  app,
}) => {
  const errors = watchForPageErrors(page);
  await page.context().grantPermissions(['clipboard-read', 'clipboard-write']);
  const packets = join(app.workDir, 'packets');
  const exports = join(app.workDir, 'exports');
  await mkdir(packets);
  await mkdir(exports);
  await createVault(page, app.openUrl);

  // A fresh vault: the log says what it will hold, and there is nothing to save.
  await page.getByRole('button', { name: 'Disclosure log' }).click();
  const log = page.getByTestId('disclosure-log');
  await expect(log.getByTestId('disclosure-empty')).toContainText(
    'No packets have been made yet. Packets you make are listed here:',
  );
  await expect(log.getByTestId('disclosure-note')).toContainText('HIPAA');
  await expect(log.getByRole('button', { name: 'Save as CSV…' })).toBeDisabled();
  await shot(page, '90-disclosure-log-empty');
  await log.getByRole('button', { name: 'Close the viewer' }).click();
  await expect(log).toHaveCount(0);

  const labBytes = await makePdf(['Comprehensive metabolic panel\nGlucose 92 mg/dL'], { title: 'Lab results' });
  const letterBytes = await makePdf(['Referral letter\nPlease see Jane Doe for knee pain.'], {
    title: 'Referral letter',
  });
  const lab = await importPdf(page, 'lab-results.pdf', labBytes);
  const letter = await importPdf(page, 'referral-letter.pdf', letterBytes);
  const titles = new Map(
    (await callApi<VaultDocument[]>(page, 'listDocuments', [{}])).map((document) => [document.id, document.title]),
  );

  await makePacket(
    page,
    {
      purpose: 'insurance-appeal',
      documentIds: [lab, letter],
      recipient: { name: 'Appeals Unit', organisation: 'Acme Health', address: '1 Main St' },
      appeal: { memberId: 'M', claimNumber: 'C', datesOfService: '2024-03-01', denialDate: '', statement: 'x' },
      patient: PATIENT,
    },
    packets,
    'appeal',
  );

  await page.getByRole('button', { name: 'Disclosure log' }).click();
  const table = log.getByTestId('disclosure-table');
  await expect(table.locator('tbody')).toHaveCount(1);
  await expect(table.locator('caption').first()).toContainText('1 packet made, newest first');

  // A packet finished while the log is open is listed at once, on top.
  await makePacket(
    page,
    {
      purpose: 'new-provider',
      documentIds: [letter],
      recipient: { name: 'Dr. Rivera', organisation: '', address: '22 Oak Ave\nSpringfield' },
      patient: PATIENT,
    },
    packets,
    'new-doctor',
  );
  await expect(table.locator('tbody')).toHaveCount(2);
  const records = await callApi<DisclosureRecord[]>(page, 'listDisclosures', []);
  expect(records.map((record) => record.purpose)).toEqual(['new-provider', 'insurance-appeal']);

  const rows = table.locator('tbody > tr.disclosure-row');
  const [newest, appeal] = [rows.nth(0), rows.nth(1)];
  const shown = await page.evaluate(
    (stamps) =>
      stamps.map((stamp) =>
        new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' }).format(new Date(stamp)),
      ),
    records.map((record) => record.createdAt),
  );
  await expect(newest.getByRole('rowheader')).toHaveText(shown[0]!);
  await expect(newest.getByRole('cell')).toHaveText(['New provider', 'Dr. Rivera', 'PDF', '1']);
  await expect(appeal.getByRole('rowheader')).toHaveText(shown[1]!);
  await expect(appeal.getByRole('cell')).toHaveText(['Insurance appeal', 'Appeals UnitAcme Health', 'PDF', '2']);

  // Opened by its button (Enter on it too): the address, then the documents in packet order.
  const toggle = appeal.getByRole('rowheader').getByRole('button');
  await expect(toggle).toHaveAttribute('aria-expanded', 'false');
  await toggle.focus();
  await page.keyboard.press('Enter');
  await expect(toggle).toHaveAttribute('aria-expanded', 'true');
  const details = table.locator('tbody').nth(1).locator('tr.disclosure-details');
  await expect(details).toBeVisible();
  await expect(details).toContainText('Appeals Unit, Acme Health');
  await expect(details).toContainText('1 Main St');
  const documents = details.getByTestId('disclosure-documents').locator('tbody tr');
  await expect(documents).toHaveCount(2);
  const expected = [
    { id: lab, title: titles.get(lab)!, sha: sha256(labBytes) },
    { id: letter, title: titles.get(letter)!, sha: sha256(letterBytes) },
  ];
  for (const [index, document] of expected.entries()) {
    const row = documents.nth(index);
    await expect(row.getByRole('rowheader')).toHaveText(document.title);
    await expect(row).toContainText(document.id);
    const code = row.locator('code.sha-short');
    await expect(code).toHaveText(`${document.sha.slice(0, 12)}…`);
    await expect(code).toHaveAttribute('title', document.sha);
  }
  await documents
    .nth(0)
    .getByRole('button', { name: `Copy the SHA-256 of ${expected[0]!.title}` })
    .click();
  expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(expected[0]!.sha);
  await expect(log.getByRole('status').last()).toHaveText(`The SHA-256 of ${expected[0]!.title} is copied.`);

  // The newest opened by a click on its row: an address over two lines.
  await newest.getByRole('cell', { name: 'New provider' }).click();
  await expect(newest.getByRole('rowheader').getByRole('button')).toHaveAttribute('aria-expanded', 'true');
  await expect(table.locator('tbody').nth(0).locator('.recipient-address')).toHaveText('22 Oak Ave\nSpringfield');
  await shot(page, '91-disclosure-log');

  // Save as CSV: the folder typed into the chooser, the name given.
  await log.getByRole('button', { name: 'Save as CSV…' }).click();
  const dialog = page.getByTestId('save-disclosures-csv');
  const name = dialog.getByLabel('File name');
  await expect(name).toBeFocused();
  await expect(name).toHaveValue(/^disclosure-log-\d{4}-\d{2}-\d{2}$/);
  await dialog.getByLabel('Folder', { exact: true }).fill(exports);
  await dialog.getByRole('button', { name: 'Go' }).click();
  await expect(dialog.getByText('This folder is empty.')).toBeVisible();
  await name.fill('a/b');
  await dialog.getByRole('button', { name: 'Save', exact: true }).click();
  await expect(dialog.getByRole('alert')).toHaveText('Give the file a name without slashes; choose the folder above.');
  await name.fill('sent records');
  await shot(page, '92-disclosure-csv-dialog');
  await name.press('Enter');
  const path = join(exports, 'sent records.csv');
  await expect(dialog.getByTestId('saved-csv')).toHaveText(`Saved to ${path}`);
  await shot(page, '93-disclosure-csv-saved');
  await dialog.getByRole('button', { name: 'Done' }).click();
  await expect(dialog).toHaveCount(0);
  await expect(log).toBeVisible();

  const csv = parseCsv(await readFile(path, 'utf8'));
  expect(csv[0]).toEqual([
    'disclosure_id',
    'created_at',
    'purpose',
    'recipient_name',
    'recipient_organisation',
    'recipient_address',
    'packet_kind',
    'position',
    'document_id',
    'document_title',
    'sha256',
  ]);
  const [newer, older] = records as [DisclosureRecord, DisclosureRecord];
  const sent = { [lab]: labBytes, [letter]: letterBytes };
  /** The packet's fields, repeated on the row of each document it sent. */
  const csvRow = (record: DisclosureRecord, purpose: string, position: number, id: string) => [
    record.id,
    record.createdAt,
    purpose,
    record.recipient.name,
    record.recipient.organisation,
    record.recipient.address,
    'appeal-pdf',
    String(position),
    id,
    titles.get(id)!,
    sha256(sent[id]!),
  ];
  expect(csv.slice(1)).toEqual([
    csvRow(newer, 'New provider', 1, letter),
    csvRow(older, 'Insurance appeal', 1, lab),
    csvRow(older, 'Insurance appeal', 2, letter),
  ]);
  expect(newer.recipient.address).toBe('22 Oak Ave\nSpringfield');

  // The same name again: the core's sentence, and the file left as it was.
  await log.getByRole('button', { name: 'Save as CSV…' }).click();
  await expect(dialog.getByLabel('Folder', { exact: true })).toHaveValue(exports);
  await dialog.getByLabel('File name').fill('sent records');
  await dialog.getByRole('button', { name: 'Save', exact: true }).click();
  await expect(dialog.getByRole('alert')).toHaveText(`${path} already exists; choose another name.`);
  await shot(page, '94-disclosure-csv-exists');
  await page.keyboard.press('Escape');
  await expect(dialog).toHaveCount(0);
  await expect(log).toBeVisible();
  expect(errors).toEqual([]);
});
