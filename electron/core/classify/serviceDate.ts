import type { DesignatedRecordSetType } from '../../../shared/recordSet';
import { isIsoDate } from '../../../shared/documents';
import { quoted, type Suggested } from './suggested';

const MONTHS = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'];
const MONTH = String.raw`(jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\.?`;

/** The ways US records write a date: 03/14/2024, 3-14-24, 2024-03-14, March 14, 2024, 14 Mar 2024. */
const DATE = new RegExp(
  [
    String.raw`(?<!\d)(?<m>\d{1,2})[/.-](?<d>\d{1,2})[/.-](?<y>\d{4}|\d{2})(?![\d/])`,
    String.raw`(?<!\d)(?<iy>(?:19|20)\d{2})-(?<im>\d{2})-(?<id>\d{2})(?!\d)`,
    String.raw`\b${MONTH.replace('(', '(?<nm>')}\s+(?<nd>\d{1,2})(?:st|nd|rd|th)?,?\s+(?<ny>\d{4})\b`,
    String.raw`(?<!\d)(?<dd>\d{1,2})\s+${MONTH.replace('(', '(?<dm>')},?\s+(?<dy>\d{4})\b`,
  ].join('|'),
  'gi',
);

type LabelKind =
  | 'service'
  | 'procedure'
  | 'collected'
  | 'report'
  | 'discharge'
  | 'admission'
  | 'statement'
  | 'notice'
  | 'given'
  | 'letter'
  | 'processed';

/** Labels a date of the record may carry, and how sure a date under each is to be *the* date. */
const LABELS: { kind: LabelKind; pattern: RegExp; confidence: number }[] = [
  {
    kind: 'service',
    pattern:
      /\b(dates?\s*(\(s\)\s*)?of\s+service|service\s+dates?|DOS|date of visit|visit date|encounter date|appointment date|session date|date of session)\b/i,
    confidence: 0.9,
  },
  {
    kind: 'procedure',
    pattern: /\b(date of (procedure|surgery|operation|exam(ination)?|study)|(procedure|surgery|exam|study) date)\b/i,
    confidence: 0.85,
  },
  {
    kind: 'collected',
    pattern: /\b(date collected|collection date|(specimen )?collected( on)?|date of collection)\b/i,
    confidence: 0.85,
  },
  { kind: 'given', pattern: /\b(date (given|administered)|administered on)\b/i, confidence: 0.8 },
  { kind: 'statement', pattern: /\b(statement date|billing date|invoice date|date of statement)\b/i, confidence: 0.85 },
  {
    kind: 'notice',
    pattern: /\b(date of (notice|decision|determination|denial|this notice)|notice date|decision date)\b/i,
    confidence: 0.85,
  },
  { kind: 'discharge', pattern: /\b(discharge date|date of discharge|discharged( on)?)\b/i, confidence: 0.8 },
  { kind: 'admission', pattern: /\b(admission date|date of admission|admit date|admitted( on)?)\b/i, confidence: 0.75 },
  {
    kind: 'report',
    pattern: /\b(report(ed)? date|date (of )?report(ed)?|date reported|resulted( on)?|signed( on)?|dictated( on)?)\b/i,
    confidence: 0.75,
  },
  { kind: 'processed', pattern: /\b(date processed|processed( on)?|claim processed)\b/i, confidence: 0.6 },
  { kind: 'letter', pattern: /^\s*date\s*:/i, confidence: 0.7 },
];

/** Dates that are never the record's own: birth, print and fax stamps, deadlines, validity. */
const NOT_THE_DATE =
  /\b(birth|DOB|D\.O\.B|born|print(ed)?|run date|generated|fax(ed)?|received|sent|page \d+|expir\w*|effective|valid (from|through)|due (date|by)|pay by|deadline|within \d+ days|member since)\b/i;

/** A fax machine's header or footer line: "FROM: … FAX … 03/14/2024 10:32 AM P.002/005". */
const FAX_LINE =
  /\bfax\b|\bP\.\s?\d{3}\b|\b\d{1,2}:\d{2}\s*(am|pm)?\b.*\bpage\b|\bpage \d+\s*(of|\/)\s*\d+\b.*\d{1,2}:\d{2}/i;

