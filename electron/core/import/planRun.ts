/**
 * A first look at everything found before any file is read: planners (a DICOMDIR, an XDM
 * package) take the files they describe or mark them to skip, and a disc's viewer software and
 * autorun files are left out. Then the files the run imports, in order, scans last.
 */
import type { ImportFailure } from '../../../shared/imports';
import type { DocumentSuggestion } from '../documents/repository';
import { findDiscNoise } from './disc/discNoise';
import { scanRunFile } from './scan/ScanImporter';
import type { FoundFile, Importer, ScanRequest } from './types';

export interface RunPlan {
  files: FoundFile[];
  /** Files left out by the plan (described by a planner, or a disc's software). */
  skipped: number;
  failed: ImportFailure[];
  /** What planners know of files by path (a package's description), before their own contents. */
  suggestions: Map<string, Partial<DocumentSuggestion>>;
  /** Whether this is a disc (said so, or a DICOMDIR found). */
  disc: boolean;
}

export async function planRun(
  found: readonly FoundFile[],
  scans: readonly ScanRequest[],
  importers: readonly Importer[],
  disc: boolean,
): Promise<RunPlan> {
  const planned = new Set<FoundFile>();
  const failed: ImportFailure[] = [];
  const suggestions = new Map<string, Partial<DocumentSuggestion>>();
  for (const importer of importers) {
    const plan = await importer.plan?.([...found]);
    if (!plan) continue;
    plan.skip.forEach((file) => planned.add(file));
    failed.push(...plan.failed);
    for (const [path, suggestion] of plan.suggestions ?? []) suggestions.set(path, suggestion);
    disc ||= plan.disc;
  }
  if (disc) findDiscNoise([...found]).forEach((file) => planned.add(file));
  // Scans are not offered to planners: their pages are images chosen one by one, not a disc or package.
  const files = [...found.filter((file) => !planned.has(file)), ...scans.map(scanRunFile)];
  return { files, skipped: planned.size, failed, suggestions, disc };
}
