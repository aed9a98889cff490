import type { DesignatedRecordSetType } from '../../../../shared/recordSet';

/**
 * LOINC document codes of C-CDA / CDA R2 documents (and C32), as the designated record set files
 * them. Unknown codes fall back to the section of the record set the document most likely is.
 */
export const LOINC_DOCUMENT_TYPES: Record<string, { type: DesignatedRecordSetType; name: string }> = {
  '34133-9': { type: 'care-summary', name: 'Summarization of episode note (CCD)' },
  '18842-5': { type: 'discharge-summary', name: 'Discharge summary' },
  '11490-0': { type: 'discharge-summary', name: 'Physician discharge summary' },
  '18761-7': { type: 'care-summary', name: 'Transfer summary note' },
  '11506-3': { type: 'clinical-note', name: 'Progress note' },
  '34117-2': { type: 'clinical-note', name: 'History and physical note' },
  '11488-4': { type: 'clinical-note', name: 'Consultation note' },
  '34111-5': { type: 'clinical-note', name: 'Emergency department note' },
  '34109-9': { type: 'clinical-note', name: 'Note' },
  '51848-0': { type: 'clinical-note', name: 'Evaluation note' },
  '28570-0': { type: 'operative-report', name: 'Procedure note' },
  '11504-8': { type: 'operative-report', name: 'Surgical operation note' },
  '18748-4': { type: 'imaging-report', name: 'Diagnostic imaging study' },
  '11502-2': { type: 'lab-result', name: 'Laboratory report' },
  '11526-1': { type: 'pathology-report', name: 'Pathology study' },
  '57133-1': { type: 'referral', name: 'Referral note' },
  '10160-0': { type: 'medication-list', name: 'History of medication use' },
  '11369-6': { type: 'immunization-record', name: 'History of immunization' },
  '18776-5': { type: 'care-summary', name: 'Plan of care note' },
};
