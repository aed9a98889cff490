import type { SuggestionBases } from '../../../../shared/documents';
import type { DesignatedRecordSetType } from '../../../../shared/recordSet';
import type { DocumentSuggestion } from '../../documents/repository';
import { LOINC_DOCUMENT_TYPES } from '../ccda/documentTypes';
import { titleFromFileName } from '../files/suggest';
import type { PdfTextExtractor } from '../pdf/PdfTextExtractor';
import { UnreadableFileError, type FileOutcome, type FoundFile, type ImportContext, type Importer } from '../types';
import { FHIR_LIMITS, FhirReadError, readFhirFile, tooLarge } from '../../fhir/fhirJson';
import { arr, codings, obj, str, type FhirObject } from '../../fhir/fhirValues';
import { partOf } from '../fileInMemory';

const FHIR_MEDIA_TYPE = 'application/fhir+json';

/** A FHIR resource or Bundle (JSON), or a bulk-export NDJSON file, judged from its start. */
export function looksLikeFhir(file: FoundFile, head: Buffer): boolean {
  const text = head.toString('utf8').trimStart();
  return (text.startsWith('{') && /"resourceType"\s*:/.test(text.slice(0, 4096))) || /\.ndjson$/i.test(file.path);
}

/**
 * FHIR R4 from a portal or an app's export: DocumentReference and DiagnosticReport attachments
 * sent inline become documents of their own; ExplanationOfBenefit, Claim and Coverage become
 * billing and health-plan records. The file itself is kept too, as it came, so nothing of it is
 * lost. Attachment URLs are never fetched (Medvault is offline): such a document says its
 * content was not included.
 */
export class FhirImporter implements Importer {
  readonly name = 'fhir';

  constructor(private readonly pdf: PdfTextExtractor) {}

  accepts(file: FoundFile, head: Buffer): boolean {
    return looksLikeFhir(file, head);
  }

  async importFile(file: FoundFile, _head: Buffer, context: ImportContext): Promise<FileOutcome> {
    // Judged by its size before a byte is read: a huge file is neither read nor stored.
    const large = tooLarge(file.bytes);
    if (large) throw new UnreadableFileError(large);
    const staged = await context.stage(file, { keepBytesUpTo: FHIR_LIMITS.fileBytes });
    if (!staged.bytes) throw new UnreadableFileError(tooLarge(Infinity)!); // it grew while being read
    const resources = parseResources(staged.bytes, file.path);
    for (const resource of resources) {
      if (resource.resourceType === 'Patient') context.notePatient(...patientIdentity(resource));
    }
    if (staged.existing) return { kind: 'duplicate', documentId: staged.existing.documentId };

    // Everything is read and checked before anything is stored: the file lands whole or fails.
    const documents = resources
      .map((resource) => ({ resource, derived: derive(resource) }))
      .filter((item): item is { resource: FhirObject; derived: Derived } => item.derived !== null)
      .map(({ resource, derived }) => ({
        resource,
        derived,
        bytes:
          derived.attachment?.data !== undefined
            ? decodeBase64(derived.attachment.data, file.path)
            : Buffer.from(JSON.stringify(resource, null, 2)),
      }));

    const newest =
      documents
        .map(({ derived }) => derived.suggestion.date)
        .filter((date): date is string => date !== null)
        .sort()
        .at(-1) ?? null;
    const kept = await context.commitDocument(staged, {
      title: `FHIR export: ${describeCounts(resources)}`,
      type: 'other-record',
      date: newest,
      provider: null,
      basis: {
        type: { confidence: 0.9, reason: 'FHIR export, kept as it came' },
        ...(newest && { date: { confidence: 0.7, reason: 'newest record in the export' } }),
      },
      sourceKind: context.sourceKind,
      sourcePath: file.path,
      mediaType: FHIR_MEDIA_TYPE,
      text: '',
    });
    for (const [position, { resource, derived, bytes }] of documents.entries()) {
      const index = position + 1;
      let text = derived.text;
      let mediaType = FHIR_MEDIA_TYPE;
      if (derived.attachment?.data !== undefined) {
        mediaType = derived.attachment.contentType ?? 'application/octet-stream';
        if (mediaType === 'application/pdf') {
          const extracted = await this.pdf.extract(bytes);
          if (extracted.kind === 'text') text = `${extracted.text}\n${text}`;
          if (extracted.kind === 'text') for (const warning of extracted.warnings) context.warn(file, warning);
        } else if (mediaType.startsWith('text/')) text = `${bytes.toString('utf8')}\n${text}`;
      } else if (derived.attachment?.url) {
        const note = `The content of this document (${derived.attachment.url}) was not included in the download; Medvault never fetches it.`;
        text = `${note}\n${text}`;
        context.warn(file, `${derived.suggestion.title}: ${note}`);
      }
      const part = partOf(file, `#${index}`, bytes);
      const stagedPart = await context.stage(part, { keepBytesUpTo: 0 });
      if (stagedPart.existing) continue;
      await context.commitDocument(stagedPart, {
        ...derived.suggestion,
        sourceKind: context.sourceKind,
        sourcePath: `${file.path} (${String(resource.resourceType)} ${index})`,
        mediaType,
        text,
      });
    }
    return kept;
  }
}

