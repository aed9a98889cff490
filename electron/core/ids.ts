import { randomBytes } from 'node:crypto';

const ALPHABET = '0123456789abcdefghjkmnpqrstvwxyz';

/** A short random id (60 bits) that is easy to type in the CLI: `newId()` → `k3v9q0m2x7ab`. */
export function newId(length = 12): string {
  const bytes = randomBytes(length);
  let out = '';
  for (const byte of bytes) out += ALPHABET[byte & 31];
  return out;
}

export function nowIso(): string {
  return new Date().toISOString();
}
