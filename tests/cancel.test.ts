/**
 * Cancelling an import through the core: the run is rolled back at once — none of its documents
 * stay, none of its encrypted files stay — while what earlier imports brought is untouched. The
 * CLI's Ctrl-C does the same and exits with 130.
 */
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { ImportProgress } from '../shared/imports';
import { runImport } from '../electron/core/import/runImport';
import { BLOB_DIR, Vault } from '../electron/core/vault/Vault';
import { collect, describeRun, spawnCli } from './support/cli';
import { makeJpeg, makePdf, makePng, makeRecordsFolder, makeTiff, writeTree } from './support/fixtures';
import { PASSPHRASE, withNewVault } from './support/vault';
import { listDocuments } from '../electron/core/usecases/documents';

const cleanups: (() => Promise<void>)[] = [];

afterEach(async () => {
  for (const cleanup of cleanups.splice(0)) await cleanup();
});

async function newVault() {
  const created = await withNewVault();
  cleanups.push(created.cleanup);
  return created;
}

/** Seven records, a few of them several MB, so progress is reported within files too. */
async function makeBatch(root: string): Promise<Record<string, Buffer | string>> {
  const files: Record<string, Buffer | string> = {
    'a/2023-01-10 discharge.pdf': await makePdf(['Discharge summary', 'Home with follow-up in two weeks']),
    'b/scan.tif': makeTiff(1200, 1000, 41), // 4.8 MB
    'c/photo.png': makePng(800, 800, 42), // 2.6 MB
    'd/knee.jpg': makeJpeg(640, 480, 43),
    'e/scan 2.tif': makeTiff(1000, 1000, 44), // 4 MB
    'f/note.txt': 'Physical therapy twice a week.\n',
    'g/bill.pdf': await makePdf(['Itemized bill', 'Total due $120.00']),
  };
  await writeTree(root, files);
  return files;
}

function totalBytes(files: Record<string, Buffer | string>): number {
  return Object.values(files).reduce((sum, content) => sum + Buffer.byteLength(content), 0);
}

async function filesUnder(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true, recursive: true });
  return entries
    .filter((entry) => entry.isFile())
    .map((entry) => join(entry.parentPath, entry.name).slice(dir.length + 1))
    .sort();
}

async function counts(vault: Vault) {
  return vault.db.read(async (q) => ({
    documents: (await q.get<{ n: number }>('SELECT count(*) AS n FROM documents'))!.n,
    blobs: (await q.get<{ n: number }>('SELECT count(*) AS n FROM blobs'))!.n,
    files: (await q.get<{ n: number }>('SELECT count(*) AS n FROM document_files'))!.n,
  }));
}

/** Progress reports keep their totals, and the done counts never go back or past the totals. */
function expectWellFormedProgress(events: ImportProgress[], filesTotal: number, bytesTotal: number): void {
  expect(events.length).toBeGreaterThan(1);
  for (const [index, event] of events.entries()) {
    expect(event.filesTotal).toBe(filesTotal);
    expect(event.bytesTotal).toBe(bytesTotal);
    expect(event.filesDone).toBeLessThanOrEqual(event.filesTotal);
    expect(event.bytesDone).toBeLessThanOrEqual(event.bytesTotal);
    if (index > 0) {
      const before = events[index - 1]!;
      expect(event.filesDone, `event ${index}`).toBeGreaterThanOrEqual(before.filesDone);
      expect(event.bytesDone, `event ${index}`).toBeGreaterThanOrEqual(before.bytesDone);
    }
  }
}