/** US Social Security numbers: never shown in an import report. */
const SSN_SYSTEM = 'http://hl7.org/fhir/sid/us-ssn';

/**
 * A Patient's name (the official one, else the first) and record number (an identifier typed MR,
 * else the first that is not a Social Security number).
 */
function patientIdentity(patient: FhirObject): [string | null, string | null] {
  const names = arr(patient.name);
  const name = names.find((n) => n.use === 'official') ?? names[0];
  const given = Array.isArray(name?.given) ? name.given : [];
  const parts = [...given, name?.family].map(str).filter((part): part is string => part !== null);
  const fullName = parts.join(' ').trim() || str(name?.text);
  const usable = arr(patient.identifier).filter((id) => str(id.value) && id.system !== SSN_SYSTEM);
  const record = usable.find((id) => codings(id.type).some((coding) => coding.code === 'MR')) ?? usable[0];
  return [fullName, record ? str(record.value) : null];
}

function parseResources(bytes: Buffer, path: string): FhirObject[] {
  try {
    return readFhirFile(bytes, /\.ndjson$/i.test(path)).resources;
  } catch (error) {
    if (error instanceof FhirReadError) throw new UnreadableFileError(error.reason);
    throw error;
  }
}

interface Attachment {
  contentType: string | null;
  /** Base64, when the content came inline (checked when decoded). */
  data?: unknown;
  url: string | null;
  title: string | null;
}

function attachmentOf(value: unknown): Attachment | null {
  const attachment = obj(value);
  if (!attachment) return null;
  return {
    contentType: str(attachment.contentType),
    data: attachment.data,
    url: str(attachment.url),
    title: str(attachment.title),
  };
}

interface Derived {
  suggestion: DocumentSuggestion;
  attachment: Attachment | null;
  text: string;
}

/** The `display` of a reference, as the sender wrote it. */
function display(value: unknown): string | null {
  return str(obj(value)?.display);
}

