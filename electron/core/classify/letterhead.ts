import { categoryOf, type DesignatedRecordSetType } from '../../../shared/recordSet';
import { quoted, type Suggested } from './suggested';

/** Words that make a line an organisation's name: a hospital, a practice, a lab, a health plan. */
const ORGANISATION =
  /\b(hospital|medical (center|centre|group|associates|clinic)|clinic|health ?(system|care|partners|network|plan)?|healthcare|associates|laborator(y|ies)|labs|imaging|radiology|pathology|physicians|practice|surgery center|surgical|pharmacy|insurance|blue cross|blue shield|aetna|cigna|united ?healthcare|humana|kaiser( permanente)?|anthem|medicare|medicaid|orthop(a)?edics?|cardiology|oncology|pediatrics|dermatology|urgent care|LLC|P\.?C\.|Inc\.?)(?![\p{L}])/iu;

/** Labels that name who provided or billed the care. */
const PROVIDER_LABEL =
  /^\s*(provider|facility|hospital|clinic|practice|performing (lab|laboratory|site|facility)|billing provider|rendering provider|service provider|laboratory|health plan|insurer|plan name)\s*(name)?\s*:\s*(?<value>.+)$/i;

/** Lines a letterhead's name is not: addresses, phones, dates, fax stamps, salutations, labels. */
const NOT_A_NAME =
  /^\d+\s|\b(fax|phone|tel|p\.?o\.? box|suite|www\.|https?:|page \d+|dear|patient|member|account|re:)\b|@|\d{3}[-. )]\s?\d{3}[-. ]\d{4}|\b\d{5}(-\d{4})?\s*$/i;

const LETTERHEAD_LINES = 8;

/**
 * Who the record is from: a "Provider:"/"Facility:" line, or else the organisation named in the
 * letterhead (the first lines of the page, fax stamps passed over).
 */
export function suggestProvider(text: string, type: DesignatedRecordSetType | null = null): Suggested<string> | null {
  const lines = text.slice(0, 60_000).split(/\r?\n/);
  // A health plan's letter names the care provider it is about; the letter itself is the plan's.
  if (type && categoryOf(type) === 'health-plan-record') return fromLetterhead(lines) ?? fromLabel(lines);
  return fromLabel(lines) ?? fromLetterhead(lines);
}

function fromLabel(lines: readonly string[]): Suggested<string> | null {
  for (const line of lines.slice(0, 200)) {
    const value = PROVIDER_LABEL.exec(line)?.groups?.value;
    const name = value ? tidy(value.split(/\s{2,}|\t| \| /)[0]!) : null;
    if (name && name.length >= 3 && !NOT_A_NAME.test(name)) {
      return { value: name, confidence: 0.75, reason: quoted(line.trim()) };
    }
  }
  return null;
}

function fromLetterhead(lines: readonly string[]): Suggested<string> | null {
  const top = lines
    .map((line) => line.trim())
    .filter((line) => line.length > 0 && !/\bfax\b|\b\d{1,2}:\d{2}\b/i.test(line))
    .slice(0, LETTERHEAD_LINES);
  for (const line of top) {
    // A letterhead line may hold several columns: the organisation is the part that says so.
    for (const part of line.split(/\s{2,}|\t| \| | · /)) {
      const name = tidy(part);
      if (name.length < 4 || name.length > 80 || NOT_A_NAME.test(name) || /:/.test(name)) continue;
      if (ORGANISATION.test(name) && /\p{L}{3}/u.test(name)) {
        return { value: name, confidence: 0.65, reason: `letterhead ${quoted(name)}` };
      }
    }
  }
  return null;
}

function tidy(value: string): string {
  return value
    .replace(/\s+/g, ' ')
    .replace(/^[\s,;.\-–—]+|[\s,;\-–—]+$/g, '')
    .trim();
}
