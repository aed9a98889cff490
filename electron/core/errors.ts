import type { ApiErrorCode } from '../../shared/api';

/**
 * Errors the patient can act on. `message` is one plain sentence, safe to show as is:
 * it never carries a stack trace or document contents.
 */
export type MedvaultErrorCode = Exclude<ApiErrorCode, 'internal'>;

/** Whether the fault lies with what the user asked (exit code 1) or with the data (exit code 2). */
const USER_ERRORS: ReadonlySet<MedvaultErrorCode> = new Set([
  'wrong-passphrase',
  'wrong-recovery-key',
  'weak-passphrase',
  'vault-not-found',
  'vault-exists',
  'vault-busy',
  'vault-too-new',
  'not-found',
  'invalid-argument',
  'cancelled',
  'vault-locked',
]);

export class MedvaultError extends Error {
  constructor(
    readonly code: MedvaultErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'MedvaultError';
  }

  get isUserError(): boolean {
    return USER_ERRORS.has(this.code);
  }
}

/** Turns a Node system error into one sentence about `what` (never echoing file contents). */
export function describeIoError(error: unknown, what: string): MedvaultError {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  switch (code) {
    case 'ENOSPC':
    case 'EDQUOT':
      return new MedvaultError('disk-full', `The disk is full while writing ${what}.`, { cause: error });
    case 'ENOENT':
      return new MedvaultError('not-found', `${capitalize(what)} does not exist.`, { cause: error });
    case 'EACCES':
    case 'EPERM':
      return new MedvaultError('io', `Permission denied for ${what}.`, { cause: error });
    case 'EISDIR':
      return new MedvaultError('io', `${capitalize(what)} is a folder, not a file.`, { cause: error });
    case 'EIO':
      return new MedvaultError('io', `The device could not be read for ${what} (input/output error).`, {
        cause: error,
      });
    default:
      return new MedvaultError('io', `${capitalize(what)} could not be accessed (${code ?? 'unknown error'}).`, {
        cause: error,
      });
  }
}

function capitalize(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}
