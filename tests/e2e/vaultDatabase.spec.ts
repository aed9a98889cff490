/**
 * A vault whose database was replaced by an empty file (a full disk, a sync tool, a bad copy): the
 * app refuses to open it in the same sentence as the CLI, and the documents' files stay as they were;
 * then it offers the rescue, which brings the documents back from their record cards.
 */
import { readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { makePdf } from '../support/fixtures';
import { expect, test } from './support/app';
import { PASSPHRASE, createVault, dropFile, shot, watchForPageErrors } from './support/ui';

test('an emptied database is refused at unlock, in one sentence, no file is removed, and the rescue brings the documents back', async ({
  page,
  app,
}) => {
  const errors = watchForPageErrors(page);
  await createVault(page, app.openUrl);
  await dropFile(page, 'drop', 'letter.pdf', 'application/pdf', await makePdf(['Referral letter']));
  await expect(page.getByTestId('import-report')).toBeVisible({ timeout: 60_000 });
  await page.getByRole('button', { name: 'Done' }).click();
  await page.getByRole('button', { name: 'Lock' }).click();
  await expect(page.getByRole('heading', { level: 1 })).toContainText(/Unlock/i);

  const blobs = join(app.vaultDir, 'blobs');
  const stored = async () =>
    (await readdir(blobs, { recursive: true })).filter((name) => /[0-9a-f]{32}$/.test(String(name))).sort();
  const before = await stored();
  expect(before.length).toBeGreaterThan(0);
  await writeFile(join(app.vaultDir, 'vault.db'), '');
  for (const extra of ['vault.db-wal', 'vault.db-shm']) await rm(join(app.vaultDir, extra), { force: true });

  await page.getByLabel('Passphrase', { exact: true }).fill(PASSPHRASE);
  await page.getByRole('button', { name: 'Unlock' }).click();
  await expect(page.getByText(/The vault database \(vault\.db\) is empty/)).toBeVisible();
  await expect(page.getByText(/nothing in it was changed or removed/)).toBeVisible();
  await expect(page.getByTestId('rescue-offer')).toBeVisible();
  await shot(page, '97-database-empty-refused');
  expect(await stored()).toEqual(before);

  // The rescue: a new database from the record cards, the emptied one kept aside, the letter back.
  await page.getByRole('button', { name: 'Rescue the vault' }).click();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Your vault was rescued', { timeout: 60_000 });
  await expect(page.getByText(/^1 document(, | and )0 disclosures.* came back with their edits\.$/)).toBeVisible();
  await expect(page.getByTestId('rescue-report')).toContainText('The old database file was kept as');
  await shot(page, '98-database-rescued');
  const aside = (await readdir(app.vaultDir)).filter((name) => name.startsWith('vault.db.damaged-'));
  expect(aside).toHaveLength(1);
  expect((await readFile(join(app.vaultDir, aside[0]!))).length).toBe(0);
  await page.getByRole('button', { name: 'Open the library' }).click();
  const table = page.getByTestId('document-table');
  await expect(table.getByRole('row')).toHaveCount(2); // header + the letter
  await expect(table.getByRole('row').nth(1)).toContainText('letter');
  expect(await stored()).toEqual(before);
  expect(errors).toEqual([]);
});
