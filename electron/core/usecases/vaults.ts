/**
 * The vault itself: creating, opening, checking, re-keying, backing up and restoring. The app's
 * session and the CLI's commands open and close vaults only through here.
 */
import type { RescueReport, VaultCheck } from '../../../shared/api';
import { backupVault, restoreVault, type BackupResult } from '../backup/backup';
import type { Credential } from '../vault/keyFile';
import { KEY_FILE_NAME } from '../vault/keyFile';
import { sniffDicom } from '../import/dicom/parseDicom';
import { looksLikeText, sniffMediaType } from '../import/files/sniff';
import { rescueVault as rebuildFromCards } from '../vault/rescue';
import { Vault, type VerifyReport } from '../vault/Vault';

export type { BackupResult, Credential, Vault, VerifyReport };
export { KEY_FILE_NAME };

export function createVault(dir: string, passphrase: string): Promise<{ vault: Vault; recoveryKey: string }> {
  return Vault.create(dir, passphrase);
}

export function openVault(dir: string, credential: Credential): Promise<Vault> {
  return Vault.open(dir, credential);
}

/**
 * Rebuilds a vault whose database cannot be opened from its record cards and files, keeping the
 * old database aside; refuses a database that opens (unless `evenIfReadable`). Opens the vault.
 */
export function rescueVault(
  dir: string,
  credential: Credential,
  options: { onProgress?: (done: number, total: number) => void; evenIfReadable?: boolean } = {},
): Promise<{ vault: Vault; report: RescueReport }> {
  return rebuildFromCards(dir, credential, { ...options, mediaTypeOf: recoveredMediaType });
}

/** A file found without its card is shown by what its bytes are, as an import would take it. */
function recoveredMediaType(head: Buffer): string {
  if (sniffDicom(head)) return 'application/dicom';
  const sniffed = sniffMediaType('', head);
  if (sniffed) return sniffed;
  const text = head.toString('utf8').trimStart();
  if (text.startsWith('<')) return 'application/xml';
  if (text.startsWith('{') || text.startsWith('[')) return 'application/json';
  return looksLikeText(head) ? 'text/plain' : 'application/octet-stream';
}

export function verifyVault(vault: Vault): Promise<VerifyReport> {
  return vault.verify();
}

/** The check as the app shows it: the same as `medvault verify`, in sentences and counts. */
export async function checkVault(vault: Vault): Promise<VaultCheck> {
  const report = await vault.verify();
  return {
    ok: report.ok,
    database: report.database,
    documents: report.documents,
    filesChecked: report.blobsChecked,
    problems: report.problems.map(({ documentId, message }) => ({ documentId, message })),
    unreferenced: {
      count: report.unreferenced.length,
      bytes: report.unreferenced.reduce((sum, file) => sum + file.bytes, 0),
    },
  };
}

/** Stored files no document names, with their sizes: reported, never removed on open. */
export function unreferencedFiles(vault: Vault): Promise<{ blobId: string; bytes: number }[]> {
  return vault.unreferencedBlobs();
}

/** Removes the stored files no document names, when the patient asks; returns what went. */
export async function removeUnreferencedFiles(vault: Vault): Promise<{ blobId: string; bytes: number }[]> {
  const files = await vault.unreferencedBlobs();
  for (const file of files) await vault.blobs.delete(file.blobId);
  return files;
}

export function changePassphrase(vault: Vault, passphrase: string): Promise<void> {
  return vault.changePassphrase(passphrase);
}

export function backUp(vault: Vault, out: string): Promise<BackupResult> {
  return backupVault(vault, out);
}

export function restoreBackup(file: string, dir: string, credential: Credential): Promise<{ documents: number }> {
  return restoreVault(file, dir, credential);
}
