/** A Coverage: the plan, the member, the group, and what the member pays. */
import {
  arr,
  codings,
  conceptText,
  type FhirObject,
  formatMoney,
  identifiers,
  period,
  quantity,
  reference,
  str,
} from '../../fhir/fhirValues';
import { Fields, MAX_ROWS, section, table } from './blocks';
import type { ReadableDocument, ReadableSection } from '../../../../shared/readable';
export function readCoverage(coverage: FhirObject): ReadableDocument {
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
