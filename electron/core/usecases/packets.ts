/**
 * Packets — documents gathered for someone else — with every rule in one place, for the app
 * (`startPacket`) and the CLI (`medvault export …`) alike:
 * - a PDF cannot be de-identified (it carries the patient's name on every page);
 * - the patient's name, when not given, is the vault owner's, else the one the last packet used;
 * - a PDF needs the name and date of birth that stamp its pages; a disc needs a study;
 * - nothing is ever written over (the writers check the target before any layout);
 * - the name and date of birth are remembered, in the vault, for the next packet.
 * Psychotherapy notes and data HIPAA does not cover are left out by the plan unless the request
 * includes them (`export/resolvePacket.ts`). What a kind's cover letter says is its folder in
 * `export/kinds/`; the PDF writer (`export/pdf/`) and the disc writer (`export/disc/`) write any kind.
 */
import { stat, writeFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import type { PacketDefaults, PacketForm, PacketOutput, PacketResult } from '../../../shared/api';
import type { DisclosureRecord, PacketPlan, PacketProgress, PacketRequest } from '../../../shared/packets';
import { readSetting, writeSetting } from '../db/settings';
import { getOwner } from '../documents/owner';
import { MedvaultError, describeIoError } from '../errors';
import { writePacketPdf, type PdfPacketResult } from '../export/pdf/writePacketPdf';
import { listDisclosures as readDisclosures } from '../db/disclosures';
import { disclosuresCsv } from '../export/disclosureLog';
import { packetKind } from '../export/kinds';
import { assemblePacket } from '../export/pdf/assemble';
import { resolvePacket } from '../export/resolvePacket';
import { checkPacketTarget } from '../export/packetTarget';
import { requireStudy, writePacketDisc, type DiscPacketResult } from '../export/disc/writePacketDisc';
import type { Vault } from '../vault/Vault';
import { PACKET_FILE_MODE } from '../fileModes';

export type { PdfPacketResult, DiscPacketResult };

const PATIENT_NAME_SETTING = 'packetPatientName';
const PATIENT_DOB_SETTING = 'packetPatientDob';

/** Where a packet goes and in which form. */
export interface PacketTarget {
  /** The file or folder to create (absolute); it must not exist yet. */
  path: string;
  form: PacketForm;
  deidentify?: boolean;
}

export interface PacketRun {
  signal?: AbortSignal;
  onProgress?: (progress: PacketProgress) => void;
}

/** Sentences a front end may put in place of the general ones (the CLI names its options). */
export interface PacketWording {
  missingPatientName?: string;
}

/** Where packets go by default (Documents, else home) and the patient as the last packet named them. */
export async function packetDefaults(vault: Vault): Promise<PacketDefaults> {
  const documents = join(homedir(), 'Documents');
  const folder = (await stat(documents).catch(() => null))?.isDirectory() ? documents : homedir();
  return vault.db.read(async (q) => {
    const name = (await readSetting(q, PATIENT_NAME_SETTING)) || ((await getOwner(q))?.name ?? '');
    return { folder, patient: { name, dateOfBirth: (await readSetting(q, PATIENT_DOB_SETTING)) ?? '' } };
  });
}

/**
 * The app's target: a name (never a path) in the folder the patient chose, with the form's
 * extension added when it is missing; refused when something of that name is there.
 */
export async function packetPathIn(
  output: Pick<PacketOutput, 'folder' | 'name'>,
  extension: string,
  what = 'the packet',
): Promise<string> {
  const name = output.name.trim();
  // A name, not a path: nothing may be written outside the folder the patient chose.
  if (!name || /[\\/]/.test(name) || name === '.' || name === '..' || [...name].some((char) => char < ' ')) {
    throw new MedvaultError('invalid-argument', `Give ${what} a name without slashes.`);
  }
  const withExtension = extension && !name.toLowerCase().endsWith(extension) ? `${name}${extension}` : name;
  const path = join(resolve(output.folder), withExtension);
  await checkPacketTarget(path);
  return path;
}

export function extensionOf(form: PacketForm): string {
  return form === 'pdf' ? '.pdf' : form === 'zip' ? '.zip' : '';
}

function checkForm(target: Pick<PacketTarget, 'form' | 'deidentify'>): void {
  if (target.deidentify && target.form === 'pdf') {
    throw new MedvaultError(
      'invalid-argument',
      'Only a folder or zip can be de-identified: a PDF packet carries your name on every page.',
    );
  }
}

/**
 * The request as it will be written: the patient's name filled in (the owner's, else the last
 * packet's) unless the packet is de-identified, then checked for what its form needs.
 */
export async function completePacketRequest(
  vault: Vault,
  request: PacketRequest,
  target: Pick<PacketTarget, 'form' | 'deidentify'>,
  wording: PacketWording = {},
): Promise<PacketRequest> {
  checkForm(target);
  let patient = { name: request.patient.name.trim(), dateOfBirth: request.patient.dateOfBirth };
  if (!patient.name && !target.deidentify) {
    // Unseen, so the vault's owner (set on purpose) goes before what the last packet was given;
    // the app's form shows its prefill (`packetDefaults`) and sends what the patient accepted.
    const fallback = await vault.db.read(
      async (q) => (await getOwner(q))?.name || (await readSetting(q, PATIENT_NAME_SETTING)) || '',
    );
    patient = { ...patient, name: fallback };
  }
  if (target.form === 'pdf' && !patient.name) {
    throw new MedvaultError(
      'invalid-argument',
      wording.missingPatientName ??
        "Enter the patient's name and date of birth: every page of the packet is stamped with them.",
    );
  }
  if (target.form === 'pdf' && !patient.dateOfBirth) {
    throw new MedvaultError(
      'invalid-argument',
      "Enter the patient's name and date of birth: every page of the packet is stamped with them.",
    );
  }
  return { ...request, patient };
}

/** The page list before writing (a disc's is its summary PDF's: the layout without the letter). */
export async function planPacket(
  vault: Vault,
  request: PacketRequest,
  target: Pick<PacketTarget, 'form' | 'deidentify'>,
): Promise<PacketPlan> {
  checkForm(target);
  // Laid out exactly as it will be written (the same code), and nothing saved.
  const resolved = await resolvePacket(vault, request);
  const coverLetter = target.form === 'pdf' ? packetKind(request.purpose).coverLetter : undefined;
  const { plan } = await assemblePacket(vault, resolved, { coverLetter });
  return plan;
}

/**
 * Everything that can be refused before the slow part, in the order the form shows it: the
 * request, then the target (`pathOf`, which checks it is free), then a disc's study.
 */
export async function checkPacket(
  vault: Vault,
  request: PacketRequest,
  form: Pick<PacketTarget, 'form' | 'deidentify'>,
  pathOf: () => Promise<string>,
): Promise<{ request: PacketRequest; target: PacketTarget }> {
  const complete = await completePacketRequest(vault, request, form);
  const path = await pathOf();
  await checkPacketTarget(path);
  if (form.form !== 'pdf') requireStudy(await resolvePacket(vault, complete));
  return { request: complete, target: { ...form, path } };
}

/** The packet as one PDF, with its kind's cover letter, recorded in the disclosure log. */
export async function writePdfPacket(
  vault: Vault,
  request: PacketRequest,
  path: string,
  run: PacketRun = {},
  wording: PacketWording = {},
): Promise<PdfPacketResult> {
  const complete = await completePacketRequest(vault, request, { form: 'pdf' }, wording);
  const written = await writePacketPdf(vault, complete, {
    out: path,
    coverLetter: packetKind(complete.purpose).coverLetter,
    ...run,
  });
  await rememberPatient(vault, complete);
  return written;
}

/** The packet as a disc-style folder or zip, recorded in the disclosure log. */
export async function writeDiscPacket(
  vault: Vault,
  request: PacketRequest,
  target: PacketTarget,
  run: PacketRun = {},
): Promise<DiscPacketResult> {
  const complete = await completePacketRequest(vault, request, target);
  const written = await writePacketDisc(vault, complete, {
    out: target.path,
    deidentify: target.deidentify === true,
    zip: target.form === 'zip',
    ...run,
  });
  await rememberPatient(vault, complete);
  return written;
}

/** Either form, as the app reports it. */
export async function writePacket(
  vault: Vault,
  request: PacketRequest,
  target: PacketTarget,
  run: PacketRun = {},
): Promise<PacketResult> {
  if (target.form === 'pdf') {
    const written = await writePdfPacket(vault, request, target.path, run);
    return {
      path: written.path,
      form: 'pdf',
      disclosureId: written.disclosureId,
      pages: written.plan.totalPages,
      files: null,
      warnings: written.plan.warnings,
    };
  }
  const written = await writeDiscPacket(vault, request, target, run);
  return {
    path: written.out,
    form: target.form,
    disclosureId: written.disclosureId,
    pages: written.summaryPages ?? null,
    files: written.files,
    warnings: written.warnings,
  };
}

/** The name and date of birth stay in the (encrypted) vault for the next packet. */
async function rememberPatient(vault: Vault, request: PacketRequest): Promise<void> {
  const { name, dateOfBirth } = request.patient;
  if (!name.trim() && !dateOfBirth) return;
  await vault.db.transaction(async (tx) => {
    if (name.trim()) await writeSetting(tx, PATIENT_NAME_SETTING, name.trim());
    if (dateOfBirth) await writeSetting(tx, PATIENT_DOB_SETTING, dateOfBirth);
  });
}

export function listDisclosures(vault: Vault): Promise<DisclosureRecord[]> {
  return vault.db.read((q) => readDisclosures(q));
}

/**
 * The disclosure log as CSV. The app never replaces a file (`replace: false`); the CLI's
 * `--csv FILE` writes the file it is told to, as a command line does.
 */
export async function saveDisclosureLog(vault: Vault, path: string, options: { replace: boolean }): Promise<string> {
  const records = await listDisclosures(vault);
  try {
    await writeFile(path, disclosuresCsv(records), { flag: options.replace ? 'w' : 'wx', mode: PACKET_FILE_MODE });
  } catch (error) {
    throw describeIoError(error, `the file ${path}`);
  }
  return path;
}
