/**
 * An ExplanationOfBenefit (the CARIN Blue Button profile): what was billed, what the plan paid and
 * what the patient owes, per service and in all, and why a claim or a line was denied.
 */
import {
  arr,
  asMoney,
  codeAndDisplay,
  codings,
  conceptText,
  type FhirObject,
  formatMoney,
  identifiers,
  type Money,
  obj,
  reference,
  str,
  sum,
  when,
} from '../../fhir/fhirValues';
import { Fields, MAX_ROWS, more, section, table } from './blocks';
import type { ReadableDocument, ReadableSection } from '../../../../shared/readable';
import { claimHeader, commonClaimSections, serviceColumns, serviceText } from './claimParts';
interface AmountKind {
  key: string;
  label: string;
  codes: string[];
  displays: RegExp;
}

/**
 * Adjudication categories with amounts, in the order a statement lists them: codes of HL7's
 * adjudication code system and CARIN Blue Button's, then their usual displays for payers that only
 * send text. The first match wins, so the specific patterns come before the general ones.
 */
const AMOUNT_KINDS: AmountKind[] = [
  { key: 'submitted', label: 'Billed', codes: ['submitted'], displays: /submitted|billed|charge/i },
  { key: 'eligible', label: 'Allowed', codes: ['eligible'], displays: /eligible|allowed/i },
  { key: 'discount', label: 'Discount', codes: ['discount'], displays: /discount/i },
  { key: 'noncovered', label: 'Not covered', codes: ['noncovered'], displays: /non-?covered|not covered/i },
  { key: 'deductible', label: 'Deductible', codes: ['deductible'], displays: /deductible/i },
  { key: 'copay', label: 'Copay', codes: ['copay'], displays: /co-?pay/i },
  { key: 'coinsurance', label: 'Coinsurance', codes: ['coinsurance'], displays: /co-?insurance/i },
  { key: 'priorpayerpaid', label: 'Paid by another plan', codes: ['priorpayerpaid'], displays: /prior payer/i },
  { key: 'paidtoprovider', label: 'Paid to provider', codes: ['paidtoprovider'], displays: /paid to provider/i },
  {
    key: 'paidtopatient',
    label: 'Paid to patient',
    codes: ['paidtopatient'],
    displays: /paid to (patient|member|subscriber)/i,
  },
  { key: 'benefit', label: 'Plan paid', codes: ['benefit'], displays: /benefit|plan paid/i },
  {
    key: 'paidbypatient',
    label: 'Paid by patient',
    codes: ['paidbypatient', 'paidbypatientcash', 'paidbypatientother', 'paidbypatienthealthaccount'],
    displays: /paid by (patient|member)/i,
  },
  {
    key: 'memberliability',
    label: 'Patient responsibility',
    codes: ['memberliability'],
    displays: /member liability|patient (responsibility|pay|liability)|you (may )?owe/i,
  },
];

/** CARIN's categories that carry a coded reason or a status instead of an amount. */
const DENIAL_CATEGORIES = new Set(['denialreason', 'rejectreason']);
const ADJUSTMENT_CATEGORIES = new Set(['adjustmentreason']);

interface Category {
  key: string;
  label: string;
}

export function categoryOf(concept: unknown): Category {
  const codes = codings(concept)
    .map((coding) => str(coding.code)?.toLowerCase())
    .filter((code): code is string => Boolean(code));
  const known = AMOUNT_KINDS.find((kind) => kind.codes.some((code) => codes.includes(code)));
  if (known) return { key: known.key, label: known.label };
  const display = conceptText(concept);
  const byDisplay = display ? AMOUNT_KINDS.find((kind) => kind.displays.test(display)) : undefined;
  if (byDisplay) return { key: byDisplay.key, label: byDisplay.label };
  const label = display ?? codes[0] ?? 'Other';
  return { key: codes[0] ?? `text:${label.toLowerCase()}`, label };
}

