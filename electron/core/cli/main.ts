import { resolve } from 'node:path';
import { parseArgs, type ParseArgsConfig } from 'node:util';
import type {
  DocumentEdit,
  DocumentFilter,
  DocumentDetails,
  SuggestionBasis,
  VaultDocument,
} from '../../../shared/documents';
import { isIsoDate } from '../../../shared/documents';
import type { ImportProgress } from '../../../shared/imports';
import { RECORD_TYPES, isRecordCategory, isRecordType } from '../../../shared/recordSet';
import { MedvaultError } from '../errors';
import { defaultVaultDir } from '../paths';
import { editDocument, getDocument, listDocuments } from '../usecases/documents';
import { importIntoVault, type ScanRequest } from '../usecases/imports';
import { getOwner, setOwner } from '../usecases/owner';
import { changeKeyImages, snapshotFrame } from '../usecases/studies';
import { countQueuedText } from '../usecases/text';
import {
  backUp,
  changePassphrase as rekey,
  createVault,
  openVault,
  restoreBackup,
  verifyVault,
  type Credential,
  type Vault,
} from '../usecases/vaults';
import type { ImportJson } from '../../../shared/cliOutput';
import { promptHidden } from './prompt';
import { describeTextResult, readPendingText, type TextIo } from './textCommands';
import { pagesOption, requireScanner, scanFromScanner, scanRequestFromArgs } from './scanCommands';
import { snapshotRequestFrom } from './snapshotCommand';
import { describeKeyImages, keyImagesRequestFrom } from './keyImagesCommand';
import {
  appealRequestFrom,
  disclosuresCommand,
  exportAppeal,
  exportSecondOpinion,
  secondOpinionRequestFrom,
} from './exportCommand';

/** Exit codes: the contract scripts rely on. */
export const EXIT = { ok: 0, userError: 1, dataProblem: 2, interrupted: 130 } as const;

const USAGE = `Usage: medvault <command> [options]

Commands:
  init                                  create a vault (prints the recovery key once)
  import PATH... [--json] [--skip-ocr]  import files and folders; the text of images and of PDFs
                                        without one is then read by OCR (--skip-ocr: later)
  import --scan [--title T] IMAGE[@90]... [--json]
                                        one scanned document (a PDF, text read by OCR) from page
                                        images in this order; @90, @180, @270 turn a page clockwise
  scan [--title T] [--pages N] [--json] scan pages with the scanner (SANE scanimage) into one document
  list [--json] [--category C] [--type T] [--from YYYY-MM-DD] [--to YYYY-MM-DD]
       [--provider P] [--tag T] [--text QUERY] [--needs-review]
  show ID [--json]                      one document, with its files
  key-images ID [--add SOP_UID[:FRAME]]... [--remove SOP_UID[:FRAME]]... [--json]
                                        a study's key images (marked in the viewer or here; FRAME
                                        from 1, default 1), in the order marked: what packets show
  tag ID [--type T] [--date YYYY-MM-DD|unknown] [--provider P] [--title S]
         [--add-tag T]... [--remove-tag T]... [--reviewed]
                                        correct a document; --reviewed accepts its suggestions
  snapshot ID [--series N] [--instance N] [--frame N] [--window C,W] --out FILE.png [--json]
                                        render one DICOM image of a study to a PNG (positions from 1
                                        in the viewer's order, default the first; the file's window)
  export appeal --out FILE.pdf --ids ID,ID,... --dob YYYY-MM-DD [--patient-name N]
         [--recipient-name N] [--recipient-org O] [--recipient-address A] [--member-id M]
         [--claim C] [--dates-of-service S] [--denial-date YYYY-MM-DD]
         [--statement S | --statement-file F] [--include-psychotherapy-notes]
         [--include-not-covered] [--json]
                                        an appeal packet: one PDF (cover letter, index, the
                                        documents in this order), recorded in the disclosure log;
                                        the name defaults to the vault's owner
  export new-provider --out FILE.pdf --ids ID,ID,... --dob YYYY-MM-DD [--patient-name N]
         [--recipient-name N] [--recipient-org O] [--recipient-address A]
         [--include-psychotherapy-notes] [--include-not-covered] [--json]
                                        the same one PDF with a general cover, for a new provider
  export second-opinion --out FOLDER|FILE.zip --ids ID,ID,... [--zip] [--dob YYYY-MM-DD]
         [--patient-name N] [--deidentify] [--recipient-name N] [--recipient-org O]
         [--include-psychotherapy-notes] [--include-not-covered] [--json]
                                        a disc-style folder or zip (IHE PDI) of the studies' DICOM
                                        files, the PDF reports and a summary PDF of every record
                                        (needs the name and --dob; none when de-identified),
                                        recorded in the disclosure log
  disclosures [--json] [--csv FILE]     every packet made: when, to whom, why, which documents
  ocr [--json]                          read the text of the images and PDFs still waiting for OCR
  verify [--json]                       check the database and every file's integrity
  passphrase                            change the passphrase
  owner [--name N] [--patient-id ID] [--clear]
                                        whose vault this is (imports warn about other patients)
  backup --out FILE                     write an encrypted backup of the vault
  restore FILE --vault DIR              restore a backup into a new folder

Options:
  --vault DIR        the vault folder (else $MEDVAULT_VAULT, else the app's folder)
  --recovery-key     unlock with the recovery key instead of the passphrase
  --json             machine-readable output on stdout

The passphrase is read from $MEDVAULT_PASSPHRASE or asked for in the terminal; the recovery key
from $MEDVAULT_RECOVERY_KEY or asked for; a new passphrase from $MEDVAULT_NEW_PASSPHRASE or asked
for twice. Secrets are never taken as arguments.`;

