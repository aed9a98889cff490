/**
 * Packets as the app makes them: where one is written (a folder the patient chose and a name),
 * in which form, and the patient details the form remembers between packets.
 */
import { stat, writeFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import type { PacketDefaults, PacketOutput, PacketResult } from '../../../shared/api';
import type { PacketPlan, PacketProgress, PacketRequest } from '../../../shared/packets';
import { getOwner } from '../documents/owner';
import { MedvaultError, describeIoError } from '../errors';
import { writeAppealPacket } from '../export/appeal/writeAppealPacket';
import { disclosuresCsv, listDisclosures } from '../export/disclosureLog';
import { planPacket, resolvePacket } from '../export/packetPlan';
import { checkPacketTarget } from '../export/packetTarget';
import { requireStudy, writeSecondOpinionPacket } from '../export/secondOpinion/writeSecondOpinionPacket';
import type { Vault } from '../vault/Vault';

const PATIENT_NAME_SETTING = 'packetPatientName';
const PATIENT_DOB_SETTING = 'packetPatientDob';

/** The full path a packet goes to: the chosen folder and name, with the form's extension. */
export async function packetTarget(
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

function extensionOf(output: PacketOutput): string {
  return output.form === 'pdf' ? '.pdf' : output.form === 'zip' ? '.zip' : '';
}

function checkOutput(output: PacketOutput): void {
  if (output.deidentify && output.form === 'pdf') {
    throw new MedvaultError(
      'invalid-argument',
      'Only a folder or zip can be de-identified: a PDF packet carries your name on every page.',
    );
  }
}

function checkRequest(request: PacketRequest, output: PacketOutput): void {
  checkOutput(output);
  if (output.form === 'pdf' && (!request.patient.name.trim() || !request.patient.dateOfBirth)) {
    throw new MedvaultError(
      'invalid-argument',
      "Enter the patient's name and date of birth: every page of the packet is stamped with them.",
    );
  }
}

export async function planVaultPacket(vault: Vault, request: PacketRequest, output: PacketOutput): Promise<PacketPlan> {
  checkOutput(output);
  // A disc's page list is its summary PDF's: the appeal layout without the letter.
  return planPacket(vault, request, { letter: output.form === 'pdf' });
}

/** Checks a packet before it is started, so the form can say what is wrong; returns where it goes. */
export async function checkVaultPacket(vault: Vault, request: PacketRequest, output: PacketOutput): Promise<string> {
  checkRequest(request, output);
  const path = await packetTarget(output, extensionOf(output));
  if (output.form !== 'pdf') requireStudy(await resolvePacket(vault, request));
  return path;
}

export async function writeVaultPacket(
  vault: Vault,
  request: PacketRequest,
  output: PacketOutput,
  path: string,
  options: { signal: AbortSignal; onProgress: (progress: PacketProgress) => void },
): Promise<PacketResult> {
  let result: PacketResult;
  if (output.form === 'pdf') {
    const written = await writeAppealPacket(vault, request, { out: path, ...options });
    result = {
      path: written.path,
      form: 'pdf',
      disclosureId: written.disclosureId,
      pages: written.plan.totalPages,
      files: null,
      warnings: written.plan.warnings,
    };
  } else {
    const discOptions = { out: path, deidentify: output.deidentify === true, zip: output.form === 'zip', ...options };
    const written = await writeSecondOpinionPacket(vault, request, discOptions);
    result = {
      path: written.out,
      form: output.form,
      disclosureId: written.disclosureId,
      pages: written.summaryPages ?? null,
      files: written.files,
      warnings: written.warnings,
    };
  }
  await rememberPatient(vault, request);
  return result;
}

/** Where packets go by default (Documents, else home) and the patient as the last packet named them. */
export async function packetDefaults(vault: Vault): Promise<PacketDefaults> {
  const documents = join(homedir(), 'Documents');
  const folder = (await stat(documents).catch(() => null))?.isDirectory() ? documents : homedir();
  return vault.db.read(async (q) => {
    const setting = async (key: string) =>
      (await q.get<{ value: string }>('SELECT value FROM settings WHERE key = ?', [key]))?.value ?? '';
    const name = (await setting(PATIENT_NAME_SETTING)) || ((await getOwner(q))?.name ?? '');
    return { folder, patient: { name, dateOfBirth: await setting(PATIENT_DOB_SETTING) } };
  });
}

/** The name and date of birth stay in the (encrypted) vault for the next packet. */
async function rememberPatient(vault: Vault, request: PacketRequest): Promise<void> {
  const { name, dateOfBirth } = request.patient;
  if (!name.trim() && !dateOfBirth) return;
  await vault.db.transaction(async (tx) => {
    for (const [key, value] of [
      [PATIENT_NAME_SETTING, name.trim()],
      [PATIENT_DOB_SETTING, dateOfBirth],
    ] as const) {
      if (!value) continue;
      await tx.run(
        'INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value',
        [key, value],
      );
    }
  });
}

export async function saveDisclosureLog(vault: Vault, output: { folder: string; name: string }): Promise<string> {
  const path = await packetTarget(output, '.csv', 'the file');
  const records = await vault.db.read((q) => listDisclosures(q));
  try {
    await writeFile(path, disclosuresCsv(records), { flag: 'wx' });
  } catch (error) {
    throw describeIoError(error, `the file ${path}`);
  }
  return path;
}