/** Adjudications of one item (or of the whole claim): amounts by category, and reasons. */
interface Adjudicated {
  amounts: Map<string, { label: string; money: Money[]; value: string | null }>;
  notes: string[];
  denials: string[];
}

function adjudicate(adjudications: FhirObject[]): Adjudicated {
  const result: Adjudicated = { amounts: new Map(), notes: [], denials: [] };
  const reasons: { category: Category; codes: string[]; reason: string }[] = [];
  for (const adjudication of adjudications) {
    const category = categoryOf(adjudication.category);
    const money = asMoney(adjudication.amount);
    const value = typeof adjudication.value === 'number' ? adjudication.value : null;
    if (money || (value !== null && !adjudication.reason)) {
      const cell = result.amounts.get(category.key) ?? { label: category.label, money: [], value: null };
      if (money) cell.money.push(money);
      else cell.value = category.key === 'eligpercent' ? `${value}%` : String(value);
      result.amounts.set(category.key, cell);
    }
    const reason = codeAndDisplay(adjudication.reason);
    if (reason) {
      const codes = codings(adjudication.category).map((coding) => str(coding.code)?.toLowerCase() ?? '');
      reasons.push({ category, codes, reason });
    }
  }
  const paid = ['benefit', 'paidtoprovider', 'paidtopatient']
    .flatMap((key) => result.amounts.get(key)?.money ?? [])
    .reduce((sum, money) => sum + money.value, 0);
  for (const { category, codes, reason } of reasons) {
    const denial =
      codes.some((code) => DENIAL_CATEGORIES.has(code)) ||
      /den(y|ied|ial)|reject/i.test(category.label) ||
      // A reason given on an amount (HL7's own style) explains why it was not paid when nothing was.
      (AMOUNT_KINDS.some((kind) => kind.key === category.key) && paid === 0);
    if (denial) result.denials.push(reason);
    else if (codes.some((code) => ADJUSTMENT_CATEGORIES.has(code))) result.notes.push(`Adjusted: ${reason}`);
    else result.notes.push(reason);
  }
  return result;
}

