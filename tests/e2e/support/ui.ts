/** What the e2e tests do in the UI again and again: vault creation, a drop, a screenshot. */
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { Page } from '@playwright/test';
import { SCREENSHOT_DIR, expect } from './app';

export const PASSPHRASE = 'maple tundra velvet orbit canyon';

export async function shot(page: Page, name: string): Promise<void> {
  await mkdir(SCREENSHOT_DIR, { recursive: true });
  // Transitions are finished first, so a screenshot shows the screen as it settles.
  await page.screenshot({ path: join(SCREENSHOT_DIR, `${name}.png`), animations: 'disabled' });
}

/** Fails the test on any CSP violation or script error in the page. */
export function watchForPageErrors(page: Page): string[] {
  const errors: string[] = [];
  page.on('pageerror', (error) => errors.push(`page error: ${error.message}`));
  page.on('console', (message) => {
    if (message.type() === 'error' && /Content Security Policy|Refused to/.test(message.text())) {
      errors.push(`console: ${message.text()}`);
    }
  });
  return errors;
}

/** The quickest way through "Create vault": passphrase twice, recovery key saved, into the library. */
export async function createVault(page: Page, openUrl: string): Promise<void> {
  await page.goto(openUrl);
  await page.getByLabel('Passphrase', { exact: true }).fill(PASSPHRASE);
  await page.getByLabel('Repeat the passphrase').fill(PASSPHRASE);
  await page.getByRole('button', { name: 'Create vault' }).click();
  await page.getByLabel('I have saved my recovery key somewhere safe.').check();
  await page.getByRole('button', { name: 'Continue to my records' }).click();
}

/** A file dragged onto the window (`dragenter`) or dropped on it (`drop`), as a browser fires it. */
export async function dropFile(
  page: Page,
  kind: 'dragenter' | 'drop',
  name: string,
  type: string,
  bytes: Buffer,
): Promise<void> {
  await page.evaluate(
    ({ kind, name, type, bytes }) => {
      const transfer = new DataTransfer();
      transfer.items.add(new File([new Uint8Array(bytes)], name, { type }));
      window.dispatchEvent(new DragEvent(kind, { dataTransfer: transfer, bubbles: true, cancelable: true }));
    },
    { kind, name, type, bytes: [...bytes] },
  );
}

/** Imports everything in a folder through the import dialog's folder browser; the report must list no failure. */
export async function importFolder(page: Page, dir: string, timeout = 60_000): Promise<void> {
  await page.getByRole('button', { name: 'Import…' }).first().click();
  const dialog = page.getByTestId('import-dialog');
  await dialog.getByLabel('Folder', { exact: true }).fill(dir);
  await dialog.getByRole('button', { name: 'Go' }).click();
  await dialog.getByLabel('Select everything in this folder').check();
  await dialog.getByRole('button', { name: 'Import', exact: true }).click();
  await expect(page.getByTestId('import-report')).toBeVisible({ timeout });
  await expect(page.getByTestId('import-report').locator('[data-count=failed] dd')).toHaveText('0');
  await page.getByRole('button', { name: 'Done' }).click();
}
