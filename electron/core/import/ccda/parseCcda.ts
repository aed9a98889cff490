import { XMLParser } from 'fast-xml-parser';
import { isIsoDate } from '../../../../shared/documents';
import type { DesignatedRecordSetType } from '../../../../shared/recordSet';
import { LOINC_DOCUMENT_TYPES } from './documentTypes';

/** What a C-CDA / CDA R2 document says about itself, for filing it. */
export interface CcdaDocument {
  title: string | null;
  loinc: string | null;
  type: DesignatedRecordSetType | null;
  /** The date of service (serviceEvent), else the document's own date; a care summary's own date. */
  date: string | null;
  dateSource: 'service event' | 'document date' | null;
  /** The custodian organisation, else the author's organisation. */
  provider: string | null;
  providerSource: 'custodian' | 'author organisation' | null;
  patientName: string | null;
  /** The patient's record number: the first id with an extension that is not a Social Security number. */
  patientId: string | null;
  /** The narrative of every section, for search. */
  text: string;
  /** A nonXMLBody's embedded PDF. */
  embeddedPdf: Buffer | null;
}

export class CcdaReadError extends Error {}

const MAX_XML_BYTES = 32 * 1024 * 1024;

/** A CDA document: an HL7 v3 ClinicalDocument root, judged from the file's start. */
export function looksLikeCda(head: Buffer): boolean {
  const text = head.toString('utf8');
  return /<(\w+:)?ClinicalDocument[\s>]/.test(text) && text.includes('urn:hl7-org:v3');
}

type Node = Record<string, unknown>;

/**
 * Reads the header (and the narrative, for search) of a CDA document. A document type
 * declaration is refused outright: CDA never needs one, and it is how external entities (XXE)
 * and entity expansion ("billion laughs") get in.
 */
export function parseCcda(bytes: Buffer): CcdaDocument {
  if (bytes.length > MAX_XML_BYTES) throw new CcdaReadError('The XML document is implausibly large (over 32 MiB).');
  const xml = bytes.toString('utf8');
  if (/<!DOCTYPE|<!ENTITY/i.test(xml)) {
    throw new CcdaReadError('The XML document declares a DTD or entities, which Medvault refuses to read (XXE).');
  }
  let root: Node;
  try {
    const parsed = new XMLParser({
      ignoreAttributes: false,
      attributeNamePrefix: '@',
      removeNSPrefix: true,
      processEntities: true, // only XML's predefined entities: there is no DTD to define others
      htmlEntities: false,
      isArray: (name) => name === 'component' || name === 'author' || name === 'documentationOf' || name === 'name',
    }).parse(xml) as Node;
    root = parsed.ClinicalDocument as Node;
  } catch (error) {
    throw new CcdaReadError(`The XML document is not well-formed (${String((error as Error).message).slice(0, 120)}).`);
  }
  if (!root || typeof root !== 'object') throw new CcdaReadError('The XML file is not a CDA ClinicalDocument.');

  const loinc = attr(child(root, 'code'), 'code');
  const mapped = loinc ? LOINC_DOCUMENT_TYPES[loinc] : undefined;
  const serviceTime = child(first(child(first(root.documentationOf), 'serviceEvent')), 'effectiveTime');
  const documentDate = hl7Date(attr(child(root, 'effectiveTime'), 'value'));
  const serviceDate = hl7Date(attr(child(serviceTime, 'low'), 'value') ?? attr(serviceTime, 'value'));
  // A summary of care covers years (a CCD's service event may start at birth): its own date is
  // the one that tells it apart. Other documents are dated by the service they record.
  const date = mapped?.type === 'care-summary' ? (documentDate ?? serviceDate) : (serviceDate ?? documentDate);
  const dateSource =
    date === null ? null : date === serviceDate && mapped?.type !== 'care-summary' ? 'service event' : 'document date';
  const custodian = child(child(child(root, 'custodian'), 'assignedCustodian'), 'representedCustodianOrganization');
  const authorOrganization = child(child(first(root.author), 'assignedAuthor'), 'representedOrganization');
  const custodianName = nameText(child(custodian, 'name'));
  const provider = custodianName ?? nameText(child(authorOrganization, 'name'));
  const patientRole = child(child(root, 'recordTarget'), 'patientRole');
  const patient = child(patientRole, 'patient');

  const nonXmlText = child(child(child(root, 'component'), 'nonXMLBody'), 'text');
  let embeddedPdf: Buffer | null = null;
  if (
    nonXmlText &&
    attr(nonXmlText, 'mediaType') === 'application/pdf' &&
    attr(nonXmlText, 'representation') === 'B64'
  ) {
    const base64 = String(textOf(nonXmlText) ?? '').replace(/\s+/g, '');
    if (!/^[A-Za-z0-9+/]*={0,2}$/.test(base64))
      throw new CcdaReadError('The PDF embedded in the document is not valid base64.');
    embeddedPdf = Buffer.from(base64, 'base64');
    if (!embeddedPdf.subarray(0, 1024).includes('%PDF-'))
      throw new CcdaReadError('The file embedded in the document is not a PDF.');
  }

  return {
    title: nameText(child(root, 'title')),
    loinc: loinc ?? null,
    type: mapped?.type ?? null,
    date,
    dateSource,
    provider,
    providerSource: provider === null ? null : provider === custodianName ? 'custodian' : 'author organisation',
    patientName: personName(first(child(patient, 'name'))),
    patientId: recordNumber(patientRole),
    text: narrative(xml),
    embeddedPdf,
  };
}

