/**
 * FHIR R4 billing and coverage resources shaped as a payer's Patient Access API returns them
 * (CARIN Blue Button): codes from HL7's adjudication code system and CARIN's own, X12 reason codes.
 */

const HL7_ADJUDICATION = 'http://terminology.hl7.org/CodeSystem/adjudication';
const CARIN_ADJUDICATION = 'http://hl7.org/fhir/us/carin-bb/CodeSystem/C4BBAdjudication';
const CARIN_DISCRIMINATOR = 'http://hl7.org/fhir/us/carin-bb/CodeSystem/C4BBAdjudicationDiscriminator';
const ICD10 = 'http://hl7.org/fhir/sid/icd-10-cm';
const CPT = 'http://www.ama-assn.org/go/cpt';
const HCPCS = 'https://www.cms.gov/Medicare/Coding/HCPCSReleaseCodeSets';

const CARIN_CODES = new Set(['coinsurance', 'paidtoprovider', 'memberliability', 'noncovered', 'paidbypatient']);

const DISPLAYS: Record<string, string> = {
  submitted: 'Submitted Amount',
  eligible: 'Eligible Amount',
  deductible: 'Deductible',
  copay: 'CoPay',
  benefit: 'Benefit Amount',
  coinsurance: 'Co-insurance',
  paidtoprovider: 'Paid to provider',
  memberliability: 'Member liability',
};

function category(code: string): object {
  const system = CARIN_CODES.has(code) ? CARIN_ADJUDICATION : HL7_ADJUDICATION;
  return { coding: [{ system, code, display: DISPLAYS[code] }] };
}

/** One adjudication (or total) line: a category and an amount in US dollars. */
export function amount(code: string, value: number): object {
  return { category: category(code), amount: { value, currency: 'USD' } };
}

export function carinEob(): Record<string, unknown> {
  return {
    resourceType: 'ExplanationOfBenefit',
    id: 'eob-1',
    meta: {
      profile: [
        'http://hl7.org/fhir/us/carin-bb/StructureDefinition/C4BB-ExplanationOfBenefit-Professional-NonClinician',
      ],
    },
    text: {
      status: 'generated',
      div: '<div xmlns="http://www.w3.org/1999/xhtml"><script>alert(1)</script><img src="http://tracker.example/eob.png"/>Explanation of benefits</div>',
    },
    identifier: [{ system: 'https://acme.example/claim-number', value: 'CLM-2023-0042' }],
    status: 'active',
    type: {
      coding: [
        { system: 'http://terminology.hl7.org/CodeSystem/claim-type', code: 'professional', display: 'Professional' },
      ],
    },
    use: 'claim',
    patient: { reference: 'Patient/p1', display: 'Jane Doe' },
    billablePeriod: { start: '2023-02-27', end: '2023-03-02' },
    created: '2023-03-20T09:15:00-05:00',
    insurer: { reference: 'Organization/acme', display: 'Acme Health Plan' },
    provider: { reference: 'Practitioner/lee', display: 'Dr. Robin Lee' },
    facility: { display: 'Lakeside Medical Center' },
    outcome: 'partial',
    disposition: 'Processed; one line denied',
    careTeam: [
      {
        sequence: 1,
        provider: { display: 'Dr. Robin Lee' },
        role: { coding: [{ code: 'performing', display: 'Performing provider' }] },
      },
    ],
    diagnosis: [
      {
        sequence: 1,
        diagnosisCodeableConcept: {
          coding: [{ system: ICD10, code: 'J18.9', display: 'Pneumonia, unspecified organism' }],
        },
        type: [{ coding: [{ code: 'principal', display: 'Principal' }] }],
      },
      {
        sequence: 2,
        diagnosisCodeableConcept: {
          coding: [{ system: ICD10, code: 'E11.9', display: 'Type 2 diabetes mellitus without complications' }],
        },
      },
    ],
    insurance: [{ focal: true, coverage: { reference: 'Coverage/cov-1', display: 'Acme Gold PPO' } }],
    item: [
      {
        sequence: 1,
        servicedDate: '2023-02-27',
        productOrService: { coding: [{ system: CPT, code: '99223', display: 'Initial hospital care' }] },
        modifier: [{ coding: [{ system: CPT, code: '25' }] }],
        quantity: { value: 1 },
        adjudication: [
          amount('submitted', 1234.5),
          amount('eligible', 980),
          amount('deductible', 250),
          amount('copay', 40),
          amount('coinsurance', 138),
          amount('benefit', 552),
          amount('paidtoprovider', 552),
          amount('memberliability', 428),
        ],
      },
      {
        sequence: 2,
        servicedDate: '2023-02-28',
        productOrService: { coding: [{ system: HCPCS, code: 'J2405', display: 'Ondansetron injection' }] },
        quantity: { value: 2 },
        noteNumber: [1],
        adjudication: [
          amount('submitted', 86),
          amount('benefit', 0),
          {
            category: { coding: [{ system: CARIN_DISCRIMINATOR, code: 'denialreason', display: 'Denial Reason' }] },
            reason: {
              coding: [
                {
                  system: 'https://x12.org/codes/claim-adjustment-reason-codes',
                  code: '50',
                  display: 'Not deemed a medical necessity by the payer',
                },
              ],
            },
          },
        ],
      },
    ],
    total: [
      amount('submitted', 1320.5),
      amount('eligible', 980),
      amount('benefit', 552),
      amount('paidtoprovider', 552),
      amount('memberliability', 428),
    ],
    payment: {
      type: { coding: [{ code: 'complete', display: 'Complete' }] },
      date: '2023-03-25',
      amount: { value: 552, currency: 'USD' },
    },
    processNote: [{ number: 1, type: 'display', text: 'Line 2 was denied. You may appeal within 180 days.' }],
  };
}