describe('cancelling an import', () => {
  it('cancelled after the first file: rolled back at once, no documents and no encrypted files left', async () => {
    const { vault, root, dir } = await newVault();
    const source = join(root, 'records');
    const files = await makeBatch(source);
    const controller = new AbortController();
    const events: ImportProgress[] = [];
    let documentsWhenCancelled: Promise<number> | undefined;

    const report = await runImport(vault, [source], {
      signal: controller.signal,
      onProgress: (progress) => {
        events.push(progress);
        if (progress.filesDone >= 1 && !controller.signal.aborted) {
          // Queued on the connection before the rollback: what the run had stored when cancelled.
          documentsWhenCancelled = counts(vault).then((c) => c.documents);
          controller.abort();
        }
      },
    });

    expect(report.status).toBe('cancelled');
    expect(report.imported).toBe(0);
    expect(report.documents).toEqual([]);
    // At least the first file had been stored as a document (others may be in flight alongside):
    // cancelling had something to undo.
    expect(await documentsWhenCancelled).toBeGreaterThanOrEqual(1);

    expect(await listDocuments(vault)).toEqual([]);
    expect(await counts(vault)).toEqual({ documents: 0, blobs: 0, files: 0 });
    const run = await vault.db.read((q) =>
      q.get<{ status: string }>('SELECT status FROM import_runs WHERE id = ?', [report.runId]),
    );
    expect(run?.status).toBe('cancelled');
    expect(await vault.blobs.listStored()).toEqual([]);
    expect(await filesUnder(join(dir, BLOB_DIR))).toEqual([]);

    const fileCount = Object.keys(files).length;
    expectWellFormedProgress(events, fileCount, totalBytes(files));
    const last = events.at(-1)!;
    expect(last.filesDone).toBeGreaterThanOrEqual(1);
    expect(last.filesDone).toBeLessThan(fileCount);
  });

  it('cancelled in the middle of a large file: its unfinished encrypted file is removed too', async () => {
    const { vault, root, dir } = await newVault();
    const source = join(root, 'records');
    const files = await makeBatch(source);
    const controller = new AbortController();
    const events: ImportProgress[] = [];

    const report = await runImport(vault, [source], {
      signal: controller.signal,
      onProgress: (progress) => {
        events.push(progress);
        // Past the first file, part of the way through the 4.8 MB scan.
        const firstFileBytes = Buffer.byteLength(files['a/2023-01-10 discharge.pdf']!);
        if (progress.filesDone === 1 && progress.bytesDone > firstFileBytes && !controller.signal.aborted) {
          controller.abort();
        }
      },
    });

    expect(report.status).toBe('cancelled');
    expect(controller.signal.aborted).toBe(true);
    expect(await counts(vault)).toEqual({ documents: 0, blobs: 0, files: 0 });
    expect(await filesUnder(join(dir, BLOB_DIR))).toEqual([]);
    expectWellFormedProgress(events, Object.keys(files).length, totalBytes(files));
    // Cancelled while the scan was being read: it is not counted as done.
    expect(events.at(-1)!.filesDone).toBeLessThan(Object.keys(files).length);
  });

  it('cancelling leaves what earlier imports brought untouched', async () => {
    const { vault, root, dir } = await newVault();
    const earlier = join(root, 'earlier');
    await makeRecordsFolder(earlier);
    const first = await runImport(vault, [earlier]);
    expect(first.status).toBe('completed');
    expect(first.failed).toEqual([]);
    const before = await listDocuments(vault);
    expect(before).toHaveLength(first.imported);
    const blobsBefore = await filesUnder(join(dir, BLOB_DIR));
    expect(blobsBefore).toHaveLength(first.imported);

    const source = join(root, 'later');
    await makeBatch(source);
    const controller = new AbortController();
    const report = await runImport(vault, [source], {
      signal: controller.signal,
      onProgress: (progress) => {
        if (progress.filesDone >= 2) controller.abort();
      },
    });
    expect(report.status).toBe('cancelled');

    expect(await listDocuments(vault)).toEqual(before);
    expect(await filesUnder(join(dir, BLOB_DIR))).toEqual(blobsBefore);
    const verified = await vault.verify();
    expect(verified).toMatchObject({ ok: true, database: 'ok', problems: [], documents: before.length });
  });

  it('a cancelled run does not change existing documents either (not even to fill in what they lack)', async () => {
    // A document whose date is unknown…
    const { vault, root } = await newVault();
    const scan = makePng(90, 50, 8);
    await writeTree(join(root, 'earlier'), { 'scan.png': scan });
    expect((await runImport(vault, [join(root, 'earlier')])).imported).toBe(1);
    const before = await listDocuments(vault);
    expect(before[0]!.date).toBeNull();

    // …then a run that meets the same bytes under a dated name (which would fill in the date),
    // cancelled right after that file.
    await writeTree(join(root, 'later'), {
      'first/2023-05-06 scan.png': scan,
      'second/other.png': makePng(90, 50, 9),
    });
    const controller = new AbortController();
    const report = await runImport(vault, [join(root, 'later')], {
      signal: controller.signal,
      onProgress: (progress) => {
        if (progress.filesDone >= 1) controller.abort();
      },
    });
    expect(report.status).toBe('cancelled');
    // "Cancelling undoes the whole run": the vault is as it was before it.
    expect(await listDocuments(vault)).toEqual(before);
  });

  it('Ctrl-C (SIGINT) on the CLI cancels the import: exit 130, and the run is already rolled back', async () => {
    const { vault, root, dir } = await newVault();
    await vault.close(); // the CLI opens it
    const source = join(root, 'records');
    await makeBatch(source);
    const child = spawnCli(['import', source, '--vault', dir]);
    const finished = collect(child);
    // The first file is a PDF: its encrypted copy waits in blobs/incoming while the PDF text reader
    // starts, so a file there means the run is under way.
    const incoming = join(dir, BLOB_DIR, 'incoming');
    const deadline = Date.now() + 30_000;
    while ((await readdir(incoming)).length === 0 && child.exitCode === null && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    child.kill('SIGINT');
    const result = await finished;
    expect(result.code, describeRun(result)).toBe(130);
    expect(result.stderr).toMatch(/Import cancelled; nothing from it was added/);
    expect(result.stderr).not.toMatch(/^ {4}at /m);

    const reopened = await Vault.open(dir, { passphrase: PASSPHRASE });
    try {
      expect(await counts(reopened)).toEqual({ documents: 0, blobs: 0, files: 0 });
      // 'cancelled', not 'interrupted': it was undone by the CLI itself, not by this open.
      const runs = await reopened.db.read((q) => q.all<{ status: string }>('SELECT status FROM import_runs'));
      expect(runs).toEqual([{ status: 'cancelled' }]);
    } finally {
      await reopened.close();
    }
    expect(await filesUnder(join(dir, BLOB_DIR))).toEqual([]);
  });
});
