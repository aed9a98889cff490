/**
 * The `import_runs` and `import_problems` tables: every import as a run that completes, or is
 * undone whole (cancelled, or interrupted by a crash and undone on the next open).
 */
import type { ImportFailure } from '../../../shared/imports';
import { nowIso } from '../ids';
import type { Queryable } from './Database';

export async function startImportRun(
  tx: Queryable,
  run: { id: string; sourceKind: string; sources: readonly string[] },
): Promise<void> {
  await tx.run(
    `INSERT INTO import_runs (id, source_kind, sources, status, started_at) VALUES (?, ?, ?, 'running', ?)`,
    [run.id, run.sourceKind, JSON.stringify(run.sources), nowIso()],
  );
}

/** Marks the run completed, with its counts and every file it could not read or warns about. */
export async function completeImportRun(
  tx: Queryable,
  runId: string,
  result: { imported: number; duplicates: number; skipped: number; failed: ImportFailure[]; warnings: ImportFailure[] },
): Promise<void> {
  await tx.run(
    `UPDATE import_runs SET status = 'completed', finished_at = ?, imported = ?, duplicates = ?, skipped = ? WHERE id = ?`,
    [nowIso(), result.imported, result.duplicates, result.skipped, runId],
  );
  for (const [kind, problems] of [
    ['failed', result.failed],
    ['warning', result.warnings],
  ] as const) {
    for (const problem of problems) {
      await tx.run(`INSERT INTO import_problems (run_id, kind, path, reason) VALUES (?, ?, ?, ?)`, [
        runId,
        kind,
        problem.path,
        problem.reason,
      ]);
    }
  }
}

/** A run undone: it imported nothing after all. */
export async function endImportRun(tx: Queryable, runId: string, status: 'cancelled' | 'interrupted'): Promise<void> {
  await tx.run(`UPDATE import_runs SET status = ?, finished_at = ?, imported = 0 WHERE id = ?`, [
    status,
    nowIso(),
    runId,
  ]);
}

/** Runs that were under way when the process died. */
export async function runningImportRuns(q: Queryable): Promise<string[]> {
  const rows = await q.all<{ id: string }>(`SELECT id FROM import_runs WHERE status = 'running'`);
  return rows.map((row) => row.id);
}