export function claim(): Record<string, unknown> {
  return {
    resourceType: 'Claim',
    id: 'claim-1',
    status: 'active',
    type: { coding: [{ code: 'professional', display: 'Professional' }] },
    use: 'claim',
    patient: { display: 'Jane Doe' },
    created: '2023-03-02',
    billablePeriod: { start: '2023-02-27', end: '2023-03-02' },
    insurer: { display: 'Acme Health Plan' },
    provider: { display: 'Dr. Robin Lee' },
    priority: { coding: [{ code: 'normal' }] },
    diagnosis: [
      {
        sequence: 1,
        diagnosisCodeableConcept: {
          coding: [{ system: ICD10, code: 'J18.9', display: 'Pneumonia, unspecified organism' }],
        },
      },
    ],
    insurance: [{ sequence: 1, focal: true, coverage: { display: 'Acme Gold PPO' }, preAuthRef: ['PA-778'] }],
    item: [
      {
        sequence: 1,
        servicedDate: '2023-02-27',
        productOrService: { coding: [{ system: CPT, code: '99223', display: 'Initial hospital care' }] },
        unitPrice: { value: 1234.5, currency: 'USD' },
        net: { value: 1234.5, currency: 'USD' },
      },
      {
        sequence: 2,
        servicedDate: '2023-02-28',
        productOrService: { coding: [{ system: HCPCS, code: 'J2405', display: 'Ondansetron injection' }] },
        quantity: { value: 2 },
        unitPrice: { value: 43, currency: 'USD' },
        net: { value: 86, currency: 'USD' },
      },
    ],
    total: { value: 1320.5, currency: 'USD' },
  };
}

export function coverage(): Record<string, unknown> {
  return {
    resourceType: 'Coverage',
    id: 'cov-1',
    status: 'active',
    type: { coding: [{ code: 'HIP', display: 'health insurance plan policy' }] },
    subscriber: { display: 'Jane Doe' },
    subscriberId: 'ACM-5521',
    beneficiary: { reference: 'Patient/p1', display: 'Jane Doe' },
    identifier: [
      {
        type: { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/v2-0203', code: 'MB' }] },
        value: 'ACM-5521-01',
      },
    ],
    relationship: { coding: [{ code: 'self', display: 'Self' }] },
    period: { start: '2023-01-01', end: '2023-12-31' },
    payor: [{ display: 'Acme Health Plan' }],
    class: [
      { type: { coding: [{ code: 'group', display: 'Group' }] }, value: 'G-7788', name: 'Lakeside Employers Group' },
      { type: { coding: [{ code: 'plan', display: 'Plan' }] }, value: 'GOLD-PPO', name: 'Acme Gold PPO' },
    ],
    costToBeneficiary: [
      { type: { coding: [{ code: 'copay', display: 'Copay' }] }, valueMoney: { value: 40, currency: 'USD' } },
    ],
  };
}

/** What a payer's "download my claims" gives: the patient, an EOB, its claim and the coverage. */
export function claimsBundle(): Record<string, unknown> {
  return {
    resourceType: 'Bundle',
    type: 'collection',
    timestamp: '2023-04-01T12:00:00Z',
    entry: [
      { resource: { resourceType: 'Patient', id: 'p1', name: [{ family: 'Doe', given: ['Jane'] }] } },
      { resource: carinEob() },
      { resource: claim() },
      { resource: coverage() },
    ],
  };
}
