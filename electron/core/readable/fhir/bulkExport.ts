/** A Bundle or a bulk-export NDJSON file: what it holds, and its billing and coverage records listed. */
import {
  arr,
  type FhirObject,
  formatMoney,
  identifiers,
  obj,
  period,
  reference,
  str,
  when,
} from '../../fhir/fhirValues';
import { Fields, MAX_ROWS, more, section, table } from './blocks';
import type { ReadableDocument, ReadableSection } from '../../../../shared/readable';
import { categoryOf, outcomeText } from './explanationOfBenefit';
export function readExport(resources: FhirObject[], bundle: FhirObject | null): ReadableDocument {
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
  const listed = (
    title: string,
    type: string,
    columns: string[],
    numeric: boolean[],
    row: (r: FhirObject) => string[],
  ) => {
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
