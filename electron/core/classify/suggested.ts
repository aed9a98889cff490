/** A value Medvault suggests, with how sure it is (0–1) and what it went by. */
export interface Suggested<T> {
  value: T;
  confidence: number;
  reason: string;
}

/** The words a pattern matched, tidied for a reason shown to the patient. */
export function quoted(text: string, max = 60): string {
  const cleaned = text.replace(/\s+/g, ' ').trim();
  return `'${cleaned.length > max ? `${cleaned.slice(0, max - 1)}…` : cleaned}'`;
}
