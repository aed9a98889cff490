import type { DesignatedRecordSetType } from '../../../shared/recordSet';

/**
 * What a document's text says about its designated-record-set type: phrases and layout that
 * patients' records really use. Weights: 4 = names the document outright ("Explanation of
 * Benefits", "Discharge Summary"); 2–3 = typical of it; 1 = a hint that many kinds share.
 */
export interface TypeCue {
  type: DesignatedRecordSetType;
  pattern: RegExp;
  weight: number;
  /** How the reason names a layout cue; phrase cues are named by the words matched. */
  label?: string;
}

const cue = (type: DesignatedRecordSetType, weight: number, pattern: RegExp, label?: string): TypeCue => ({
  type,
  weight,
  pattern,
  label,
});

export const TYPE_CUES: readonly TypeCue[] = [
  // Health plan: EOBs, denials, prior authorizations, claims, coverage
  cue('explanation-of-benefits', 4, /\bexplanation of (your )?(health care )?benefits\b/i),
  cue('explanation-of-benefits', 4, /\bthis is not a bill\b/i),
  cue('explanation-of-benefits', 2, /\bEOB\b/),
  cue(
    'explanation-of-benefits',
    2,
    /\ballowed\b[\s\S]{0,400}\b(plan|insurance|we) paid\b|\bpaid by (your )?plan\b/i,
    'allowed and paid columns',
  ),
  cue('explanation-of-benefits', 1, /\b(you may owe|what you owe|your share|patient responsibility)\b/i),
  cue('explanation-of-benefits', 1, /\b(date processed|processed on|claim processed)\b/i),
  cue(
    'denial-letter',
    4,
    /\b(we|the plan) (have |has )?denied\b|\b(has been|was|is|are being) denied\b|\bnot approved\b|\bunable to approve\b/i,
  ),
  cue(
    'denial-letter',
    4,
    /\badverse (benefit )?determination\b|\bnotice of (denial|non-?coverage)\b|\bdenial of (coverage|benefits|your claim)\b/i,
  ),
  cue('denial-letter', 2, /\bnot medically necessary\b|\bmedical necessity\b/i),
  cue(
    'denial-letter',
    2,
    /\b(right to (file an |request an |an )?appeal|how to (file an )?appeal|request an appeal|appeal rights)\b/i,
  ),
  cue('denial-letter', 1, /\b(external|independent) review\b/i),
  cue(
    'prior-authorization',
    4,
    /\bprior (authori[sz]ation|approval)\b|\bpre-?authori[sz]ation\b|\bpre-?certification\b/i,
  ),
  cue('prior-authorization', 2, /\bauthori[sz]ation (number|#|no\.?)/i),
  cue('prior-authorization', 1, /\b(approved (units|visits|services)|valid (from|through)|has been approved)\b/i),
  cue('claim', 4, /\bhealth insurance claim form\b|\bCMS-?1500\b|\bUB-?04\b|\bclaim form\b/i),
  cue(
    'coverage-document',
    4,
    /\bsummary of benefits and coverage\b|\bevidence of coverage\b|\bcertificate of coverage\b|\bproof of (insurance )?coverage\b|\bmember id card\b/i,
  ),
  cue('coverage-document', 1, /\b(group|subscriber) (number|id|#)/i),
  cue('coverage-document', 1, /\bout-of-pocket (limit|maximum)\b/i),
  // Billing
  cue('itemized-bill', 4, /\bitemi[sz]ed (bill|statement|charges|list)\b/i),
  cue('itemized-bill', 2, /\btotal charges\b/i),
  cue('itemized-bill', 1, /\b(CPT|HCPCS|rev(enue)? code)\b/i),
  cue('billing-statement', 3, /\b(patient |billing )?statement date\b/i),
  cue('billing-statement', 2, /\b(pay this amount|amount due|balance due|please remit|make checks? payable)\b/i),
  cue('billing-statement', 2, /\b(return this portion|detach and return|pay (your bill )?online)\b/i),
  cue('billing-statement', 1, /\b(guarantor|account (number|#|no\.?))/i),
  cue('payment-receipt', 4, /\b(payment receipt|receipt of payment|thank you for your payment|payment received)\b/i),
  cue('payment-receipt', 1, /\bpaid (by|with) (visa|mastercard|amex|card|check|cash)\b/i),
  // Medical records
  cue('discharge-summary', 4, /\bdischarge summary\b/i),
  cue('discharge-summary', 3, /\bhospital course\b/i),
  cue('discharge-summary', 2, /\bdischarge (diagnos[ie]s|medications|instructions|condition|disposition)\b/i),
  cue('discharge-summary', 1, /\b(admission date|date of admission|discharge date|date of discharge)\b/i),
  cue('operative-report', 4, /\boperative (report|note)\b|\bop note\b|\bprocedure report\b/i),
  cue('operative-report', 3, /\bpre-?operative diagnosis\b|\bpost-?operative diagnosis\b/i),
  cue('operative-report', 2, /\bestimated blood loss\b|\bEBL\b|\bprocedures? performed\b/i),
  cue(
    'operative-report',
    1,
    /\b(anesthesia|surgeon|assistant surgeon|indications? for (the )?(procedure|operation))\b/i,
  ),
  cue('pathology-report', 4, /\bsurgical pathology\b|\bpathology report\b|\bcytopathology\b|\bcytology report\b/i),
  cue('pathology-report', 3, /\bgross description\b|\bmicroscopic description\b/i),
  cue('pathology-report', 2, /\bfinal (pathologic(al)? )?diagnosis\b|\bpathologist\b/i),
  cue('pathology-report', 1, /\bspecimens? (received|source|submitted)\b|\b(biopsy|excision|resection)\b/i),
  cue('lab-result', 3, /\b(laboratory|lab) (report|results?)\b|\btest results?\b/i),
  cue('lab-result', 3, /\b(reference (range|interval)|ref\.? range|normal range)\b/i),
  cue(
    'lab-result',
    2,
    /\b(mg\/dL|mmol\/L|g\/dL|mEq\/L|U\/L|IU\/L|ng\/mL|pg\/mL|mIU\/L|10\^?3\/[uµ]L)(?![\p{L}])/iu,
    'lab units',
  ),
  cue(
    'lab-result',
    2,
    /\b(CBC|complete blood count|(comprehensive|basic) metabolic panel|lipid panel|hemoglobin a1c|HbA1c|TSH|urinalysis)\b/i,
  ),
  cue('lab-result', 1, /\b(specimen collected|collection date|date collected|collected)\b/i),
  cue('imaging-report', 3, /\b(radiology|imaging) report\b|\bdiagnostic imaging\b/i),
  cue('imaging-report', 2, /\bimpression\s*:/i),
  cue('imaging-report', 2, /\b(technique|comparison)\s*:/i),
  cue('imaging-report', 1, /\bfindings\s*:/i),
  cue('imaging-report', 2, /\bfindings\b[\s\S]{0,3000}\bimpressions?\b/i, 'findings then impression'),
  cue('imaging-report', 1, /\b(CT|MRI|x-ray|radiographs?|ultrasound|sonogram|mammogra(m|phy)|PET\/CT|fluoroscopy)\b/i),
  cue('imaging-report', 1, /\bradiologist\b/i),
  cue(
    'clinical-note',
    3,
    /\b(progress note|office (visit|note)|clinic note|visit note|consultation note|consult note|history and physical|encounter note)\b/i,
  ),
  cue('clinical-note', 2, /\b(chief complaint|history of present illness|HPI)\b/i),
  cue('clinical-note', 2, /\b(assessment and plan|assessment\/plan)\b/i),
  cue('clinical-note', 1, /\bassessment\b[\s\S]{0,20000}\bplan\b/i, 'assessment then plan'),
  cue('clinical-note', 1, /\b(review of systems|physical exam(ination)?|vital signs)\b/i),
  cue(
    'medication-list',
    4,
    /\b(medication list|current medications|list of medications|medication (summary|reconciliation)|active medications)\b/i,
  ),
  cue('medication-list', 2, /\b(sig\s*:|take \d+ (tablet|capsule|pill)s?|(once|twice|three times) (a|per) day)\b/i),
  cue('medication-list', 1, /\b(refills?|pharmacy)\b/i),
  cue(
    'immunization-record',
    4,
    /\b(immuni[sz]ation (record|history|certificate|report)|vaccination (record|card|history|certificate)|vaccine administration record)\b/i,
  ),
  cue('immunization-record', 2, /\blot (number|#|no\.?)|\bCVX\b/i),
  cue(
    'immunization-record',
    1,
    /\b(tdap|mmr|influenza|covid-19|hepatitis [ab]|varicella|pneumococcal|dtap|booster)\b/i,
  ),
  cue('immunization-record', 1, /\b(vaccines?|vaccinations?|immuni[sz]ations?)\b/i),
  cue(
    'psychotherapy-note',
    4,
    /\bpsychotherapy (notes?|session|progress note)\b|\btherapy session note\b|\bprocess notes?\b/i,
  ),
  cue('psychotherapy-note', 2, /\b(9083[2478]|\d{2}[- ]minute (psychotherapy|therapy) session)\b/i),
  cue('psychotherapy-note', 2, /\b(transference|countertransference|therapeutic alliance)\b/i),
  cue('psychotherapy-note', 1, /\b(psychotherapist|therapist|LCSW|LMFT|psychologist)\b/i),
  cue('referral', 3, /\b(referral (form|letter|request)|reason for referral|referring (physician|provider))\b/i),
  cue('referral', 2, /\b(thank you for (seeing|your referral)|referred (to|by)|please (see|evaluate))\b/i),
  cue('care-summary', 3, /\b(continuity of care|care summary|after visit summary|visit summary|patient summary)\b/i),
  // A summary of care has the whole chart's sections; a visit note has only some of them.
  cue(
    'care-summary',
    4,
    /^(?=[\s\S]*\ballergies\b)(?=[\s\S]*\bmedications\b)(?=[\s\S]*\bproblems?\b)(?=[\s\S]*\bimmunizations\b)(?=[\s\S]*\b(encounters|advance directives|family history|social history)\b)/i,
    'the sections of a whole chart (allergies, medications, problems, immunizations…)',
  ),
];
