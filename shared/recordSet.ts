/**
 * The HIPAA designated record set (45 CFR §164.501), as Medvault files it.
 * Pure data shared by the core and the UI: every document has exactly one type,
 * and its category follows from the type.
 */

export const RECORD_CATEGORIES = [
  'medical-record',
  'billing-record',
  'health-plan-record',
  'other-designated-record',
  'psychotherapy-note',
  'not-covered',
] as const;

export type RecordCategory = (typeof RECORD_CATEGORIES)[number];

export const RECORD_TYPES_BY_CATEGORY = {
  'medical-record': [
    'clinical-note',
    'discharge-summary',
    'operative-report',
    'lab-result',
    'imaging-report',
    'imaging-study',
    'pathology-report',
    'medication-list',
    'immunization-record',
    'care-summary',
    'referral',
  ],
  'billing-record': ['itemized-bill', 'billing-statement', 'payment-receipt'],
  'health-plan-record': [
    'explanation-of-benefits',
    'claim',
    'denial-letter',
    'prior-authorization',
    'coverage-document',
  ],
  'other-designated-record': ['other-record'],
  'psychotherapy-note': ['psychotherapy-note'],
  'not-covered': ['wellness-data'],
} as const satisfies Record<RecordCategory, readonly string[]>;

export type DesignatedRecordSetType = (typeof RECORD_TYPES_BY_CATEGORY)[RecordCategory][number];

export const RECORD_TYPES: readonly DesignatedRecordSetType[] = RECORD_CATEGORIES.flatMap(
  (category) => RECORD_TYPES_BY_CATEGORY[category],
);

/** The type a document gets when nothing better is known. */
export const DEFAULT_RECORD_TYPE: DesignatedRecordSetType = 'other-record';

export function categoryOf(type: DesignatedRecordSetType): RecordCategory {
  for (const category of RECORD_CATEGORIES) {
    if ((RECORD_TYPES_BY_CATEGORY[category] as readonly string[]).includes(type)) return category;
  }
  throw new Error(`Unknown record type: ${type}`);
}

export function isRecordType(value: string): value is DesignatedRecordSetType {
  return (RECORD_TYPES as readonly string[]).includes(value);
}

export function isRecordCategory(value: string): value is RecordCategory {
  return (RECORD_CATEGORIES as readonly string[]).includes(value);
}

export const RECORD_CATEGORY_LABELS: Record<RecordCategory, string> = {
  'medical-record': 'Medical records',
  'billing-record': 'Billing records',
  'health-plan-record': 'Insurance and claims',
  'other-designated-record': 'Other records',
  'psychotherapy-note': 'Psychotherapy notes',
  'not-covered': 'Not covered by HIPAA',
};
