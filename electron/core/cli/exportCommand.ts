/**
 * `medvault export appeal …` (one PDF for an insurance appeal), `export new-provider …` (the same
 * PDF with a general cover), `export second-opinion …` (a disc-style folder or zip) and
 * `medvault disclosures` (the log of every packet made). Arguments are checked before the slow
 * unlock.
 */
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { isIsoDate } from '../../../shared/documents';
import type { DisclosureRecord, PacketProgress, PacketRequest } from '../../../shared/packets';
import type { DisclosureJson } from '../../../shared/cliOutput';
import { PACKET_FORM_LOG_NAMES, packetPurposeLabel } from '../../../shared/packetKinds';
import { MedvaultError, describeIoError } from '../errors';
import { listDisclosures, saveDisclosureLog, writeDiscPacket, writePdfPacket } from '../usecases/packets';
import type { Vault } from '../usecases/vaults';

export interface ExportValues {
  out?: string;
  ids?: string;
  'patient-name'?: string;
  dob?: string;
  'recipient-name'?: string;
  'recipient-org'?: string;
  'recipient-address'?: string;
  'member-id'?: string;
  claim?: string;
  'dates-of-service'?: string;
  'denial-date'?: string;
  statement?: string;
  'statement-file'?: string;
  'include-psychotherapy-notes'?: boolean;
  'include-not-covered'?: boolean;
  json?: boolean;
  csv?: string;
  deidentify?: boolean;
  zip?: boolean;
}

export interface ExportIo {
  out: (text: string) => void;
  err: (text: string) => void;
}

const APPEAL_USAGE =
  'Usage: medvault export appeal --out FILE.pdf --ids ID,ID,... --dob YYYY-MM-DD [--patient-name N] [--statement S | --statement-file F] …';
const NEW_PROVIDER_USAGE =
  'Usage: medvault export new-provider --out FILE.pdf --ids ID,ID,... --dob YYYY-MM-DD [--patient-name N] [--recipient-name N] …';
/** Options that only an appeal's cover letter uses. */
const APPEAL_ONLY = ['member-id', 'claim', 'dates-of-service', 'denial-date', 'statement', 'statement-file'] as const;

/** The request as far as it can be built without the vault; the patient's name may come from its owner. */
export async function appealRequestFrom(
  args: string[],
  values: ExportValues,
): Promise<{ request: PacketRequest; out: string }> {
  if (args.length === 0) throw new MedvaultError('invalid-argument', APPEAL_USAGE);
  if (!['appeal', 'new-provider'].includes(args[0]!) || args.length !== 1) {
    throw new MedvaultError(
      'invalid-argument',
      `Unknown packet "${args.join(' ')}": appeal, new-provider or second-opinion. ${APPEAL_USAGE}`,
    );
  }
  const appeal = args[0] === 'appeal';
  const usage = appeal ? APPEAL_USAGE : NEW_PROVIDER_USAGE;
  if (!appeal) {
    const given = APPEAL_ONLY.find((option) => values[option] !== undefined);
    if (given) throw new MedvaultError('invalid-argument', `--${given} is for an appeal packet. ${usage}`);
  }
  if (!values.out) throw new MedvaultError('invalid-argument', `--out FILE.pdf is needed. ${usage}`);
  if (!values.out.toLowerCase().endsWith('.pdf')) {
    throw new MedvaultError('invalid-argument', '--out needs a file name ending in .pdf.');
  }
  const ids = (values.ids ?? '')
    .split(',')
    .map((id) => id.trim())
    .filter(Boolean);
  if (ids.length === 0) throw new MedvaultError('invalid-argument', `--ids ID,ID,... is needed. ${usage}`);
  if (!values.dob || !isIsoDate(values.dob)) {
    throw new MedvaultError('invalid-argument', "--dob needs the patient's date of birth as YYYY-MM-DD.");
  }
  if (values['denial-date'] && !isIsoDate(values['denial-date'])) {
    throw new MedvaultError('invalid-argument', '--denial-date needs a date as YYYY-MM-DD.');
  }
  if (values.statement !== undefined && values['statement-file'] !== undefined) {
    throw new MedvaultError('invalid-argument', 'Give --statement or --statement-file, not both.');
  }
  let statement = values.statement ?? '';
  if (values['statement-file'] !== undefined) {
    try {
      statement = await readFile(resolve(values['statement-file']), 'utf8');
    } catch (error) {
      throw describeIoError(error, `the statement file ${values['statement-file']}`);
    }
  }
  if (!appeal) return { out: resolve(values.out), request: requestFrom(values, 'new-provider', ids) };
  return {
    out: resolve(values.out),
    request: {
      ...requestFrom(values, 'insurance-appeal', ids),
      appeal: {
        memberId: values['member-id'] ?? '',
        claimNumber: values.claim ?? '',
        datesOfService: values['dates-of-service'] ?? '',
        denialDate: values['denial-date'] ?? '',
        statement,
      },
    },
  };
}

