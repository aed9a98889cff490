/**
 * FHIR R4 JSON laid out for reading: an ExplanationOfBenefit, Claim, Coverage, DiagnosticReport or
 * DocumentReference as a page of its own (one file each here); a Bundle or bulk-export NDJSON as
 * a summary of what it holds; any other resource as labelled values. Everything comes out as plain
 * text; a narrative's XHTML is reduced to its text. The file is read by the importer's reader
 * (`fhir/fhirJson.ts`), with its limits.
 */
import type { ReadableDocument } from '../../../../shared/readable';
import { FhirReadError, readFhirFile } from '../../fhir/fhirJson';
import type { FhirObject } from '../../fhir/fhirValues';
import { readExport } from './bulkExport';
import { readClaim } from './claim';
import { readCoverage } from './coverage';
import { readDiagnosticReport } from './diagnosticReport';
import { readDocumentReference } from './documentReference';
import { readEob } from './explanationOfBenefit';
import { readGeneric } from './generic';

export { FhirReadError } from '../../fhir/fhirJson';
export { formatMoney } from '../../fhir/fhirValues';
export { MAX_ROWS } from './blocks';
export { narrativeText } from './narrative';

/** The resources with a page of their own; a new one is its file here and its line below. */
const PAGES: Record<string, (resource: FhirObject) => ReadableDocument> = {
  ExplanationOfBenefit: readEob,
  Claim: readClaim,
  Coverage: readCoverage,
  DiagnosticReport: readDiagnosticReport,
  DocumentReference: readDocumentReference,
};

export function readableFhir(bytes: Buffer): ReadableDocument {
  const { resources, bundle } = readFhirFile(bytes, 'guess');
  if (bundle) return readExport(resources, bundle);
  const [first] = resources;
  if (resources.length === 1 && first) return (PAGES[String(first.resourceType)] ?? readGeneric)(first);
  if (resources.length === 0) throw new FhirReadError('The FHIR file is empty.');
  return readExport(resources, null);
}