/** The document a resource stands for, if it is one of the record kinds the patient keeps. */
function derive(r: FhirObject): Derived | null {
  switch (r.resourceType) {
    case 'DocumentReference': {
      const attachment = attachmentOf(obj(arr(r.content)[0])?.attachment);
      const type = loincType(r.type) ?? 'other-record';
      const start = str(obj(obj(r.context)?.period)?.start);
      const custodian = display(r.custodian);
      return {
        suggestion: {
          title:
            str(r.description) ?? attachment?.title ?? str(obj(r.type)?.text) ?? codingDisplay(r.type) ?? 'Document',
          type,
          date: isoDay(start ?? r.date),
          provider: custodian ?? display(arr(r.author)[0]),
          basis: fhirBasis(
            loincType(r.type) ? `FHIR DocumentReference, LOINC ${loincCode(r.type)}` : null,
            start ? 'DocumentReference context period' : 'DocumentReference date',
            custodian ? 'DocumentReference custodian' : 'DocumentReference author',
          ),
        },
        attachment,
        text: [str(r.description), str(obj(r.type)?.text)].filter(Boolean).join('\n'),
      };
    }
    case 'DiagnosticReport': {
      const categories = JSON.stringify(r.category ?? []);
      const type: DesignatedRecordSetType = /"(LAB|laboratory)"/i.test(categories)
        ? 'lab-result'
        : /"(RAD|imaging|radiology)"/i.test(categories)
          ? 'imaging-report'
          : /"(PAT|SP|pathology)"/i.test(categories)
            ? 'pathology-report'
            : (loincType(r.code) ?? 'lab-result');
      const effective = r.effectiveDateTime ?? obj(r.effectivePeriod)?.start;
      return {
        suggestion: {
          title: str(obj(r.code)?.text) ?? codingDisplay(r.code) ?? 'Diagnostic report',
          type,
          date: isoDay(effective ?? r.issued),
          provider: display(arr(r.performer)[0]),
          basis: fhirBasis(
            'FHIR DiagnosticReport category',
            r.effectiveDateTime || r.effectivePeriod ? 'DiagnosticReport effective date' : 'DiagnosticReport issued',
            'DiagnosticReport performer',
          ),
        },
        attachment: attachmentOf(arr(r.presentedForm)[0]),
        text: [str(r.conclusion), str(obj(r.code)?.text)].filter(Boolean).join('\n'),
      };
    }
    case 'ExplanationOfBenefit': {
      const provider = display(r.provider) ?? display(r.facility);
      const totals = arr(r.total)
        .map((total) => {
          const category = obj(total.category);
          const amount = obj(total.amount);
          return `${codingDisplay(category) ?? str(category?.text) ?? 'total'}: ${str(amount?.value) ?? '?'} ${str(amount?.currency) ?? ''}`;
        })
        .join('; ');
      const billed = obj(r.billablePeriod)?.start;
      return {
        suggestion: {
          title: `Explanation of benefits${provider ? ` — ${provider}` : ''}`,
          type: 'explanation-of-benefits',
          date: isoDay(billed ?? r.created),
          provider: display(r.insurer),
          basis: fhirBasis('FHIR ExplanationOfBenefit', billed ? 'EOB billable period' : 'EOB created', 'EOB insurer'),
        },
        attachment: null,
        text: ['Explanation of benefits', provider, display(r.insurer), str(r.outcome), totals]
          .filter(Boolean)
          .join('\n'),
      };
    }
    case 'Claim': {
      const provider = display(r.provider);
      const billed = obj(r.billablePeriod)?.start;
      return {
        suggestion: {
          title: `Claim${provider ? ` — ${provider}` : ''}`,
          type: 'claim',
          date: isoDay(billed ?? r.created),
          provider: display(r.insurer),
          basis: fhirBasis('FHIR Claim', billed ? 'Claim billable period' : 'Claim created', 'Claim insurer'),
        },
        attachment: null,
        text: ['Claim', provider, display(r.insurer)].filter(Boolean).join('\n'),
      };
    }
    case 'Coverage': {
      const payor = display(arr(r.payor)[0]);
      return {
        suggestion: {
          title: `Coverage${payor ? ` — ${payor}` : ''}`,
          type: 'coverage-document',
          date: isoDay(obj(r.period)?.start),
          provider: payor,
          basis: fhirBasis('FHIR Coverage', 'Coverage period start', 'Coverage payor'),
        },
        attachment: null,
        text: ['Coverage', payor, str(r.subscriberId)].filter(Boolean).join('\n'),
      };
    }
    default:
      return null;
  }
}

/**
 * What a resource's fields stand for, as the reasons shown to the patient. A resource type is
 * sure; its dates and parties as sure as what the sender filled in.
 */
function fhirBasis(type: string | null, date: string, provider: string): SuggestionBases {
  return {
    ...(type && { type: { confidence: 0.95, reason: type } }),
    date: { confidence: 0.9, reason: `FHIR ${date}` },
    provider: { confidence: 0.85, reason: `FHIR ${provider}` },
  };
}

function loincCodings(concept: unknown): FhirObject[] {
  return codings(concept).filter((coding) => coding.system === 'http://loinc.org' && str(coding.code));
}

function loincCode(concept: unknown): string | null {
  return str(loincCodings(concept)[0]?.code);
}

function loincType(concept: unknown): DesignatedRecordSetType | null {
  for (const coding of loincCodings(concept)) {
    const mapped = LOINC_DOCUMENT_TYPES[str(coding.code)!];
    if (mapped) return mapped.type;
  }
  return null;
}

function codingDisplay(concept: unknown): string | null {
  return (
    codings(concept)
      .map((coding) => str(coding.display))
      .find(Boolean) ?? null
  );
}

function isoDay(value: unknown): string | null {
  const match = typeof value === 'string' ? value.match(/^(\d{4})-(\d{2})-(\d{2})/) : null;
  return match ? `${match[1]}-${match[2]}-${match[3]}` : null;
}

function decodeBase64(data: unknown, path: string): Buffer {
  const cleaned = typeof data === 'string' ? data.replace(/\s+/g, '') : '-';
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(cleaned) || cleaned.length % 4 !== 0) {
    throw new UnreadableFileError(`An attachment in ${titleFromFileName(path)} is not valid base64.`);
  }
  return Buffer.from(cleaned, 'base64');
}

function describeCounts(resources: FhirObject[]): string {
  const counts = new Map<string, number>();
  for (const resource of resources)
    counts.set(String(resource.resourceType), (counts.get(String(resource.resourceType)) ?? 0) + 1);
  return [...counts].map(([type, count]) => `${count} ${type}`).join(', ') || 'empty';
}