const OPTIONS = {
  vault: { type: 'string' },
  json: { type: 'boolean' },
  'recovery-key': { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
  category: { type: 'string' },
  type: { type: 'string' },
  from: { type: 'string' },
  to: { type: 'string' },
  provider: { type: 'string' },
  tag: { type: 'string' },
  text: { type: 'string' },
  date: { type: 'string' },
  title: { type: 'string' },
  'add-tag': { type: 'string', multiple: true },
  'remove-tag': { type: 'string', multiple: true },
  out: { type: 'string' },
  name: { type: 'string' },
  'patient-id': { type: 'string' },
  clear: { type: 'boolean' },
  scan: { type: 'boolean' },
  pages: { type: 'string' },
  'needs-review': { type: 'boolean' },
  'skip-ocr': { type: 'boolean' },
  reviewed: { type: 'boolean' },
  series: { type: 'string' },
  instance: { type: 'string' },
  frame: { type: 'string' },
  window: { type: 'string' },
  add: { type: 'string', multiple: true },
  remove: { type: 'string', multiple: true },
  ids: { type: 'string' },
  'patient-name': { type: 'string' },
  dob: { type: 'string' },
  'recipient-name': { type: 'string' },
  'recipient-org': { type: 'string' },
  'recipient-address': { type: 'string' },
  'member-id': { type: 'string' },
  claim: { type: 'string' },
  'dates-of-service': { type: 'string' },
  'denial-date': { type: 'string' },
  statement: { type: 'string' },
  'statement-file': { type: 'string' },
  'include-psychotherapy-notes': { type: 'boolean' },
  'include-not-covered': { type: 'boolean' },
  deidentify: { type: 'boolean' },
  zip: { type: 'boolean' },
  csv: { type: 'string' },
} satisfies ParseArgsConfig['options'];

type Values = ReturnType<typeof parseArgs<{ options: typeof OPTIONS; allowPositionals: true }>>['values'];

interface Io {
  out: (text: string) => void;
  err: (text: string) => void;
  env: NodeJS.ProcessEnv;
}

export async function main(argv: string[], io: Io = defaultIo()): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({ args: argv, options: OPTIONS, allowPositionals: true, strict: true });
  } catch (error) {
    io.err(`medvault: ${(error as Error).message.split('\n')[0]}\n${USAGE.split('\n')[0]}`);
    return EXIT.userError;
  }
  const { values, positionals } = parsed;
  const [command, ...args] = positionals;
  if (values.help || !command || command === 'help') {
    io.out(USAGE);
    return command || values.help ? EXIT.ok : EXIT.userError;
  }
  const vaultDir = resolve(values.vault ?? (io.env.MEDVAULT_VAULT || defaultVaultDir(io.env)));
  try {
    switch (command) {
      case 'init':
        return await init(vaultDir, values, io);
      case 'import': {
        if (values.scan) {
          const scan = await scanRequestFromArgs(args, values.title);
          return await withVault(vaultDir, values, io, (vault) => importCommand(vault, [], values, io, [scan]));
        }
        return await withVault(vaultDir, values, io, (vault) => importCommand(vault, args, values, io));
      }
      case 'scan': {
        const pages = pagesOption(values.pages);
        await requireScanner(io.env); // said before the passphrase is asked for
        return await withVault(vaultDir, values, io, async (vault) => {
          const scan = await scanFromScanner(pages, values.title, io.env, io.err);
          return importCommand(vault, [], values, io, [scan]);
        });
      }
      case 'list': {
        // Arguments are checked before the (deliberately slow) unlock.
        const filter = filterFrom(values);
        return await withVault(vaultDir, values, io, (vault) => list(vault, filter, values, io));
      }
      case 'show':
        return await withVault(vaultDir, values, io, (vault) => show(vault, one(args, 'show ID'), values, io));
      case 'tag': {
        const id = one(args, 'tag ID');
        const edit = editFrom(values);
        return await withVault(vaultDir, values, io, (vault) => tag(vault, id, edit, values, io));
      }
      case 'key-images': {
        const request = keyImagesRequestFrom(args, values);
        return await withVault(vaultDir, values, io, async (vault) => {
          const result = await changeKeyImages(vault, request);
          io.out(values.json ? JSON.stringify(result) : describeKeyImages(result));
          return EXIT.ok;
        });
      }
      case 'snapshot': {
        const request = snapshotRequestFrom(args, values);
        return await withVault(vaultDir, values, io, async (vault) => {
          const result = await snapshotFrame(vault, request);
          io.out(
            values.json
              ? JSON.stringify(result)
              : `Wrote ${result.width} × ${result.height} pixels (series ${result.series}, instance ${result.instance}, frame ${result.frame} of ${result.frames}) to ${result.path}.`,
          );
          return EXIT.ok;
        });
      }
      case 'export': {
        if (args[0] === 'second-opinion' && args.length === 1) {
          const disc = secondOpinionRequestFrom(values);
          return await withVault(vaultDir, values, io, (vault) => exportSecondOpinion(vault, disc, values, io));
        }
        const prepared = await appealRequestFrom(args, values);
        return await withVault(vaultDir, values, io, (vault) => exportAppeal(vault, prepared, values, io));
      }
      case 'disclosures':
        return await withVault(vaultDir, values, io, (vault) => disclosuresCommand(vault, values, io));
      case 'ocr':
        return await withVault(vaultDir, values, io, (vault) => ocrCommand(vault, values, io));
      case 'verify':
        return await withVault(vaultDir, values, io, (vault) => verify(vault, values, io));
      case 'passphrase':
        return await withVault(vaultDir, values, io, (vault) => changePassphrase(vault, io));
      case 'owner':
        return await withVault(vaultDir, values, io, (vault) => owner(vault, values, io));
      case 'backup':
        return await withVault(vaultDir, values, io, (vault) => backup(vault, values, io));
      case 'restore':
        return await restore(one(args, 'restore FILE'), vaultDir, values, io);
      default:
        throw new MedvaultError('invalid-argument', `Unknown command "${command}" (see "medvault --help").`);
    }
  } catch (error) {
    if (error instanceof MedvaultError) {
      io.err(`medvault: ${error.message}`);
      return error.isUserError ? EXIT.userError : EXIT.dataProblem;
    }
    // Not one of ours: say what failed in one line; the stack stays out of the patient's way.
    io.err(`medvault: Something went wrong: ${(error as Error)?.message ?? String(error)}`);
    return EXIT.dataProblem;
  }
}