function child(node: unknown, name: string): Node | undefined {
  if (!node || typeof node !== 'object') return undefined;
  const value = (node as Node)[name];
  return (Array.isArray(value) ? value[0] : value) as Node | undefined;
}

function first(value: unknown): Node | undefined {
  return (Array.isArray(value) ? value[0] : value) as Node | undefined;
}

function attr(node: Node | undefined, name: string): string | undefined {
  const value = node?.[`@${name}`];
  return typeof value === 'string' ? value : undefined;
}

function textOf(node: unknown): string | null {
  if (typeof node === 'string' || typeof node === 'number') return String(node);
  if (node && typeof node === 'object' && '#text' in (node as Node)) return String((node as Node)['#text']);
  return null;
}

function nameText(node: unknown): string | null {
  const text = textOf(first(node))?.replace(/\s+/g, ' ').trim();
  return text || null;
}

/** US Social Security numbers (HL7's OID for them): never shown in an import report. */
const SSN_ROOT = '2.16.840.1.113883.4.1';

function recordNumber(patientRole: Node | undefined): string | null {
  const ids = patientRole?.id;
  for (const id of (Array.isArray(ids) ? ids : [ids]) as (Node | undefined)[]) {
    const extension = attr(id, 'extension')?.trim();
    if (extension && attr(id, 'root') !== SSN_ROOT) return extension;
  }
  return null;
}

function personName(name: Node | undefined): string | null {
  if (!name) return null;
  const parts = (key: string) => {
    const value = name[key];
    return (Array.isArray(value) ? value : [value])
      .filter((part) => attr(part as Node, 'qualifier') !== 'CL') // a "call me" name, not the legal one
      .map(textOf)
      .filter(Boolean) as string[];
  };
  const full = [...parts('given'), ...parts('family')].join(' ').trim();
  return full || null;
}

/** HL7 TS `20141112` or `201411122325-0500` → `2014-11-12`. */
export function hl7Date(value: string | undefined | null): string | null {
  const match = value?.match(/^(\d{4})(\d{2})(\d{2})/);
  if (!match) return null;
  const date = `${match[1]}-${match[2]}-${match[3]}`;
  return isIsoDate(date) ? date : null;
}

/** The text of the document's sections, tags dropped, for the search index only. */
function narrative(xml: string): string {
  const body = xml.match(/<(\w+:)?structuredBody[\s>][\s\S]*<\/(\w+:)?structuredBody>/)?.[0] ?? '';
  return body
    .replace(/<[^>]+>/g, ' ')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&apos;/g, "'")
    .replace(/&amp;/g, '&')
    .replace(/\s+/g, ' ')
    .trim()
    .slice(0, 2_000_000);
}
