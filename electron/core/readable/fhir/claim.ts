/** A Claim: what the provider billed, line by line. */
import { arr, conceptText, type FhirObject, formatMoney, identifiers, reference, str } from '../../fhir/fhirValues';
import { MAX_ROWS, more, section, table } from './blocks';
import type { ReadableDocument, ReadableSection } from '../../../../shared/readable';
import { claimHeader, commonClaimSections, serviceColumns } from './claimParts';
export function readClaim(claim: FhirObject): ReadableDocument {
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
