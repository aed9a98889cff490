/** Any other resource, as labelled values. */
import {
  codeAndDisplay,
  type FhirObject,
  formatMoney,
  obj,
  period,
  quantity,
  reference,
  str,
} from '../../fhir/fhirValues';
import { capitalized, section, words } from './blocks';
import type { ReadableDocument, ReadableField, ReadableSection } from '../../../../shared/readable';
import { narrativeText } from './narrative';
/** Labelled values shown at most, and how deep into the resource they are looked for. */
const MAX_FIELDS = 500;
const MAX_DEPTH = 6;

/** A resource without a page of its own, as labelled values; its narrative as text, if it has one. */
export function readGeneric(resource: FhirObject): ReadableDocument {
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
      for (const [key, child] of Object.entries(value as FhirObject)) {
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
