/**
 * "Check the vault…": every file read back, a file no document names shown as kept, and removed
 * only after the patient is told how many and confirms.
 */
import { mkdir, readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { makePdf } from '../support/fixtures';
import { expect, test } from './support/app';
import { createVault, dropFile, shot, watchForPageErrors } from './support/ui';

test('checking the vault shows it intact, keeps a stray file until asked, then removes it', async ({ page, app }) => {
  const errors = watchForPageErrors(page);
  await createVault(page, app.openUrl);
  await dropFile(page, 'drop', 'letter.pdf', 'application/pdf', await makePdf(['Referral letter']));
  await expect(page.getByTestId('import-report')).toBeVisible({ timeout: 60_000 });
  await page.getByRole('button', { name: 'Done' }).click();

  await page.getByRole('button', { name: 'Check the vault…' }).click();
  const dialog = page.getByTestId('vault-check');
  await expect(dialog.getByTestId('vault-check-summary')).toHaveText(
    /The vault is intact: the database and 1 file \(1 document\) check out\./,
  );
  await expect(dialog.getByTestId('vault-check-unreferenced')).toHaveCount(0);
  await dialog.getByRole('button', { name: 'Done' }).click();

  // A file under the vault's blob folder that no document names (as an undo cut short leaves).
  const stray = randomBytes(16).toString('hex');
  const folder = join(app.vaultDir, 'blobs', stray.slice(0, 2));
  await mkdir(folder, { recursive: true });
  await writeFile(join(folder, stray), randomBytes(3000));

  await page.getByRole('button', { name: 'Check the vault…' }).click();
  const unreferenced = dialog.getByTestId('vault-check-unreferenced');
  await expect(unreferenced).toContainText('1 stored file (2.9 KB) belongs to no document. It is kept');
  await shot(page, '95-vault-check-unreferenced');
  await unreferenced.getByRole('button', { name: 'Remove them…' }).click();
  await expect(dialog.getByRole('alert')).toContainText('Remove 1 stored file (2.9 KB)?');
  // Keeping them changes nothing.
  await dialog.getByRole('button', { name: 'Keep them' }).click();
  expect(await readdir(folder)).toContain(stray);
  await unreferenced.getByRole('button', { name: 'Remove them…' }).click();
  await dialog.getByRole('button', { name: 'Remove 1 file' }).click();
  await expect(dialog.getByTestId('vault-check-removed')).toHaveText(
    /Removed 1 stored file \(2\.9 KB\) that belonged to no document\./,
  );
  await shot(page, '96-vault-check-removed');
  expect(await readdir(folder)).not.toContain(stray);
  await dialog.getByRole('button', { name: 'Done' }).click();
  await expect(dialog).toHaveCount(0);
  expect(errors).toEqual([]);
});
