/** What an ExplanationOfBenefit and a Claim say alike. */
import {
  arr,
  codeAndDisplay,
  codings,
  conceptCode,
  conceptText,
  type FhirObject,
  obj,
  period,
  quantity,
  reference,
  str,
  when,
} from '../../fhir/fhirValues';
import { Fields, MAX_ROWS, more, section, table } from './blocks';
import type { ReadableSection } from '../../../../shared/readable';
/** Who and when, as an EOB and a claim both say it. */
export function claimHeader(claim: FhirObject): Fields {
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

/** The columns that say what a service was: date, code, modifiers, quantity, as the items have them. */
export function serviceColumns(items: FhirObject[]): {
  header: string[];
  numeric: boolean[];
  cells: (item: FhirObject) => string[];
} {
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

export function serviceText(item: FhirObject): string | null {
  return codeAndDisplay(item.productOrService);
}

/** What an EOB and a claim share: diagnoses, procedures, insurance, care team, other information. */
export function commonClaimSections(claim: FhirObject): ReadableSection[] {
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
