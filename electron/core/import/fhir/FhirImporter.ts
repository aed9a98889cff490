import type { SuggestionBases } from '../../../../shared/documents';
import type { DesignatedRecordSetType } from '../../../../shared/recordSet';
import type { DocumentSuggestion } from '../../documents/repository';
import { LOINC_DOCUMENT_TYPES } from '../ccda/documentTypes';
import { titleFromFileName } from '../files/suggest';
import type { PdfTextExtractor } from '../pdf/PdfTextExtractor';
import { UnreadableFileError, type FileOutcome, type FoundFile, type ImportContext, type Importer } from '../types';
import { FHIR_LIMITS, parseFhirJson, tooLarge, tooManyResources } from './fhirJson';
import { partOf } from '../fileInMemory';

const FHIR_MEDIA_TYPE = 'application/fhir+json';

type Resource = Record<string, unknown> & { resourceType?: unknown };

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
      .filter((item): item is { resource: Resource; derived: Derived } => item.derived !== null)
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
function patientIdentity(patient: Resource): [string | null, string | null] {
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  const p = patient as any;
  const names: { use?: string; text?: string; given?: unknown[]; family?: unknown }[] = Array.isArray(p.name)
    ? p.name
    : [];
  const name = names.find((n) => n?.use === 'official') ?? names[0];
  const parts = [...(Array.isArray(name?.given) ? name.given : []), name?.family].filter(
    (part): part is string => typeof part === 'string' && part.trim() !== '',
  );
  const fullName = parts.join(' ').trim() || (typeof name?.text === 'string' ? name.text.trim() : '') || null;
  const identifiers: { system?: string; value?: unknown; type?: { coding?: { code?: string }[] } }[] = Array.isArray(
    p.identifier,
  )
    ? p.identifier
    : [];
  const usable = identifiers.filter(
    (id) => typeof id?.value === 'string' && id.value.trim() && id.system !== SSN_SYSTEM,
  );
  const record = usable.find((id) => id.type?.coding?.some((coding) => coding?.code === 'MR')) ?? usable[0];
  return [fullName, record ? String(record.value).trim() : null];
}

function parseResources(bytes: Buffer, path: string): Resource[] {
  const values = parseFhirJson(bytes.toString('utf8'), /\.ndjson$/i.test(path));
  const resources: Resource[] = [];
  for (const value of values) {
    const resource = value as Resource;
    if (!resource || typeof resource !== 'object' || typeof resource.resourceType !== 'string') {
      throw new UnreadableFileError('The JSON file is not a FHIR resource.');
    }
    if (resource.resourceType === 'Bundle') {
      for (const entry of (resource.entry as { resource?: Resource }[] | undefined) ?? []) {
        if (entry?.resource && typeof entry.resource.resourceType === 'string') resources.push(entry.resource);
      }
    } else resources.push(resource);
    const many = tooManyResources(resources.length);
    if (many) throw new UnreadableFileError(many);
  }
  return resources;
}

interface Attachment {
  contentType?: string;
  data?: string;
  url?: string;
  title?: string;
}

interface Total {
  category?: { text?: string };
  amount?: { value?: number; currency?: string };
}

interface Derived {
  suggestion: DocumentSuggestion;
  attachment: Attachment | null;
  text: string;
}