/** Which labels go first for a type: a statement is dated by its statement date, a letter by its own. */
function preferredOrder(type: DesignatedRecordSetType | null): LabelKind[] {
  const general: LabelKind[] = ['service', 'procedure', 'collected', 'given', 'report', 'discharge', 'admission'];
  switch (type) {
    case 'billing-statement':
    case 'itemized-bill':
    case 'payment-receipt':
      return ['statement', ...general, 'letter', 'notice', 'processed'];
    case 'denial-letter':
    case 'prior-authorization':
      return ['notice', 'letter', ...general, 'processed', 'statement'];
    case 'discharge-summary':
      return ['discharge', 'admission', ...general, 'report', 'letter', 'notice', 'statement', 'processed'];
    case 'lab-result':
      return ['collected', ...general, 'report', 'letter', 'statement', 'notice', 'processed'];
    default:
      return [...general, 'statement', 'notice', 'letter', 'processed'];
  }
}

interface Found {
  date: string;
  kind: LabelKind | null;
  confidence: number;
  line: string;
}

/**
 * The date a record is of — date of service, statement date, report date — as written in its
 * text in the common US formats; a fax header's stamp and dates of birth are passed over.
 */
export function suggestDate(
  text: string,
  type: DesignatedRecordSetType | null = null,
  today = new Date(),
): Suggested<string> | null {
  const lines = text.slice(0, 60_000).split(/\r?\n/);
  const latest = new Date(Date.UTC(today.getUTCFullYear() + 1, today.getUTCMonth(), today.getUTCDate()));
  const found: Found[] = [];
  for (const [index, line] of lines.entries()) {
    if (FAX_LINE.test(line)) continue;
    for (const label of LABELS) {
      const match = label.pattern.exec(line);
      if (!match) continue;
      // The date follows its label on the same line, or starts the next one (forms in columns).
      const after = line.slice(match.index + match[0].length, match.index + match[0].length + 80);
      // The date follows its label on the same line; or, under a label alone on its line or
      // among column headings (forms and tables; extracted text keeps no columns), on the next.
      const heading = !/\d/.test(after); // a label alone, or among other column headings
      const date = firstDate(after, latest) ?? (heading ? firstDate(nextFilled(lines, index), latest) : null);
      if (date && !NOT_THE_DATE.test(line.slice(Math.max(0, match.index - 12), match.index))) {
        found.push({
          date: date.iso,
          kind: label.kind,
          confidence: label.confidence,
          line: `${match[0]} ${date.text}`,
        });
        break;
      }
    }
  }
  const order = preferredOrder(type);
  const labelled = found.filter((f) => f.kind !== null).sort((a, b) => order.indexOf(a.kind!) - order.indexOf(b.kind!));
  const best = labelled[0];
  if (best) {
    // A label the type prefers but that is not the first choice is still a good sign; a generic one less so.
    const rank = order.indexOf(best.kind!);
    const confidence = Math.max(0.55, best.confidence - (rank > 3 ? 0.1 : 0));
    return { value: best.date, confidence, reason: quoted(best.line) };
  }
  // No label: the first date in the text that is not a birth date, print stamp or deadline.
  for (const line of lines) {
    if (FAX_LINE.test(line) || NOT_THE_DATE.test(line)) continue;
    const date = firstDate(line, latest);
    if (date) return { value: date.iso, confidence: 0.45, reason: `first date in the text, ${quoted(date.text)}` };
  }
  return null;
}

function nextFilled(lines: readonly string[], index: number): string {
  for (const line of lines.slice(index + 1, index + 4)) if (line.trim()) return line;
  return '';
}

function firstDate(text: string, latest: Date): { iso: string; text: string } | null {
  DATE.lastIndex = 0;
  for (let match = DATE.exec(text); match; match = DATE.exec(text)) {
    const g = match.groups!;
    let year: number;
    let month: number;
    let day: number;
    if (g.m) {
      [month, day, year] = [Number(g.m), Number(g.d), Number(g.y)];
      if (g.y!.length === 2) year += year + 2000 > latest.getUTCFullYear() ? 1900 : 2000;
    } else if (g.iy) {
      [year, month, day] = [Number(g.iy), Number(g.im), Number(g.id)];
    } else if (g.nm) {
      [year, month, day] = [Number(g.ny), MONTHS.indexOf(g.nm.slice(0, 3).toLowerCase()) + 1, Number(g.nd)];
    } else {
      [year, month, day] = [Number(g.dy), MONTHS.indexOf(g.dm!.slice(0, 3).toLowerCase()) + 1, Number(g.dd)];
    }
    const iso = `${String(year).padStart(4, '0')}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
    if (year >= 1900 && isIsoDate(iso) && new Date(`${iso}T00:00:00Z`) <= latest) return { iso, text: match[0] };
  }
  return null;
}
