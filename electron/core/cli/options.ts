/** The `medvault` command's options, its exit codes and the terminal it writes to: shared by every command. */
import type { parseArgs, ParseArgsConfig } from 'node:util';
import { MedvaultError } from '../errors';
import type { Credential } from '../usecases/vaults';
import { promptHidden } from './prompt';

/** Exit codes: the contract scripts rely on (3: the vault's database cannot be used; nothing was changed). */
export const EXIT = { ok: 0, userError: 1, dataProblem: 2, databaseUnusable: 3, interrupted: 130 } as const;

export const OPTIONS = {
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
  yes: { type: 'boolean' },
  'even-if-readable': { type: 'boolean' },
} satisfies ParseArgsConfig['options'];

export type Values = ReturnType<typeof parseArgs<{ options: typeof OPTIONS; allowPositionals: true }>>['values'];

export interface Io {
  out: (text: string) => void;
  err: (text: string) => void;
  env: NodeJS.ProcessEnv;
}

export function plural(count: number, noun: string): string {
  return `${count} ${noun}${count === 1 ? '' : 's'}`;
}

/** The passphrase (or, with --recovery-key, the recovery key): from the environment, else asked for. */
export async function credentialFrom(values: Values, io: Io): Promise<Credential> {
  if (values['recovery-key']) {
    return { recoveryKey: io.env.MEDVAULT_RECOVERY_KEY ?? (await promptHidden('Recovery key: ')) };
  }
  const passphrase = io.env.MEDVAULT_PASSPHRASE ?? (await promptHidden('Passphrase: '));
  return { passphrase };
}

export async function newPassphrase(io: Io): Promise<string> {
  if (io.env.MEDVAULT_NEW_PASSPHRASE !== undefined) return io.env.MEDVAULT_NEW_PASSPHRASE;
  const first = await promptHidden('New passphrase: ');
  const second = await promptHidden('Repeat the new passphrase: ');
  if (first !== second) throw new MedvaultError('invalid-argument', 'The two passphrases differ; nothing was changed.');
  return first;
}
