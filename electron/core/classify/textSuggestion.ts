import type { SuggestionBases, SuggestionBasis } from '../../../shared/documents';
import { DEFAULT_RECORD_TYPE } from '../../../shared/recordSet';
import type { DocumentSuggestion } from '../documents/repository';
import { suggestType } from './documentType';
import { suggestProvider } from './letterhead';
import { suggestDate } from './serviceDate';

/**
 * Files a document by everything known of it, field by field, the surer source winning:
 * a package's metadata (IHE XDM), what the file says of itself (DICOM tags, LOINC codes, FHIR
 * types, the file name), then its text (phrases, labelled dates, letterhead). Each field keeps
 * its basis — confidence and reason — for the patient to see.
 */
export function decideSuggestion(
  own: DocumentSuggestion,
  options: { planned?: Partial<DocumentSuggestion>; text?: string; today?: Date } = {},
): DocumentSuggestion {
  const decided: DocumentSuggestion = { ...own, basis: { ...own.basis } };
  const planned = options.planned;
  if (planned) {
    if (planned.title) decided.title = planned.title;
    if (planned.tags) decided.tags = planned.tags;
    take(decided, 'type', planned.type, planned.basis?.type, true);
    take(decided, 'date', planned.date ?? null, planned.basis?.date, true);
    take(decided, 'provider', planned.provider ?? null, planned.basis?.provider, true);
  }
  const text = options.text?.trim();
  if (text) {
    const type = suggestType(text);
    if (type) take(decided, 'type', type.value, type);
    const date = suggestDate(text, decided.type === DEFAULT_RECORD_TYPE ? null : decided.type, options.today);
    if (date) take(decided, 'date', date.value, date);
    const provider = suggestProvider(text, decided.type === DEFAULT_RECORD_TYPE ? null : decided.type);
    if (provider) take(decided, 'provider', provider.value, provider);
  }
  return decided;
}

type Field = 'type' | 'date' | 'provider';

function take<F extends Field>(
  decided: DocumentSuggestion,
  field: F,
  value: DocumentSuggestion[F] | undefined,
  basis: SuggestionBasis | undefined,
  /** A package's metadata describes the file from outside, and goes first (as the package means). */
  wins = false,
): void {
  if (value === undefined || value === null || (field === 'type' && value === DEFAULT_RECORD_TYPE)) return;
  const current = decided.basis?.[field];
  const known = field === 'type' ? decided.type !== DEFAULT_RECORD_TYPE : decided[field] !== null;
  const confidence = basis?.confidence ?? 0.7;
  if (!wins && known && (!current || confidence <= current.confidence)) return; // a value given without a why is kept
  decided[field] = value;
  (decided.basis as SuggestionBases)[field] = {
    confidence: round(confidence),
    reason: basis?.reason ?? 'what the file says of itself',
  };
}

function round(confidence: number): number {
  return Math.round(Math.min(1, Math.max(0, confidence)) * 100) / 100;
}
