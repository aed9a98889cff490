import { readFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { XMLParser } from 'fast-xml-parser';
import type { DocumentSuggestion } from '../../documents/repository';
import { LOINC_DOCUMENT_TYPES } from '../ccda/documentTypes';
import { hl7Date } from '../ccda/parseCcda';
import type { FoundFile, ImportPlan, Importer } from '../types';

const CLASS_CODE = 'urn:uuid:41a5887f-8865-4c09-adf7-e362475b143a';
const TYPE_CODE = 'urn:uuid:f0306f51-975f-434e-a61c-c59651d33983';
const MAX_METADATA_BYTES = 16 * 1024 * 1024;

/**
 * IHE XDM packages (a portal's "download my record" zip, a USB export): `IHE_XDM/SUBSETnn/
 * METADATA.XML` describes each document of its folder — title, class and type codes, creation
 * and service times, author institution. That description is the best source for filing the
 * documents, so it is handed to whichever importer reads each file. The package's own files
 * (METADATA.XML, INDEX.HTM, README.TXT) are not records and are skipped.
 */
export class XdmPlanner implements Importer {
  readonly name = 'xdm';

  accepts(): boolean {
    return false; // it reads no file itself: it plans
  }

  async importFile(): Promise<never> {
    throw new Error('XdmPlanner does not import files');
  }

  async plan(files: readonly FoundFile[]): Promise<ImportPlan> {
    const plan: ImportPlan = { skip: [], failed: [], disc: false, suggestions: new Map() };
    const byPath = new Map(files.map((file) => [file.path.toLowerCase(), file]));
    const metadataFiles = files.filter(
      (file) =>
        basename(file.path).toUpperCase() === 'METADATA.XML' && /[\\/]IHE_XDM[\\/][^\\/]+$/i.test(dirname(file.path)),
    );
    // The package's index and readme sit next to IHE_XDM/.
    const packageRoots = new Set(metadataFiles.map((file) => dirname(dirname(dirname(file.path)))));
    for (const file of files) {
      const name = basename(file.path).toUpperCase();
      if ((name === 'INDEX.HTM' || name === 'README.TXT') && packageRoots.has(dirname(file.path))) plan.skip.push(file);
    }
    for (const file of metadataFiles) {
      plan.skip.push(file);
      try {
        const xml = await readText(file);
        for (const entry of parseMetadata(xml)) {
          const target = byPath.get(join(dirname(file.path), entry.uri).toLowerCase());
          if (target) plan.suggestions!.set(target.path, entry.suggestion);
        }
      } catch (error) {
        plan.failed.push({
          path: file.path,
          reason: `The XDM metadata could not be read (${(error as Error).message}); its documents were filed from their own contents.`,
        });
      }
    }
    return plan;
  }
}

async function readText(file: FoundFile): Promise<string> {
  if (file.bytes > MAX_METADATA_BYTES) throw new Error('it is implausibly large');
  if (!file.content) return readFile(file.path, 'utf8');
  const parts: Buffer[] = [];
  for await (const chunk of file.content.chunks()) parts.push(chunk);
  return Buffer.concat(parts).toString('utf8');
}

type Node = Record<string, unknown>;

const list = (value: unknown): Node[] => (Array.isArray(value) ? value : value ? [value] : []) as Node[];

/** The XDS metadata of each document: its URI within the subset, and what to file it as. */
export function parseMetadata(xml: string): { uri: string; suggestion: Partial<DocumentSuggestion> }[] {
  if (/<!DOCTYPE|<!ENTITY/i.test(xml)) throw new Error('it declares a DTD or entities');
  const parsed = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '@', removeNSPrefix: true }).parse(
    xml,
  ) as Node;
  const objects: Node[] = [];
  const walk = (node: unknown, depth: number) => {
    if (depth > 8 || !node || typeof node !== 'object') return;
    for (const [key, value] of Object.entries(node as Node)) {
      if (key === 'ExtrinsicObject') objects.push(...list(value));
      else if (typeof value === 'object') walk(value, depth + 1);
    }
  };
  walk(parsed, 0);
  return objects.flatMap((object) => {
    const slots = new Map(
      list(object.Slot).map((slot) => [
        String(slot['@name']),
        list((slot.ValueList as Node | undefined)?.Value).map(String),
      ]),
    );
    const uri = slots.get('URI')?.[0];
    if (!uri || uri.includes('..') || uri.includes('/') || uri.includes('\\')) return [];
    const classifications = list(object.Classification);
    const code = (scheme: string) =>
      classifications.find((c) => c['@classificationScheme'] === scheme)?.['@nodeRepresentation'] as string | undefined;
    const loinc = code(TYPE_CODE) ?? code(CLASS_CODE);
    const title =
      (list((object.Name as Node | undefined)?.LocalizedString)[0]?.['@value'] as string | undefined) ?? null;
    const institution = classifications
      .flatMap((c) => list(c.Slot))
      .find((slot) => slot['@name'] === 'authorInstitution');
    const institutionName =
      list((institution?.ValueList as Node | undefined)?.Value)
        .map(String)[0]
        ?.split('^')[0] ?? null;
    const suggestion: Partial<DocumentSuggestion> = { basis: {} };
    if (title) suggestion.title = title;
    if (loinc && LOINC_DOCUMENT_TYPES[loinc]) {
      suggestion.type = LOINC_DOCUMENT_TYPES[loinc].type;
      suggestion.basis!.type = { confidence: 0.95, reason: `XDS type code, LOINC ${loinc}` };
    }
    const serviceDate = hl7Date(slots.get('serviceStartTime')?.[0]);
    const date = serviceDate ?? hl7Date(slots.get('creationTime')?.[0]);
    if (date) {
      suggestion.date = date;
      suggestion.basis!.date = {
        confidence: 0.9,
        reason: `XDS ${serviceDate ? 'service start time' : 'creation time'}`,
      };
    }
    if (institutionName) {
      suggestion.provider = institutionName;
      suggestion.basis!.provider = { confidence: 0.85, reason: 'XDS author institution' };
    }
    return [{ uri, suggestion }];
  });
}
