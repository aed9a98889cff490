import type {
  ReadableBlock,
  ReadableColumn,
  ReadableDocument,
  ReadableField,
  ReadableSection,
} from '../../../shared/readable';

/** A FHIR JSON object, read field by field: every field optional and checked where used. */
type Json = Record<string, unknown>;

/** Rows of one table (services, resources of a kind); the rest is counted in a sentence. */
export const MAX_ROWS = 2_000;
const MAX_TEXT = 10_000;
const MAX_FIELDS = 500;
const MAX_DEPTH = 6;
const MAX_NARRATIVE = 200_000;

export class FhirReadError extends Error {}

/**
 * Lays out FHIR R4 JSON for reading: an ExplanationOfBenefit, Claim, Coverage, DiagnosticReport or
 * DocumentReference as a page of its own; a Bundle or bulk-export NDJSON as a summary of what it
 * holds; any other resource as labelled values. Everything comes out as plain text; a narrative's
 * XHTML is reduced to its text.
 */
export function readableFhir(bytes: Buffer): ReadableDocument {
  const resources = parse(bytes.toString('utf8'));
  const [first] = resources;
  if (resources.length === 1 && first) {
    if (first.resourceType === 'Bundle')
      return readExport(
        arr(first.entry).flatMap((entry) => (isResource(entry.resource) ? [entry.resource] : [])),
        first,
      );
    return readResource(first);
  }
  return readExport(resources, null);
}

function isResource(value: unknown): value is Json {
  return typeof obj(value)?.resourceType === 'string';
}

function parse(text: string): Json[] {
  try {
    const value: unknown = JSON.parse(text);
    if (isResource(value)) return [value];
    throw new FhirReadError('The JSON file is not a FHIR resource.');
  } catch (error) {
    if (error instanceof FhirReadError) throw error;
  }
  // Not one JSON value: bulk-export NDJSON, a resource a line.
  const resources: Json[] = [];
  for (const line of text.split('\n')) {
    if (!line.trim()) continue;
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch {
      throw new FhirReadError('The FHIR file is not valid JSON.');
    }
    if (!isResource(value)) throw new FhirReadError('A line of the NDJSON file is not a FHIR resource.');
    resources.push(value);
  }
  if (!resources.length) throw new FhirReadError('The FHIR file is empty.');
  return resources;
}

function readResource(resource: Json): ReadableDocument {
  switch (resource.resourceType) {
    case 'ExplanationOfBenefit':
      return readEob(resource);
    case 'Claim':
      return readClaim(resource);
    case 'Coverage':
      return readCoverage(resource);
    case 'DiagnosticReport':
      return readDiagnosticReport(resource);
    case 'DocumentReference':
      return readDocumentReference(resource);
    default:
      return readGeneric(resource);
  }
}

// ---- ExplanationOfBenefit ------------------------------------------------------------------------

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