/** The document a resource stands for, if it is one of the record kinds the patient keeps. */
function derive(resource: Resource): Derived | null {
  // FHIR resources are read field by field, each optional: a loose shape, checked where used.
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  const r = resource as Record<string, any>;
  switch (resource.resourceType) {
    case 'DocumentReference': {
      const attachment: Attachment | null = r.content?.[0]?.attachment ?? null;
      const type = loincType(r.type) ?? 'other-record';
      return {
        suggestion: {
          title: r.description ?? attachment?.title ?? r.type?.text ?? codingDisplay(r.type) ?? 'Document',
          type,
          date: isoDay(r.context?.period?.start ?? r.date),
          provider: r.custodian?.display ?? r.author?.[0]?.display ?? null,
          basis: fhirBasis(
            loincType(r.type) ? `FHIR DocumentReference, LOINC ${loincCode(r.type)}` : null,
            r.context?.period?.start ? 'DocumentReference context period' : 'DocumentReference date',
            r.custodian?.display ? 'DocumentReference custodian' : 'DocumentReference author',
          ),
        },
        attachment,
        text: [r.description, r.type?.text].filter(Boolean).join('\n'),
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
      return {
        suggestion: {
          title: r.code?.text ?? codingDisplay(r.code) ?? 'Diagnostic report',
          type,
          date: isoDay(r.effectiveDateTime ?? r.effectivePeriod?.start ?? r.issued),
          provider: r.performer?.[0]?.display ?? null,
          basis: fhirBasis(
            'FHIR DiagnosticReport category',
            r.effectiveDateTime || r.effectivePeriod ? 'DiagnosticReport effective date' : 'DiagnosticReport issued',
            'DiagnosticReport performer',
          ),
        },
        attachment: r.presentedForm?.[0] ?? null,
        text: [r.conclusion, r.code?.text].filter(Boolean).join('\n'),
      };
    }
    case 'ExplanationOfBenefit': {
      const provider = r.provider?.display ?? r.facility?.display ?? null;
      const totals = (r.total ?? [])
        .map(
          (t: Total) =>
            `${codingDisplay(t.category) ?? t.category?.text ?? 'total'}: ${t.amount?.value ?? '?'} ${t.amount?.currency ?? ''}`,
        )
        .join('; ');
      return {
        suggestion: {
          title: `Explanation of benefits${provider ? ` — ${provider}` : ''}`,
          type: 'explanation-of-benefits',
          date: isoDay(r.billablePeriod?.start ?? r.created),
          provider: r.insurer?.display ?? null,
          basis: fhirBasis(
            'FHIR ExplanationOfBenefit',
            r.billablePeriod?.start ? 'EOB billable period' : 'EOB created',
            'EOB insurer',
          ),
        },
        attachment: null,
        text: ['Explanation of benefits', provider, r.insurer?.display, r.outcome, totals].filter(Boolean).join('\n'),
      };
    }
    case 'Claim':
      return {
        suggestion: {
          title: `Claim${r.provider?.display ? ` — ${r.provider.display}` : ''}`,
          type: 'claim',
          date: isoDay(r.billablePeriod?.start ?? r.created),
          provider: r.insurer?.display ?? null,
          basis: fhirBasis(
            'FHIR Claim',
            r.billablePeriod?.start ? 'Claim billable period' : 'Claim created',
            'Claim insurer',
          ),
        },
        attachment: null,
        text: ['Claim', r.provider?.display, r.insurer?.display].filter(Boolean).join('\n'),
      };
    case 'Coverage':
      return {
        suggestion: {
          title: `Coverage${r.payor?.[0]?.display ? ` — ${r.payor[0].display}` : ''}`,
          type: 'coverage-document',
          date: isoDay(r.period?.start),
          provider: r.payor?.[0]?.display ?? null,
          basis: fhirBasis('FHIR Coverage', 'Coverage period start', 'Coverage payor'),
        },
        attachment: null,
        text: ['Coverage', r.payor?.[0]?.display, r.subscriberId].filter(Boolean).join('\n'),
      };
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

function loincCode(concept: unknown): string | null {
  const codings = (concept as { coding?: { system?: string; code?: string }[] } | undefined)?.coding ?? [];
  return codings.find((coding) => coding.system === 'http://loinc.org' && coding.code)?.code ?? null;
}

function loincType(concept: unknown): DesignatedRecordSetType | null {
  const codings = ((concept as { coding?: { system?: string; code?: string }[] } | undefined)?.coding ?? []).filter(
    (coding) => coding.system === 'http://loinc.org' && coding.code,
  );
  for (const coding of codings) {
    const mapped = LOINC_DOCUMENT_TYPES[coding.code!];
    if (mapped) return mapped.type;
  }
  return null;
}

function codingDisplay(concept: unknown): string | null {
  const coding = (concept as { coding?: { display?: string }[] } | undefined)?.coding?.find((c) => c.display);
  return coding?.display ?? null;
}

function isoDay(value: unknown): string | null {
  const match = typeof value === 'string' ? value.match(/^(\d{4})-(\d{2})-(\d{2})/) : null;
  return match ? `${match[1]}-${match[2]}-${match[3]}` : null;
}

function decodeBase64(data: string, path: string): Buffer {
  const cleaned = data.replace(/\s+/g, '');
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(cleaned) || cleaned.length % 4 !== 0) {
    throw new UnreadableFileError(`An attachment in ${titleFromFileName(path)} is not valid base64.`);
  }
  return Buffer.from(cleaned, 'base64');
}

function describeCounts(resources: Resource[]): string {
  const counts = new Map<string, number>();
  for (const resource of resources)
    counts.set(String(resource.resourceType), (counts.get(String(resource.resourceType)) ?? 0) + 1);
  return [...counts].map(([type, count]) => `${count} ${type}`).join(', ') || 'empty';
}
