/**
 * Importing into the vault: paths on this computer, files not on disk (uploads, scanner pages)
 * and scans (page images made into one PDF each). One run lands whole or not at all.
 */
import type { ImportReport } from '../../../shared/imports';
import { runImport, type ImportOptions } from '../import/runImport';
import type { FoundFile } from '../import/types';
import { inMemory } from '../import/fileInMemory';
import type { ScanRequest } from '../import/scan/ScanImporter';
import type { Rotation } from '../import/scan/scanPages';
import { NO_SCANNER_MESSAGE, findScanimage, scanWithScanimage, type ScanOptions } from '../import/scan/scanner';
import type { Vault } from '../vault/Vault';

export type { FoundFile, ImportOptions, Rotation, ScanRequest };
export { NO_SCANNER_MESSAGE, inMemory };

export function importIntoVault(
  vault: Vault,
  paths: readonly string[],
  options: Omit<ImportOptions, 'importers'> = {},
): Promise<ImportReport> {
  return runImport(vault, paths, options);
}

/** Whether a scanner interface (SANE scanimage) is on this computer. */
export async function scannerAvailable(env?: NodeJS.ProcessEnv): Promise<boolean> {
  return (await findScanimage(env)) !== null;
}

/** Scans pages into memory (PNG each); nothing is written to disk. */
export function scanPages(options: ScanOptions): Promise<Buffer[]> {
  return scanWithScanimage(options);
}