export function readEob(eob: FhirObject): ReadableDocument {
  const header = claimHeader(eob);
  header.add('Outcome', [outcomeText(eob.outcome), str(eob.disposition)].filter(Boolean).join(' — '));
  header.add('Status', str(eob.status));
  header.add('Claim number', identifiers(eob.identifier));
  header.add('Claim', reference(eob.claim));

  const sections: ReadableSection[] = [];
  const items = arr(eob.item);
  const shown = items.slice(0, MAX_ROWS).map((item) => ({ item, adjudicated: adjudicate(arr(item.adjudication)) }));
  const claimLevel = adjudicate(arr(eob.adjudication));

  const denials = [
    ...(str(eob.outcome) === 'error' ? ['The claim was not processed: the plan reports an error.'] : []),
    ...claimLevel.denials.map((reason) => `Denied: ${reason} (the whole claim).`),
    ...shown.flatMap(({ item, adjudicated }) =>
      adjudicated.denials.map(
        (reason) =>
          `Denied: ${reason} — line ${str(item.sequence) ?? '?'}${serviceText(item) ? ` (${serviceText(item)})` : ''}.`,
      ),
    ),
  ];
  if (denials.length) sections.push(section('Denials', [{ kind: 'list', ordered: false, items: denials }]));

  if (items.length) {
    const columns = amountColumns(shown.map(({ adjudicated }) => adjudicated));
    const services = serviceColumns(shown.map(({ item }) => item));
    const hasNotes = shown.some(
      ({ item, adjudicated }) => adjudicated.denials.length || adjudicated.notes.length || noteNumbers(item).length,
    );
    const rows = shown.map(({ item, adjudicated }) => [
      ...services.cells(item),
      ...columns.map((column) => amountCell(adjudicated.amounts.get(column.key))),
      ...(hasNotes ? [itemNotes(item, adjudicated)] : []),
    ]);
    sections.push(
      section('Services', [
        ...table(
          null,
          [...services.header, ...columns.map((column) => column.label), ...(hasNotes ? ['Notes'] : [])],
          rows,
          [...services.numeric, ...columns.map(() => true), ...(hasNotes ? [false] : [])],
        ),
        ...more(items.length, 'service'),
      ]),
    );
  }

  const totals = arr(eob.total).flatMap((total) => {
    const money = formatMoney(total.amount);
    return money ? [[categoryOf(total.category).label, money]] : [];
  });
  if (claimLevel.amounts.size) {
    for (const cell of claimLevel.amounts.values()) totals.push([`${cell.label} (whole claim)`, amountCell(cell)]);
  }
  if (totals.length) sections.push(section('Totals', table(null, ['', 'Amount'], totals, [false, true])));

  const payment = obj(eob.payment);
  if (payment) {
    const fields = new Fields();
    fields.add('Amount', formatMoney(payment.amount));
    fields.add('Date', when(payment.date));
    fields.add('Type', conceptText(payment.type));
    fields.add('Adjustment', formatMoney(payment.adjustment));
    fields.add('Adjustment reason', conceptText(payment.adjustmentReason));
    fields.add('Payment number', identifiers(payment.identifier));
    if (fields.list.length) sections.push(section('Payment', [{ kind: 'fields', fields: fields.list }]));
  }
  if (claimLevel.notes.length) {
    sections.push(section('About the claim', [{ kind: 'list', ordered: false, items: claimLevel.notes }]));
  }
  sections.push(...commonClaimSections(eob));
  const notes = arr(eob.processNote).flatMap((note) => {
    const text = str(note.text);
    return text ? [note.number !== undefined ? `Note ${str(note.number)}: ${text}` : text] : [];
  });
  if (notes.length) sections.push(section('Notes from the plan', [{ kind: 'list', ordered: false, items: notes }]));

  const provider = reference(eob.provider) ?? reference(eob.facility);
  return { title: `Explanation of benefits${provider ? ` — ${provider}` : ''}`, header: header.list, sections };
}

export function outcomeText(outcome: unknown): string | null {
  const value = str(outcome);
  const words: Record<string, string> = {
    complete: 'Processed',
    partial: 'Partly processed',
    queued: 'Not processed yet (queued)',
    error: 'Not processed (error)',
  };
  return value ? (words[value] ?? value) : null;
}

/** The amount columns any shown item has, in the statement's order, then unknown ones as met. */
function amountColumns(adjudicated: Adjudicated[]): Category[] {
  const present = new Map<string, string>();
  for (const { amounts } of adjudicated) for (const [key, cell] of amounts) present.set(key, cell.label);
  const known = AMOUNT_KINDS.filter((kind) => present.has(kind.key)).map(({ key, label }) => ({ key, label }));
  const unknown = [...present]
    .filter(([key]) => !AMOUNT_KINDS.some((kind) => kind.key === key))
    .map(([key, label]) => ({ key, label }));
  return [...known, ...unknown];
}

function amountCell(cell: { money: Money[]; value: string | null } | undefined): string {
  if (!cell) return '';
  if (!cell.money.length) return cell.value ?? '';
  const currencies = new Set(cell.money.map((money) => money.currency));
  if (currencies.size > 1) return cell.money.map((money) => formatMoney(money)).join(' + ');
  return formatMoney({ value: sum(cell.money), currency: cell.money[0]!.currency }) ?? '';
}

function itemNotes(item: FhirObject, adjudicated: Adjudicated): string {
  const notes = noteNumbers(item);
  return [
    ...adjudicated.denials.map((reason) => `Denied: ${reason}`),
    ...adjudicated.notes,
    ...(notes.length ? [`See note ${notes.join(', ')}`] : []),
  ].join('; ');
}

function noteNumbers(item: FhirObject): string[] {
  return (Array.isArray(item.noteNumber) ? (item.noteNumber as unknown[]) : [])
    .map(str)
    .filter((note): note is string => Boolean(note));
}