function defaultIo(): Io {
  return {
    out: (text) => process.stdout.write(text.endsWith('\n') ? text : `${text}\n`),
    err: (text) => process.stderr.write(text.endsWith('\n') ? text : `${text}\n`),
    env: process.env,
  };
}

function one(args: string[], usage: string): string {
  if (args.length !== 1) throw new MedvaultError('invalid-argument', `Usage: medvault ${usage}`);
  return args[0]!;
}

async function credentialFrom(values: Values, io: Io): Promise<Credential> {
  if (values['recovery-key']) {
    return { recoveryKey: io.env.MEDVAULT_RECOVERY_KEY ?? (await promptHidden('Recovery key: ')) };
  }
  const passphrase = io.env.MEDVAULT_PASSPHRASE ?? (await promptHidden('Passphrase: '));
  return { passphrase };
}

async function newPassphrase(io: Io): Promise<string> {
  if (io.env.MEDVAULT_NEW_PASSPHRASE !== undefined) return io.env.MEDVAULT_NEW_PASSPHRASE;
  const first = await promptHidden('New passphrase: ');
  const second = await promptHidden('Repeat the new passphrase: ');
  if (first !== second) throw new MedvaultError('invalid-argument', 'The two passphrases differ; nothing was changed.');
  return first;
}

async function withVault(
  dir: string,
  values: Values,
  io: Io,
  work: (vault: Vault) => Promise<number>,
): Promise<number> {
  const vault = await openVault(dir, await credentialFrom(values, io));
  try {
    return await work(vault);
  } finally {
    await vault.close();
  }
}

