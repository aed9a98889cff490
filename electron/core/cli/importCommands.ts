/** `medvault import`, `import --scan`, `scan` (through importCommand) and `medvault ocr`. */
import { resolve } from 'node:path';
import type { ImportJson } from '../../../shared/cliOutput';
import type { ImportProgress } from '../../../shared/imports';
import { MedvaultError } from '../errors';
import { importIntoVault, type ScanRequest } from '../usecases/imports';
import { countQueuedText } from '../usecases/text';
import type { Vault } from '../usecases/vaults';
import { EXIT, plural, type Io, type Values } from './options';
import { describeTextResult, readPendingText, type TextIo } from './textCommands';

export async function importCommand(
  vault: Vault,
  paths: string[],
  values: Values,
  io: Io,
  scans?: ScanRequest[],
): Promise<number> {
  if (paths.length === 0 && !scans) throw new MedvaultError('invalid-argument', 'Usage: medvault import PATH...');
  const controller = new AbortController();
  let interrupts = 0;
  let phase: 'import' | 'text' = 'import';
  const onSigint = () => {
    interrupts++;
    if (interrupts === 1) {
      io.err(
        phase === 'import'
          ? '\nCancelling the import (press Ctrl-C again to stop at once)…'
          : '\nStopping OCR; the import itself is kept, and "medvault ocr" reads the rest.',
      );
      controller.abort();
    } else {
      process.exit(EXIT.interrupted); // the next open undoes the unfinished run
    }
  };
  process.on('SIGINT', onSigint);
  const showProgress = !values.json && process.stderr.isTTY;
  const started = Date.now();
  try {
    const report = await importIntoVault(
      vault,
      paths.map((path) => resolve(path)),
      {
        signal: controller.signal,
        ...(scans ? { sourceKind: 'scan' as const, scans } : {}),
        onProgress: showProgress
          ? (progress) => process.stderr.write(`\r${progressLine(progress, started)}\x1b[K`)
          : undefined,
      },
    );
    if (showProgress) process.stderr.write('\r\x1b[K');
    if (report.status === 'cancelled') {
      io.err('Import cancelled; nothing from it was added to the vault.');
      return EXIT.interrupted;
    }
    phase = 'text';
    const text = values['skip-ocr']
      ? null
      : await readPendingText(vault, statusIo(io, showProgress), {
          signal: controller.signal,
          documentIds: report.documents,
          quiet: values.json,
        });
    const textPending = await countQueuedText(vault, report.documents);
    if (values.json) {
      const json: ImportJson = {
        imported: report.imported,
        duplicates: report.duplicates,
        skipped: report.skipped,
        failed: report.failed,
        warnings: report.warnings,
        documents: report.documents,
        patients: report.patients,
        runId: report.runId,
        textRecognized: text?.recognized ?? 0,
        textPending,
        textProblems: text?.problems ?? [],
      };
      io.out(JSON.stringify(json));
    } else {
      const lines = [
        `Imported ${plural(report.imported, 'document')}; ${plural(report.duplicates, 'file')} already in the vault; ${plural(report.skipped, 'file')} skipped (not records: system files, a disc's viewer program, a download package's index).`,
      ];
      for (const patient of report.patients) {
        lines.push(
          `  patient on these files: ${[patient.name, patient.id && `ID ${patient.id}`].filter(Boolean).join(', ')}`,
        );
      }
      if (report.failed.length) {
        lines.push(`${plural(report.failed.length, 'file')} could not be imported:`);
        for (const failure of report.failed) lines.push(`  ${failure.path}: ${failure.reason}`);
      }
      for (const warning of report.warnings) lines.push(`  note: ${warning.path}: ${warning.reason}`);
      if (text) lines.push(...describeTextResult(text));
      else if (textPending > 0) lines.push(`${plural(textPending, 'document')} wait for OCR: run "medvault ocr".`);
      io.out(lines.join('\n'));
    }
    return report.failed.length ? EXIT.dataProblem : EXIT.ok;
  } finally {
    process.off('SIGINT', onSigint);
  }
}

function statusIo(io: Io, show: boolean): TextIo {
  return {
    err: io.err,
    status: show ? (line) => process.stderr.write(line ? `\r${line}\x1b[K` : '\r\x1b[K') : undefined,
  };
}

/** `medvault ocr`: reads the text every queued image and text-less PDF still waits for. */
export async function ocrCommand(vault: Vault, values: Values, io: Io): Promise<number> {
  const controller = new AbortController();
  const onSigint = () => controller.abort();
  process.on('SIGINT', onSigint);
  try {
    const result = await readPendingText(vault, statusIo(io, !values.json && process.stderr.isTTY), {
      signal: controller.signal,
      quiet: values.json,
    });
    const summary = result ?? { recognized: 0, remaining: 0, problems: [] };
    if (values.json) io.out(JSON.stringify(summary));
    else io.out(result ? describeTextResult(result).join('\n') : 'No document waits for OCR.');
    return controller.signal.aborted ? EXIT.interrupted : EXIT.ok;
  } finally {
    process.off('SIGINT', onSigint);
  }
}

function progressLine(progress: ImportProgress, started: number): string {
  const mb = (bytes: number) => (bytes / 1e6).toFixed(1);
  const elapsed = (Date.now() - started) / 1000;
  const rate = progress.bytesDone / Math.max(elapsed, 0.001);
  const left = rate > 0 && progress.bytesDone > 0 ? (progress.bytesTotal - progress.bytesDone) / rate : NaN;
  const eta = Number.isFinite(left) && elapsed > 2 ? ` · about ${formatDuration(left)} left` : '';
  return `Importing ${progress.filesDone}/${progress.filesTotal} files · ${mb(progress.bytesDone)}/${mb(progress.bytesTotal)} MB${eta}`;
}

function formatDuration(seconds: number): string {
  if (seconds < 60) return `${Math.ceil(seconds)} s`;
  return `${Math.floor(seconds / 60)} min ${Math.ceil(seconds % 60)} s`;
}