/** Writes the packet; Ctrl-C cancels it and leaves nothing behind. Returns the exit code. */
export async function exportAppeal(
  vault: Vault,
  prepared: { request: PacketRequest; out: string },
  values: ExportValues,
  io: ExportIo,
): Promise<number> {
  const { request, out } = prepared;
  const showProgress = !values.json && process.stderr.isTTY;
  return cancellableOnSigint(io, showProgress, async (signal) => {
    const result = await writePdfPacket(
      vault,
      request,
      out,
      {
        signal,
        onProgress: showProgress
          ? (p) =>
              process.stderr.write(`\r${p.documentsDone}/${p.documentsTotal} documents, ${p.pagesDone} pages\x1b[K`)
          : undefined,
      },
      { missingPatientName: '--patient-name is needed (or set the vault\'s owner with "medvault owner --name N").' },
    );
    if (showProgress) process.stderr.write('\r\x1b[K');
    if (values.json) {
      io.out(
        JSON.stringify({ ...result.plan, path: result.path, bytes: result.bytes, disclosureId: result.disclosureId }),
      );
    } else {
      const lines = [
        `Wrote ${result.plan.totalPages} pages (cover ${result.plan.coverPages}, index ${result.plan.indexPages}, ${result.plan.items.length} documents) to ${result.path}.`,
        ...result.plan.items.map((item) =>
          item.firstPage === item.lastPage
            ? `  page ${item.firstPage}  ${item.title}`
            : `  pages ${item.firstPage}–${item.lastPage}  ${item.title}`,
        ),
        ...result.plan.warnings.map((warning) => `note: ${warning}`),
        `Recorded in the disclosure log (${result.disclosureId}).`,
      ];
      io.out(lines.join('\n'));
    }
    return 0;
  });
}

/**
 * Runs a packet writer with Ctrl-C cancelling it (nothing is left behind): exit code 130 and one
 * sentence when it was cancelled.
 */
async function cancellableOnSigint(
  io: ExportIo,
  progressLine: boolean,
  write: (signal: AbortSignal) => Promise<number>,
): Promise<number> {
  const controller = new AbortController();
  const onSigint = () => {
    io.err('\nCancelling the packet…');
    controller.abort();
  };
  process.on('SIGINT', onSigint);
  try {
    return await write(controller.signal);
  } catch (error) {
    if (progressLine) process.stderr.write('\r\x1b[K');
    if (controller.signal.aborted || (error instanceof MedvaultError && error.code === 'cancelled')) {
      io.err('The packet was cancelled; nothing was written.');
      return 130;
    }
    throw error;
  } finally {
    process.off('SIGINT', onSigint);
  }
}

/** What every packet request says: its purpose, documents, recipient, patient and exclusions. */
function requestFrom(values: ExportValues, purpose: PacketRequest['purpose'], ids: string[]): PacketRequest {
  return {
    purpose,
    documentIds: ids,
    recipient: {
      name: values['recipient-name'] ?? '',
      organisation: values['recipient-org'] ?? '',
      address: values['recipient-address'] ?? '',
    },
    patient: { name: values['patient-name']?.trim() ?? '', dateOfBirth: values.dob ?? '' },
    includePsychotherapyNotes: values['include-psychotherapy-notes'] === true,
    includeNotCovered: values['include-not-covered'] === true,
  };
}

const SECOND_OPINION_USAGE =
  'Usage: medvault export second-opinion --out FOLDER|FILE.zip --ids ID,ID,... [--zip] [--dob YYYY-MM-DD] [--patient-name N] [--deidentify] [--recipient-name N] …';

/**
 * `export second-opinion`: checked before the unlock, like the appeal. A zip when asked with
 * `--zip` or when `--out` ends in .zip.
 */