function categoryOf(concept: unknown): Category {
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

function adjudicate(adjudications: Json[]): Adjudicated {
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

/** Who and when, as an EOB and a claim both say it. */
function claimHeader(claim: Json): Fields {
  const header = new Fields();
  header.add('Patient', reference(claim.patient));
  header.add('Insurer', reference(claim.insurer));
  header.add('Provider', reference(claim.provider));
  header.add('Facility', reference(claim.facility));
  header.add('Billable period', period(claim.billablePeriod));
  header.add('Created', when(claim.created));
  header.add('Type', [conceptText(claim.type), conceptText(claim.subType)].filter(Boolean).join(', '));
  return header;
}

function readEob(eob: Json): ReadableDocument {
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

function outcomeText(outcome: unknown): string | null {
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

function itemNotes(item: Json, adjudicated: Adjudicated): string {
  const notes = noteNumbers(item);
  return [
    ...adjudicated.denials.map((reason) => `Denied: ${reason}`),
    ...adjudicated.notes,
    ...(notes.length ? [`See note ${notes.join(', ')}`] : []),
  ].join('; ');
}

function noteNumbers(item: Json): string[] {
  return (Array.isArray(item.noteNumber) ? (item.noteNumber as unknown[]) : [])
    .map(str)
    .filter((note): note is string => Boolean(note));
}

/** The columns that say what a service was: date, code, modifiers, quantity, as the items have them. */
function serviceColumns(items: Json[]): { header: string[]; numeric: boolean[]; cells: (item: Json) => string[] } {
  const hasRevenue = items.some((item) => obj(item.revenue));
  const hasModifiers = items.some((item) => arr(item.modifier).length);
  const hasQuantity = items.some((item) => obj(item.quantity)?.value !== undefined);
  return {
    header: [
      '#',
      'Date',
      'Service',
      ...(hasRevenue ? ['Revenue code'] : []),
      ...(hasModifiers ? ['Modifiers'] : []),
      ...(hasQuantity ? ['Qty'] : []),
    ],
    numeric: [
      true,
      false,
      false,
      ...(hasRevenue ? [false] : []),
      ...(hasModifiers ? [false] : []),
      ...(hasQuantity ? [true] : []),
    ],
    cells: (item) => [
      str(item.sequence) ?? '',
      when(item.servicedDate) ?? period(item.servicedPeriod) ?? '',
      serviceText(item) ?? '',
      ...(hasRevenue ? [codeAndDisplay(item.revenue) ?? ''] : []),
      ...(hasModifiers ? [arr(item.modifier).map(conceptCode).filter(Boolean).join(', ')] : []),
      ...(hasQuantity ? [quantity(item.quantity) ?? ''] : []),
    ],
  };
}

function serviceText(item: Json): string | null {
  return codeAndDisplay(item.productOrService);
}

/** What an EOB and a claim share: diagnoses, procedures, insurance, care team, other information. */
function commonClaimSections(claim: Json): ReadableSection[] {
  const sections: ReadableSection[] = [];
  const diagnoses = arr(claim.diagnosis).slice(0, MAX_ROWS);
  if (diagnoses.length) {
    const rows = diagnoses.map((diagnosis) => {
      const concept = obj(diagnosis.diagnosisCodeableConcept);
      const coding = codings(concept).find((c) => str(c.code));
      return [
        str(diagnosis.sequence) ?? '',
        str(coding?.code) ?? '',
        str(coding?.display) ?? str(concept?.text) ?? reference(diagnosis.diagnosisReference) ?? '',
        arr(diagnosis.type).map(conceptText).filter(Boolean).join(', '),
      ];
    });
    sections.push(
      section('Diagnoses', [
        ...table(null, ['#', 'Code', 'Diagnosis', 'Kind'], rows, [true]),
        ...more(arr(claim.diagnosis).length, 'diagnosis', 'diagnoses'),
      ]),
    );
  }
  const procedures = arr(claim.procedure).slice(0, MAX_ROWS);
  if (procedures.length) {
    const rows = procedures.map((procedure) => {
      const concept = obj(procedure.procedureCodeableConcept);
      const coding = codings(concept).find((c) => str(c.code));
      return [
        str(procedure.sequence) ?? '',
        when(procedure.date) ?? '',
        str(coding?.code) ?? '',
        str(coding?.display) ?? str(concept?.text) ?? reference(procedure.procedureReference) ?? '',
      ];
    });
    sections.push(section('Procedures', table(null, ['#', 'Date', 'Code', 'Procedure'], rows, [true])));
  }
  const insurance = arr(claim.insurance).flatMap((entry) => {
    const coverage = reference(entry.coverage);
    if (!coverage) return [];
    const authorizations = Array.isArray(entry.preAuthRef) ? entry.preAuthRef.map(str).filter(Boolean) : [];
    return [
      `${coverage}${entry.focal === true ? ' (this claim)' : ''}${authorizations.length ? `; prior authorization ${authorizations.join(', ')}` : ''}`,
    ];
  });
  if (insurance.length) sections.push(section('Insurance', [{ kind: 'list', ordered: false, items: insurance }]));
  const team = arr(claim.careTeam)
    .slice(0, MAX_ROWS)
    .map((member) => [
      conceptText(member.role) ?? '',
      reference(member.provider) ?? '',
      conceptText(member.qualification) ?? '',
    ]);
  if (team.length) sections.push(section('Care team', table(null, ['Role', 'Provider', 'Qualification'], team)));
  const information = arr(claim.supportingInfo)
    .slice(0, MAX_ROWS)
    .map((info) => [
      conceptText(info.category) ?? '',
      [
        codeAndDisplay(info.code),
        when(info.timingDate) ?? period(info.timingPeriod),
        str(info.valueString) ??
          str(info.valueBoolean) ??
          quantity(info.valueQuantity) ??
          reference(info.valueReference),
        conceptText(info.reason),
      ]
        .filter(Boolean)
        .join('; '),
    ]);
  if (information.length) {
    sections.push(section('Other information', table(null, ['Information', 'Value'], information)));
  }
  return sections;
}

// ---- Claim ---------------------------------------------------------------------------------------

function readClaim(claim: Json): ReadableDocument {
  const header = claimHeader(claim);
  header.add('Use', str(claim.use));
  header.add('Priority', conceptText(claim.priority));
  header.add('Status', str(claim.status));
  header.add('Claim number', identifiers(claim.identifier));
  header.add('Total', formatMoney(claim.total));

  const sections: ReadableSection[] = [];
  const items = arr(claim.item);
  if (items.length) {
    const shown = items.slice(0, MAX_ROWS);
    const services = serviceColumns(shown);
    const rows = shown.map((item) => [
      ...services.cells(item),
      formatMoney(item.unitPrice) ?? '',
      formatMoney(item.net) ?? '',
    ]);
    const total = formatMoney(claim.total);
    if (total) rows.push([...services.header.map((_, index) => (index === 2 ? 'Total' : '')), '', total]);
    sections.push(
      section('Services', [
        ...table(null, [...services.header, 'Unit price', 'Charge'], rows, [...services.numeric, true, true]),
        ...more(items.length, 'service'),
      ]),
    );
  }
  sections.push(...commonClaimSections(claim));
  const provider = reference(claim.provider);
  return { title: `Claim${provider ? ` — ${provider}` : ''}`, header: header.list, sections };
}

// ---- Coverage ------------------------------------------------------------------------------------

function readCoverage(coverage: Json): ReadableDocument {
  const header = new Fields();
  const payors = arr(coverage.payor).map(reference).filter(Boolean).join('; ');
  header.add('Payor', payors);
  header.add('Type', conceptText(coverage.type));
  header.add('Status', str(coverage.status));
  header.add('Period', period(coverage.period));
  header.add('Subscriber', reference(coverage.subscriber) ?? reference(coverage.policyHolder));
  header.add('Subscriber ID', str(coverage.subscriberId));
  header.add('Member', reference(coverage.beneficiary));
  const member = arr(coverage.identifier).find((identifier) =>
    codings(identifier.type).some((coding) => str(coding.code) === 'MB'),
  );
  header.add('Member ID', str(member?.value) ?? identifiers(coverage.identifier));
  header.add('Dependent number', str(coverage.dependent));
  header.add('Relationship to subscriber', conceptText(coverage.relationship));
  header.add('Network', str(coverage.network));
  header.add('Order', str(coverage.order));

  const sections: ReadableSection[] = [];
  const classes = arr(coverage.class)
    .slice(0, MAX_ROWS)
    .map((entry) => [conceptText(entry.type) ?? '', str(entry.value) ?? '', str(entry.name) ?? '']);
  if (classes.length) sections.push(section('Plan and group', table(null, ['Kind', 'Number', 'Name'], classes)));
  const costs = arr(coverage.costToBeneficiary)
    .slice(0, MAX_ROWS)
    .map((cost) => [
      conceptText(cost.type) ?? 'Cost',
      formatMoney(cost.valueMoney) ?? quantity(cost.valueQuantity) ?? '',
      arr(cost.exception)
        .map((exception) => conceptText(exception.type))
        .filter(Boolean)
        .join(', '),
    ]);
  if (costs.length) {
    sections.push(section('Costs to the member', table(null, ['Kind', 'Amount', 'Exceptions'], costs, [false, true])));
  }
  return { title: `Coverage${payors ? ` — ${payors}` : ''}`, header: header.list, sections };
}

// ---- DiagnosticReport, DocumentReference ---------------------------------------------------------

function readDiagnosticReport(report: Json): ReadableDocument {
  const header = new Fields();
  header.add('Report', codeAndDisplay(report.code));
  header.add('Status', str(report.status));
  header.add('Category', arr(report.category).map(conceptText).filter(Boolean).join(', '));
  header.add('Patient', reference(report.subject));
  header.add('Effective', when(report.effectiveDateTime) ?? period(report.effectivePeriod));
  header.add('Issued', when(report.issued));
  header.add('Performer', arr(report.performer).map(reference).filter(Boolean).join('; '));
  header.add('Interpreted by', arr(report.resultsInterpreter).map(reference).filter(Boolean).join('; '));

  const sections: ReadableSection[] = [];
  const conclusion = [
    ...(str(report.conclusion) ? [{ kind: 'paragraph' as const, text: str(report.conclusion)! }] : []),
    ...listOf(arr(report.conclusionCode).map(codeAndDisplay)),
  ];
  if (conclusion.length) sections.push(section('Conclusion', conclusion));

  // Results are references; those to observations contained in the report can be read in full.
  const contained = new Map(arr(report.contained).map((resource) => [`#${str(resource.id) ?? ''}`, resource]));
  const results = arr(report.result).slice(0, MAX_ROWS);
  if (results.length) {
    const rows = results.map((result) => {
      const observation = contained.get(str(result.reference) ?? '');
      if (!observation) return [reference(result) ?? '', '', '', ''];
      return [
        conceptText(observation.code) ?? reference(result) ?? '',
        observationValue(observation),
        arr(observation.referenceRange)
          .map((range) => str(range.text) ?? [quantity(range.low), quantity(range.high)].filter(Boolean).join(' – '))
          .filter(Boolean)
          .join('; '),
        arr(observation.interpretation).map(conceptText).filter(Boolean).join(', '),
      ];
    });
    const used = [true, ...[1, 2, 3].map((column) => rows.some((row) => row[column]))];
    sections.push(
      section('Results', [
        ...table(
          null,
          ['Test', 'Value', 'Reference range', 'Interpretation'].filter((_, index) => used[index]),
          rows.map((row) => row.filter((_, index) => used[index])),
        ),
        ...more(arr(report.result).length, 'result'),
      ]),
    );
  }
  const forms = arr(report.presentedForm).map(attachmentSentence);
  if (forms.length)
    sections.push(
      section(
        'Report document',
        forms.map((text) => ({ kind: 'paragraph', text })),
      ),
    );
  return {
    title: conceptText(report.code) ?? 'Diagnostic report',
    header: header.list,
    sections,
  };
}

function observationValue(observation: Json): string {
  return (
    quantity(observation.valueQuantity) ??
    conceptText(observation.valueCodeableConcept) ??
    str(observation.valueString) ??
    str(observation.valueBoolean) ??
    str(observation.valueInteger) ??
    ''
  );
}

function readDocumentReference(document: Json): ReadableDocument {
  const header = new Fields();
  header.add('Type', codeAndDisplay(document.type));
  header.add('Category', arr(document.category).map(conceptText).filter(Boolean).join(', '));
  header.add('Date', when(document.date));
  header.add('Period', period(obj(document.context)?.period));
  header.add('Author', arr(document.author).map(reference).filter(Boolean).join('; '));
  header.add('Custodian', reference(document.custodian));
  header.add('Patient', reference(document.subject));
  header.add('Status', str(document.status));

  const blocks: ReadableBlock[] = [];
  const description = str(document.description);
  if (description) blocks.push({ kind: 'paragraph', text: description });
  const content = arr(document.content).map((entry) => attachmentSentence(obj(entry.attachment) ?? {}));
  blocks.push(...content.map((text) => ({ kind: 'paragraph' as const, text })));
  return {
    title: description ?? conceptText(document.type) ?? 'Document reference',
    header: header.list,
    sections: blocks.length ? [section('Document', blocks)] : [],
  };
}

/** What became of an attachment; its URL is shown, never fetched (Medvault is offline). */
function attachmentSentence(attachment: Json): string {
  const what = [str(attachment.title), str(attachment.contentType)].filter(Boolean).join(', ');
  const url = str(attachment.url);
  if (attachment.data !== undefined) {
    return `The content${what ? ` (${what})` : ''} came with the download and is kept as a document of its own.`;
  }
  if (url) return `The content of this document (${url}) was not included in the download; Medvault never fetches it.`;
  return `The content of this document${what ? ` (${what})` : ''} was not included in the download.`;
}

// ---- A Bundle or an NDJSON export ----------------------------------------------------------------

function readExport(resources: Json[], bundle: Json | null): ReadableDocument {
  const header = new Fields();
  header.add('Bundle type', str(bundle?.type));
  header.add('Created', when(bundle?.timestamp));
  header.add('Resources', resources.length.toLocaleString('en-US'));

  const counts = new Map<string, number>();
  for (const resource of resources) {
    const type = str(resource.resourceType) ?? 'Unknown';
    counts.set(type, (counts.get(type) ?? 0) + 1);
  }
  const sections: ReadableSection[] = [];
  if (counts.size) {
    const rows = [...counts]
      .sort(([a, x], [b, y]) => y - x || a.localeCompare(b))
      .map(([type, count]) => [type, count.toLocaleString('en-US')]);
    sections.push(section('Contents', table(null, ['Resource', 'Count'], rows, [false, true])));
  }
  const ofType = (type: string) => resources.filter((resource) => resource.resourceType === type);
  const listed = (title: string, type: string, columns: string[], numeric: boolean[], row: (r: Json) => string[]) => {
    const all = ofType(type);
    if (all.length) {
      sections.push(
        section(title, [
          ...table(null, columns, all.slice(0, MAX_ROWS).map(row), numeric),
          ...more(all.length, 'entry', 'entries'),
        ]),
      );
    }
  };
  listed(
    'Explanations of benefits',
    'ExplanationOfBenefit',
    ['Date', 'Provider', 'Insurer', 'Billed', 'Plan paid', 'Patient responsibility', 'Outcome'],
    [false, false, false, true, true, true, false],
    (eob) => {
      const totals = new Map(
        arr(eob.total).map((total) => [categoryOf(total.category).key, formatMoney(total.amount)]),
      );
      return [
        when(obj(eob.billablePeriod)?.start) ?? when(eob.created) ?? '',
        reference(eob.provider) ?? reference(eob.facility) ?? '',
        reference(eob.insurer) ?? '',
        totals.get('submitted') ?? '',
        totals.get('benefit') ?? totals.get('paidtoprovider') ?? formatMoney(obj(eob.payment)?.amount) ?? '',
        totals.get('memberliability') ?? '',
        outcomeText(eob.outcome) ?? '',
      ];
    },
  );
  listed(
    'Claims',
    'Claim',
    ['Date', 'Provider', 'Insurer', 'Total', 'Status'],
    [false, false, false, true, false],
    (claim) => [
      when(obj(claim.billablePeriod)?.start) ?? when(claim.created) ?? '',
      reference(claim.provider) ?? '',
      reference(claim.insurer) ?? '',
      formatMoney(claim.total) ?? '',
      str(claim.status) ?? '',
    ],
  );
  listed('Coverage', 'Coverage', ['Payor', 'Member ID', 'Plan', 'Period', 'Status'], [], (coverage) => [
    arr(coverage.payor).map(reference).filter(Boolean).join('; '),
    str(coverage.subscriberId) ?? identifiers(coverage.identifier) ?? '',
    arr(coverage.class)
      .map((entry) => [str(entry.name), str(entry.value)].filter(Boolean).join(' '))
      .filter(Boolean)
      .join('; '),
    period(coverage.period) ?? '',
    str(coverage.status) ?? '',
  ]);
  return { title: bundle ? 'FHIR export (Bundle)' : 'FHIR export (NDJSON)', header: header.list, sections };
}

// ---- Anything else -------------------------------------------------------------------------------

/** A resource without a page of its own, as labelled values; its narrative as text, if it has one. */
function readGeneric(resource: Json): ReadableDocument {
  const type = str(resource.resourceType) ?? 'Resource';
  const fields: ReadableField[] = [];
  let dropped = 0;
  const visit = (value: unknown, label: string, depth: number) => {
    if (fields.length >= MAX_FIELDS) {
      dropped += 1;
      return;
    }
    const plain = str(value) ?? summary(value);
    if (plain !== null) fields.push({ label, value: plain });
    else if (Array.isArray(value)) {
      value.forEach((element, index) => visit(element, value.length > 1 ? `${label} ${index + 1}` : label, depth));
    } else if (obj(value) && depth < MAX_DEPTH) {
      for (const [key, child] of Object.entries(value as Json)) {
        if (key === 'resourceType' || key === 'text' || key === 'meta' || key === 'contained') continue;
        visit(child, label ? `${label} › ${words(key)}` : capitalized(words(key)), depth + 1);
      }
    }
  };
  visit(resource, '', 0);
  const sections: ReadableSection[] = [];
  const narrative = narrativeText(str(obj(resource.text)?.div) ?? '');
  if (narrative) {
    sections.push(
      section(
        'Summary',
        narrative.split('\n').map((text) => ({ kind: 'paragraph', text })),
      ),
    );
  }
  if (fields.length) {
    sections.push(
      section('Details', [
        { kind: 'fields', fields },
        ...(dropped
          ? [{ kind: 'paragraph' as const, text: `… ${dropped.toLocaleString('en-US')} more values not shown.` }]
          : []),
      ]),
    );
  }
  return { title: capitalized(words(type)), header: [], sections };
}

/** The usual FHIR data types, each in a line: a code, a reference, a quantity, an amount, a period. */
function summary(value: unknown): string | null {
  const o = obj(value);
  if (!o) return null;
  if ('coding' in o || ('text' in o && Object.keys(o).length === 1)) return codeAndDisplay(o);
  if ('reference' in o || ('display' in o && !('code' in o))) return reference(o);
  if ('currency' in o) return formatMoney(o);
  if ('value' in o && ('unit' in o || 'code' in o)) return quantity(o);
  if (('start' in o || 'end' in o) && Object.keys(o).every((key) => key === 'start' || key === 'end')) return period(o);
  return null;
}

/**
 * The text of a narrative's XHTML, a line a block. Scripts and styles go with their content, every
 * other tag is dropped, and entities are decoded once: what is left is text, never markup to render.
 */
export function narrativeText(xhtml: string): string {
  const text = xhtml
    .slice(0, MAX_NARRATIVE)
    .replace(/<!--[\s\S]*?(?:-->|$)/g, ' ')
    .replace(/<(script|style|template|iframe|object|svg|math)\b[\s\S]*?(?:<\/\1\s*>|$)/gi, ' ')
    .replace(/<\/?(?:br|p|div|li|tr|h[1-6]|table|ul|ol)\b[^>]*>/gi, '\n')
    .replace(/<[^>]*(?:>|$)/g, ' ');
  return decodeEntities(text)
    .split('\n')
    .map((line) => line.replace(/\s+/g, ' ').trim())
    .filter(Boolean)
    .join('\n');
}

const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", nbsp: ' ' };

function decodeEntities(text: string): string {
  return text.replace(/&(#x[0-9a-f]{1,6}|#\d{1,7}|[a-z]{2,8});/gi, (entity, name: string) => {
    if (name.startsWith('#')) {
      const code = name[1] === 'x' || name[1] === 'X' ? parseInt(name.slice(2), 16) : parseInt(name.slice(1), 10);
      return code > 0 && code <= 0x10ffff && !(code >= 0xd800 && code <= 0xdfff) ? String.fromCodePoint(code) : ' ';
    }
    return ENTITIES[name.toLowerCase()] ?? entity;
  });
}

// ---- Values --------------------------------------------------------------------------------------

interface Money {
  value: number;
  currency: string;
}

function asMoney(value: unknown): Money | null {
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

function sum(amounts: Money[]): number {
  // In cents, so that 0.1 + 0.2 stays 0.30.
  return amounts.reduce((total, money) => total + Math.round(money.value * 100), 0) / 100;
}

function obj(value: unknown): Json | null {
  return value && typeof value === 'object' && !Array.isArray(value) ? (value as Json) : null;
}

function arr(value: unknown): Json[] {
  return Array.isArray(value) ? value.map(obj).filter((item): item is Json => item !== null) : [];
}

function str(value: unknown): string | null {
  if (typeof value === 'string') {
    const text = value.replace(/\s+/g, ' ').trim();
    return text ? (text.length > MAX_TEXT ? `${text.slice(0, MAX_TEXT)}…` : text) : null;
  }
  if ((typeof value === 'number' && Number.isFinite(value)) || typeof value === 'boolean') return String(value);
  return null;
}

function codings(concept: unknown): Json[] {
  return arr(obj(concept)?.coding);
}

/** A concept as people say it: its text, else the first display, else the first code. */
function conceptText(concept: unknown): string | null {
  const all = codings(concept);
  return (
    str(obj(concept)?.text) ??
    all.map((coding) => str(coding.display)).find(Boolean) ??
    all.map((coding) => str(coding.code)).find(Boolean) ??
    null
  );
}

function conceptCode(concept: unknown): string | null {
  return (
    codings(concept)
      .map((coding) => str(coding.code))
      .find(Boolean) ?? conceptText(concept)
  );
}

/** "99213 — Office visit, established patient": the code and what it means, as bills show them. */
function codeAndDisplay(concept: unknown): string | null {
  const coding = codings(concept).find((c) => str(c.code) || str(c.display));
  const code = str(coding?.code);
  const display = str(coding?.display) ?? str(obj(concept)?.text);
  if (code && display && display !== code) return `${code} — ${display}`;
  return display ?? code;
}

function reference(value: unknown): string | null {
  const ref = obj(value);
  return str(ref?.display) ?? str(obj(ref?.identifier)?.value) ?? str(ref?.reference);
}

function identifiers(value: unknown): string | null {
  const values = arr(value)
    .map((identifier) => str(identifier.value))
    .filter(Boolean);
  return values.length ? [...new Set(values)].join(', ') : null;
}

function quantity(value: unknown): string | null {
  const q = obj(value);
  const amount = str(q?.value);
  if (!amount) return null;
  const unit = str(q?.unit) ?? str(q?.code);
  return [str(q?.comparator), amount, unit].filter(Boolean).join(' ');
}

/** A FHIR date or dateTime as its day, with the time of day when it has one. */
function when(value: unknown): string | null {
  const text = str(value);
  if (!text) return null;
  const match = text.match(/^(\d{4}(?:-\d{2}(?:-\d{2})?)?)(?:T(\d{2}:\d{2}))?/);
  if (!match) return text;
  return match[2] && match[2] !== '00:00' ? `${match[1]} ${match[2]}` : match[1]!;
}

function period(value: unknown): string | null {
  const p = obj(value);
  const start = when(p?.start);
  const end = when(p?.end);
  if (start && end) return start === end ? start : `${start} to ${end}`;
  if (start) return `from ${start}`;
  return end ? `until ${end}` : null;
}

function words(key: string): string {
  return key.replace(/([a-z0-9])([A-Z])/g, '$1 $2').toLowerCase();
}

function capitalized(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

// ---- Blocks --------------------------------------------------------------------------------------

class Fields {
  readonly list: ReadableField[] = [];
  add(label: string, value: string | null | undefined): void {
    if (value) this.list.push({ label, value });
  }
}

function section(title: string, blocks: ReadableBlock[], sections: ReadableSection[] = []): ReadableSection {
  return { title, blocks, sections };
}

/**
 * A table without the columns no row fills (a claim's diagnoses may have no kind, say), each column
 * marked for its alignment: `numeric` ones are amounts or counts; one of dates only is a date column.
 */
function table(caption: string | null, header: string[], rows: string[][], numeric: boolean[] = []): ReadableBlock[] {
  const keep = header.map((_, column) => rows.some((row) => row[column]));
  const kept = <T>(cells: T[]) => cells.filter((_, column) => keep[column] !== false);
  const columns = kept(
    header.map((_, column): ReadableColumn => {
      if (numeric[column]) return 'number';
      const dates = rows.every((row) => !row[column] || /^\d{4}-\d{2}-\d{2}( \d{2}:\d{2})?$/.test(row[column]!));
      return dates ? 'date' : 'text';
    }),
  );
  return [
    {
      kind: 'table',
      caption,
      header: kept(header),
      rows: rows.map(kept),
      ...(columns.some((column) => column !== 'text') ? { columns } : {}),
    },
  ];
}

function listOf(items: (string | null)[]): ReadableBlock[] {
  const present = items.filter((item): item is string => Boolean(item));
  return present.length ? [{ kind: 'list', ordered: false, items: present }] : [];
}

/** "… 1,234 more services not shown." when a list was cut at MAX_ROWS. */
function more(total: number, one: string, many = `${one}s`): ReadableBlock[] {
  const left = total - MAX_ROWS;
  if (left <= 0) return [];
  return [{ kind: 'paragraph', text: `… ${left.toLocaleString('en-US')} more ${left === 1 ? one : many} not shown.` }];
}
