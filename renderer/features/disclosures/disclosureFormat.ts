/** What the disclosure log shows for a record: pure, so it can be tested without a page. */
import type { DisclosureRecord } from '../../../shared/packets';

export { packetFormLabel, packetPurposeLabel } from '../../../shared/packetKinds';

/** The first 12 hex digits of a SHA-256, enough to tell files apart at a glance. */
export function shortSha256(sha256: string): string {
  return sha256.length > 12 ? `${sha256.slice(0, 12)}…` : sha256;
}

/** What a removed document is called in the log. */
export const REMOVED_TITLE = '(removed from the vault)';

export function documentTitle(title: string | null): string {
  return title ?? REMOVED_TITLE;
}

/** "Appeals Unit, Acme Health" (either may be empty). */
export function recipientLine(recipient: DisclosureRecord['recipient']): string {
  return [recipient.name, recipient.organisation]
    .map((part) => part.trim())
    .filter(Boolean)
    .join(', ');
}

/** `disclosure-log-2024-03-01`, the local date of `now`. */
export function defaultCsvName(now: Date): string {
  const pad = (value: number) => String(value).padStart(2, '0');
  return `disclosure-log-${now.getFullYear()}-${pad(now.getMonth() + 1)}-${pad(now.getDate())}`;
}

/** A sentence when the file name cannot be used (the core checks it again), null when it can. */
export function csvNameProblem(name: string): string | null {
  const trimmed = name.trim();
  if (!trimmed || trimmed === '.csv') return 'Give the file a name.';
  if (/[\\/]/.test(trimmed)) return 'Give the file a name without slashes; choose the folder above.';
  if (trimmed === '.' || trimmed === '..' || [...trimmed].some((char) => char < ' ')) {
    return 'Give the file a name made of ordinary letters and digits.';
  }
  return null;
}
