/**
 * A vault whose database was replaced by an empty file (a full disk, a sync tool, a bad copy): the
 * app refuses to open it in the same sentence as the CLI, and the documents' files stay as they were.
 */
import { readdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { makePdf } from '../support/fixtures';
import { expect, test } from './support/app';
import { PASSPHRASE, createVault, dropFile, shot, watchForPageErrors } from './support/ui';

test('an emptied database is refused at unlock, in one sentence, and no file of the vault is removed', async ({
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
  await shot(page, '97-database-empty-refused');
  expect(await stored()).toEqual(before);
  expect(errors).toEqual([]);
});