async function init(dir: string, values: Values, io: Io): Promise<number> {
  const passphrase = io.env.MEDVAULT_PASSPHRASE ?? (await newPassphrase(io));
  const { vault, recoveryKey } = await createVault(dir, passphrase);
  await vault.close();
  if (values.json) {
    io.out(JSON.stringify({ vault: dir, recoveryKey }));
  } else {
    io.out(
      [
        `Created a vault at ${dir}.`,
        '',
        `Recovery key: ${recoveryKey}`,
        '',
        'Write the recovery key down and keep it somewhere safe, away from this computer.',
        'It opens the vault if the passphrase is forgotten, and it is shown only this once.',
      ].join('\n'),
    );
  }
  return EXIT.ok;
}

async function importCommand(
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
async function ocrCommand(vault: Vault, values: Values, io: Io): Promise<number> {
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

function plural(count: number, noun: string): string {
  return `${count} ${noun}${count === 1 ? '' : 's'}`;
}

function filterFrom(values: Values): DocumentFilter {
  const filter: DocumentFilter = {};
  if (values.category !== undefined) {
    if (!isRecordCategory(values.category))
      throw new MedvaultError('invalid-argument', `"${values.category}" is not a category.`);
    filter.category = values.category;
  }
  if (values.type !== undefined) filter.type = recordType(values.type);
  for (const key of ['from', 'to'] as const) {
    const value = values[key];
    if (value !== undefined) {
      if (!isIsoDate(value))
        throw new MedvaultError('invalid-argument', `--${key} needs a date in the form YYYY-MM-DD.`);
      filter[key] = value;
    }
  }
  if (values.provider !== undefined) filter.provider = values.provider;
  if (values.tag !== undefined) filter.tag = values.tag;
  if (values.text !== undefined) filter.text = values.text;
  if (values['needs-review']) filter.needsReview = true;
  return filter;
}

function recordType(value: string) {
  if (!isRecordType(value)) {
    throw new MedvaultError(
      'invalid-argument',
      `"${value}" is not a record type (one of: ${RECORD_TYPES.join(', ')}).`,
    );
  }
  return value;
}

async function list(vault: Vault, filter: DocumentFilter, values: Values, io: Io): Promise<number> {
  const documents = await listDocuments(vault, filter);
  if (values.json) {
    io.out(JSON.stringify(documents));
    return EXIT.ok;
  }
  if (documents.length === 0) {
    io.out('No documents match.');
    return EXIT.ok;
  }
  const rows = documents.map((d) => [
    d.id,
    d.date ?? '—',
    d.needsReview ? `${d.type}?` : d.type,
    d.title,
    d.provider ?? '',
    d.tags.join(', '),
  ]);
  io.out(table(['ID', 'DATE', 'TYPE', 'TITLE', 'PROVIDER', 'TAGS'], rows));
  const unsure = documents.filter((d) => d.needsReview).length;
  if (unsure > 0)
    io.out(`\n? ${unsure} need${unsure === 1 ? 's' : ''} review: see "medvault show ID", then "medvault tag ID".`);
  return EXIT.ok;
}

function table(header: string[], rows: string[][]): string {
  const widths = header.map((title, column) =>
    Math.min(48, Math.max(title.length, ...rows.map((row) => row[column]!.length))),
  );
  const line = (cells: string[]) =>
    cells
      .map((cell, column) =>
        cell.length > widths[column]! ? `${cell.slice(0, widths[column]! - 1)}…` : cell.padEnd(widths[column]!),
      )
      .join('  ')
      .trimEnd();
  return [line(header), ...rows.map(line)].join('\n');
}

async function show(vault: Vault, id: string, values: Values, io: Io): Promise<number> {
  const document = await getDocument(vault, id);
  if (values.json) {
    io.out(JSON.stringify(document));
    return EXIT.ok;
  }
  io.out(describeDocument(document));
  return EXIT.ok;
}

function describeDocument(d: DocumentDetails): string {
  const lines = [
    `${d.title}`,
    `  id:         ${d.id}`,
    `  type:       ${d.type} (${d.category})${why(d.suggested.type)}`,
    `  date:       ${d.date ?? 'unknown'}${why(d.suggested.date)}`,
    `  provider:   ${d.provider ?? 'unknown'}${why(d.suggested.provider)}`,
    `  tags:       ${d.tags.join(', ') || 'none'}`,
    `  source:     ${d.source.kind}: ${d.source.path}`,
    `  media type: ${d.mediaType}, ${d.bytes} bytes`,
    `  imported:   ${d.importedAt}`,
  ];
  if (d.editedFields.length) lines.push(`  edited:     ${d.editedFields.join(', ')}`);
  if (d.needsReview)
    lines.push('  review:     needed — check the type and date ("medvault tag ID --reviewed" if right)');
  if (d.files.length > 1) lines.push(`  files:      ${d.files.length}`);
  if (d.textExcerpt) lines.push('', `  ${d.textExcerpt.replace(/\s+/g, ' ').slice(0, 300)}…`);
  return lines.join('\n');
}

/** How sure the suggestion is and what it went by, after the value. */
function why(basis: SuggestionBasis | undefined): string {
  return basis ? `  — suggested, ${Math.round(basis.confidence * 100)}%: ${basis.reason}` : '';
}

function editFrom(values: Values): DocumentEdit {
  const edit: DocumentEdit = {};
  if (values.type !== undefined) edit.type = recordType(values.type);
  if (values.date !== undefined) {
    if (values.date === 'unknown' || values.date === '') edit.date = null;
    else if (isIsoDate(values.date)) edit.date = values.date;
    else throw new MedvaultError('invalid-argument', '--date needs a date in the form YYYY-MM-DD (or "unknown").');
  }
  if (values.provider !== undefined) edit.provider = values.provider || null;
  if (values.title !== undefined) edit.title = values.title;
  if (values['add-tag']) edit.addTags = values['add-tag'];
  if (values['remove-tag']) edit.removeTags = values['remove-tag'];
  if (values.reviewed) edit.reviewed = true;
  if (Object.keys(edit).length === 0) {
    throw new MedvaultError(
      'invalid-argument',
      'Nothing to change: give --type, --date, --provider, --title, --add-tag, --remove-tag or --reviewed.',
    );
  }
  return edit;
}

async function tag(vault: Vault, id: string, edit: DocumentEdit, values: Values, io: Io): Promise<number> {
  const document: VaultDocument = await editDocument(vault, id, edit);
  io.out(
    values.json
      ? JSON.stringify(document)
      : `Updated ${document.id}: ${document.title} (${document.type}, ${document.date ?? 'date unknown'}).`,
  );
  return EXIT.ok;
}

async function verify(vault: Vault, values: Values, io: Io): Promise<number> {
  const report = await verifyVault(vault);
  if (values.json) {
    io.out(JSON.stringify(report));
  } else if (report.ok) {
    io.out(
      `The vault is intact: the database and ${plural(report.blobsChecked, 'file')} (${plural(report.documents, 'document')}) check out.`,
    );
  } else {
    const lines = ['The vault has problems:'];
    if (report.database !== 'ok') lines.push(`  database: ${report.database}`);
    for (const problem of report.problems) lines.push(`  ${problem.message}`);
    io.out(lines.join('\n'));
  }
  return report.ok ? EXIT.ok : EXIT.dataProblem;
}

async function changePassphrase(vault: Vault, io: Io): Promise<number> {
  await rekey(vault, await newPassphrase(io));
  io.out('The passphrase was changed. The recovery key is unchanged and still opens the vault.');
  return EXIT.ok;
}

async function owner(vault: Vault, values: Values, io: Io): Promise<number> {
  const changing = values.clear || values.name !== undefined || values['patient-id'] !== undefined;
  const result = changing
    ? await setOwner(vault, values.clear ? null : { name: values.name ?? null, id: values['patient-id'] ?? null })
    : await getOwner(vault);
  if (values.json) io.out(JSON.stringify(result));
  else if (!result) io.out('No owner is set: imports do not check whose records they are.');
  else
    io.out(`The vault's owner: ${[result.name, result.id && `patient ID ${result.id}`].filter(Boolean).join(', ')}.`);
  return EXIT.ok;
}

async function backup(vault: Vault, values: Values, io: Io): Promise<number> {
  if (!values.out) throw new MedvaultError('invalid-argument', 'Usage: medvault backup --out FILE');
  const result = await backUp(vault, values.out);
  io.out(
    values.json
      ? JSON.stringify(result)
      : `Wrote an encrypted backup of ${plural(result.documents, 'document')} to ${result.path}.`,
  );
  return EXIT.ok;
}

async function restore(file: string, dir: string, values: Values, io: Io): Promise<number> {
  const result = await restoreBackup(file, dir, await credentialFrom(values, io));
  io.out(
    values.json
      ? JSON.stringify({ vault: dir, ...result })
      : `Restored ${plural(result.documents, 'document')} into ${dir}.`,
  );
  return EXIT.ok;
}
