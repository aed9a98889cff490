/**
 * FHIR values read field by field: every field optional and checked where used, each data type
 * (code, reference, quantity, money, period) as the line a person reads. For the importer's
 * suggestions and the readable pages alike.
 */

/** A FHIR JSON object. */
export type FhirObject = Record<string, unknown>;
type Json = FhirObject;

/** A value longer than this is cut, with an ellipsis: a page is for reading, the file keeps all of it. */
const MAX_TEXT = 10_000;

export interface Money {
  value: number;
  currency: string;
}

export function asMoney(value: unknown): Money | null {
  const money = obj(value);
  if (typeof money?.value !== 'number' || !Number.isFinite(money.value)) return null;
  return { value: money.value, currency: str(money.currency)?.toUpperCase() ?? 'USD' };
}

/** `$1,234.50` in US dollars (the currency when none is given); `1,234.50 EUR` in any other. */
export function formatMoney(value: unknown): string | null {
  const money = asMoney(value);
  if (!money) return null;
  const digits = Math.abs(money.value).toLocaleString('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 });
  const sign = money.value < 0 ? '-' : '';
  return money.currency === 'USD' ? `${sign}$${digits}` : `${sign}${digits} ${money.currency}`;
}

export function sum(amounts: Money[]): number {
  // In cents, so that 0.1 + 0.2 stays 0.30.
  return amounts.reduce((total, money) => total + Math.round(money.value * 100), 0) / 100;
}

export function obj(value: unknown): Json | null {
  return value && typeof value === 'object' && !Array.isArray(value) ? (value as Json) : null;
}

export function arr(value: unknown): Json[] {
  return Array.isArray(value) ? value.map(obj).filter((item): item is Json => item !== null) : [];
}

export function str(value: unknown): string | null {
  if (typeof value === 'string') {
    const text = value.replace(/\s+/g, ' ').trim();
    return text ? (text.length > MAX_TEXT ? `${text.slice(0, MAX_TEXT)}…` : text) : null;
  }
  if ((typeof value === 'number' && Number.isFinite(value)) || typeof value === 'boolean') return String(value);
  return null;
}

export function codings(concept: unknown): Json[] {
  return arr(obj(concept)?.coding);
}

/** A concept as people say it: its text, else the first display, else the first code. */
export function conceptText(concept: unknown): string | null {
  const all = codings(concept);
  return (
    str(obj(concept)?.text) ??
    all.map((coding) => str(coding.display)).find(Boolean) ??
    all.map((coding) => str(coding.code)).find(Boolean) ??
    null
  );
}

export function conceptCode(concept: unknown): string | null {
  return (
    codings(concept)
      .map((coding) => str(coding.code))
      .find(Boolean) ?? conceptText(concept)
  );
}

/** "99213 — Office visit, established patient": the code and what it means, as bills show them. */
export function codeAndDisplay(concept: unknown): string | null {
  const coding = codings(concept).find((c) => str(c.code) || str(c.display));
  const code = str(coding?.code);
  const display = str(coding?.display) ?? str(obj(concept)?.text);
  if (code && display && display !== code) return `${code} — ${display}`;
  return display ?? code;
}

export function reference(value: unknown): string | null {
  const ref = obj(value);
  return str(ref?.display) ?? str(obj(ref?.identifier)?.value) ?? str(ref?.reference);
}

export function identifiers(value: unknown): string | null {
  const values = arr(value)
    .map((identifier) => str(identifier.value))
    .filter(Boolean);
  return values.length ? [...new Set(values)].join(', ') : null;
}

export function quantity(value: unknown): string | null {
  const q = obj(value);
  const amount = str(q?.value);
  if (!amount) return null;
  const unit = str(q?.unit) ?? str(q?.code);
  return [str(q?.comparator), amount, unit].filter(Boolean).join(' ');
}

/** A FHIR date or dateTime as its day, with the time of day when it has one. */
export function when(value: unknown): string | null {
  const text = str(value);
  if (!text) return null;
  const match = text.match(/^(\d{4}(?:-\d{2}(?:-\d{2})?)?)(?:T(\d{2}:\d{2}))?/);
  if (!match) return text;
  return match[2] && match[2] !== '00:00' ? `${match[1]} ${match[2]}` : match[1]!;
}

export function period(value: unknown): string | null {
  const p = obj(value);
  const start = when(p?.start);
  const end = when(p?.end);
  if (start && end) return start === end ? start : `${start} to ${end}`;
  if (start) return `from ${start}`;
  return end ? `until ${end}` : null;
}