export function secondOpinionRequestFrom(values: ExportValues): { request: PacketRequest; out: string; zip: boolean } {
  if (!values.out) throw new MedvaultError('invalid-argument', `--out FOLDER is needed. ${SECOND_OPINION_USAGE}`);
  if (values.dob !== undefined && !isIsoDate(values.dob)) {
    throw new MedvaultError('invalid-argument', "--dob needs the patient's date of birth as YYYY-MM-DD.");
  }
  const ids = (values.ids ?? '')
    .split(',')
    .map((id) => id.trim())
    .filter(Boolean);
  if (ids.length === 0)
    throw new MedvaultError('invalid-argument', `--ids ID,ID,... is needed. ${SECOND_OPINION_USAGE}`);
  return {
    out: resolve(values.out),
    request: requestFrom(values, 'second-opinion', ids),
    zip: values.zip === true || values.out.toLowerCase().endsWith('.zip'),
  };
}

/**
 * Writes the disc-style folder or zip; Ctrl-C cancels it and leaves nothing behind. The summary
 * PDF's name defaults to the vault's owner; without a name or --dob it is left out, with a note.
 */
export async function exportSecondOpinion(
  vault: Vault,
  prepared: { request: PacketRequest; out: string; zip: boolean },
  values: ExportValues,
  io: ExportIo,
): Promise<number> {
  const { request } = prepared;
  const showProgress = !values.json && process.stderr.isTTY;
  return cancellableOnSigint(io, showProgress, async (signal) => {
    const target = {
      path: prepared.out,
      form: prepared.zip ? ('zip' as const) : ('folder' as const),
      deidentify: values.deidentify === true,
    };
    const result = await writeDiscPacket(vault, request, target, {
      signal,
      onProgress: showProgress ? (p) => process.stderr.write(`\r${secondOpinionProgress(p)}\x1b[K`) : undefined,
    });
    if (showProgress) process.stderr.write('\r\x1b[K');
    if (values.json) io.out(JSON.stringify(result));
    else {
      io.out(
        [
          `Wrote ${result.studies} ${result.studies === 1 ? 'study' : 'studies'} (${result.instances} DICOM files), ${result.reports} report${result.reports === 1 ? '' : 's'}${result.summary ? ' and a summary PDF' : ''} to ${prepared.zip ? 'the zip ' : ''}${result.out}, with a DICOMDIR, README.TXT, INDEX.HTM and MANIFEST.`,
          ...result.warnings.map((warning) => `note: ${warning}`),
          `Recorded in the disclosure log (${result.disclosureId}).`,
        ].join('\n'),
      );
    }
    return 0;
  });
}

function secondOpinionProgress(p: PacketProgress): string {
  if (p.phase === 'writing') return `Writing ${p.filesDone ?? 0}/${p.filesTotal ?? 0} files`;
  if (p.phase === 'summary')
    return `Summary PDF: ${p.documentsDone}/${p.documentsTotal} documents, ${p.pagesDone} pages`;
  return `Reading ${p.documentsDone}/${p.documentsTotal} documents`;
}

/** As `disclosures --json` has always printed a record: the form by its log name, as `packetKind`. */
function disclosureJson({ form, documents, ...record }: DisclosureRecord): DisclosureJson {
  return { ...record, packetKind: PACKET_FORM_LOG_NAMES[form] ?? form, documents };
}

export async function disclosuresCommand(vault: Vault, values: ExportValues, io: ExportIo): Promise<number> {
  if (values.csv !== undefined) await saveDisclosureLog(vault, resolve(values.csv), { replace: true });
  const records = await listDisclosures(vault);
  if (values.json) {
    io.out(JSON.stringify(records.map(disclosureJson)));
  } else if (records.length === 0) {
    io.out('No packets have been made.');
  } else {
    const lines: string[] = [];
    for (const record of records) {
      const to =
        [record.recipient.name, record.recipient.organisation].filter(Boolean).join(', ') || 'no recipient named';
      lines.push(`${record.createdAt}  ${packetPurposeLabel(record.purpose)} to ${to} (${record.id})`);
      for (const document of record.documents) {
        lines.push(`  ${document.documentId}  ${document.sha256.slice(0, 12)}…  ${document.title ?? '(removed)'}`);
      }
    }
    if (values.csv !== undefined) lines.push(`Wrote the log as CSV to ${resolve(values.csv)}.`);
    io.out(lines.join('\n'));
  }
  return 0;
}
