import { XMLParser } from 'fast-xml-parser';
import type { ReadableBlock, ReadableDocument, ReadableSection } from '../../../shared/readable';
import { CcdaReadError, hl7Date } from '../import/ccda/parseCcda';

/** fast-xml-parser's ordered form: `{ tag: children[], ':@': attributes }` or `{ '#text': … }`. */
type Ordered = Record<string, unknown>;

const MAX_SECTIONS = 500;
const MAX_DEPTH = 12;

/**
 * Lays out a C-CDA document for reading: its header (patient, author, custodian, dates) and each
 * section's narrative as paragraphs, lists and tables of plain text. Links, multimedia references
 * and styles are dropped; a DTD is refused as on import.
 */
export function readableCcda(bytes: Buffer): ReadableDocument {
  const xml = bytes.toString('utf8');
  if (/<!DOCTYPE|<!ENTITY/i.test(xml)) throw new CcdaReadError('The XML document declares a DTD or entities.');
  let tree: Ordered[];
  try {
    tree = new XMLParser({
      preserveOrder: true,
      ignoreAttributes: false,
      attributeNamePrefix: '',
      removeNSPrefix: true,
      processEntities: true,
      htmlEntities: false,
      trimValues: false,
    }).parse(xml) as Ordered[];
  } catch {
    throw new CcdaReadError('The XML document is not well-formed.');
  }
  const root = find(tree, 'ClinicalDocument');
  if (!root) throw new CcdaReadError('The XML file is not a CDA ClinicalDocument.');
  const document = children(root);

  const header: { label: string; value: string }[] = [];
  const add = (label: string, value: string | null | undefined) => {
    if (value) header.push({ label, value });
  };
  const patient = path(document, ['recordTarget', 'patientRole', 'patient', 'name']);
  add('Patient', patient ? personName(patient) : null);
  add('Date of the document', hl7Date(attribute(find(document, 'effectiveTime'), 'value')));
  const service = path(document, ['documentationOf', 'serviceEvent', 'effectiveTime']);
  const from = hl7Date(attribute(find(children(service), 'low'), 'value'));
  const to = hl7Date(attribute(find(children(service), 'high'), 'value'));
  add('Date of service', from && to && from !== to ? `${from} to ${to}` : from);
  const author = path(document, ['author', 'assignedAuthor', 'assignedPerson', 'name']);
  add('Author', author ? personName(author) : null);
  add('Organization', text(path(document, ['author', 'assignedAuthor', 'representedOrganization', 'name'])));
  add(
    'Custodian',
    text(path(document, ['custodian', 'assignedCustodian', 'representedCustodianOrganization', 'name'])),
  );

  const body = path(document, ['component', 'structuredBody']);
  let count = 0;
  const readSection = (section: Ordered, depth: number): ReadableSection | null => {
    if (depth > MAX_DEPTH || ++count > MAX_SECTIONS) return null;
    const parts = children(section);
    const narrative = find(parts, 'text');
    return {
      title: text(find(parts, 'title')) ?? 'Untitled section',
      blocks: narrative ? blocksOf(children(narrative)) : [],
      sections: all(parts, 'component')
        .map((component) => find(children(component), 'section'))
        .filter((child): child is Ordered => Boolean(child))
        .map((child) => readSection(child, depth + 1))
        .filter((child): child is ReadableSection => child !== null),
    };
  };
  const sections = all(children(body), 'component')
    .map((component) => find(children(component), 'section'))
    .filter((section): section is Ordered => Boolean(section))
    .map((section) => readSection(section, 0))
    .filter((section): section is ReadableSection => section !== null);

  return { title: text(find(document, 'title')) ?? 'Clinical document', header, sections };
}

function tagOf(node: Ordered): string | null {
  return Object.keys(node).find((key) => key !== ':@') ?? null;
}

function children(node: Ordered | null | undefined): Ordered[] {
  if (!node) return [];
  const tag = tagOf(node);
  const value = tag ? node[tag] : null;
  return Array.isArray(value) ? (value as Ordered[]) : [];
}

function find(nodes: Ordered[], tag: string): Ordered | null {
  return nodes.find((node) => tagOf(node) === tag) ?? null;
}

function all(nodes: Ordered[], tag: string): Ordered[] {
  return nodes.filter((node) => tagOf(node) === tag);
}

function path(nodes: Ordered[], tags: string[]): Ordered | null {
  let current: Ordered | null = null;
  let level = nodes;
  for (const tag of tags) {
    current = find(level, tag);
    if (!current) return null;
    level = children(current);
  }
  return current;
}

function attribute(node: Ordered | null, name: string): string | null {
  const attributes = node?.[':@'] as Record<string, unknown> | undefined;
  const value = attributes?.[name];
  return typeof value === 'string' ? value : null;
}

/** All the text inside a node, in order, with line breaks for <br/>. */
function text(node: Ordered | null): string | null {
  if (!node) return null;
  const collected = flatText(children(node))
    .replace(/[ \t\r\n]+/g, ' ')
    .trim();
  return collected || null;
}

function flatText(nodes: Ordered[]): string {
  let out = '';
  for (const node of nodes) {
    const tag = tagOf(node);
    if (tag === '#text') out += String(node['#text']);
    else if (tag === 'br') out += ' ';
    else if (tag && tag !== 'renderMultiMedia' && tag !== 'footnoteRef') out += ` ${flatText(children(node))} `;
  }
  return out;
}

function personName(name: Ordered): string | null {
  const parts = children(name);
  const given = all(parts, 'given')
    .map((node) => text(node))
    .filter(Boolean);
  const family = all(parts, 'family')
    .map((node) => text(node))
    .filter(Boolean);
  return [...given, ...family].join(' ') || text(name);
}

/** A section's narrative block as paragraphs, lists and tables; loose text becomes a paragraph. */
function blocksOf(nodes: Ordered[]): ReadableBlock[] {
  const blocks: ReadableBlock[] = [];
  let loose = '';
  const flush = () => {
    const cleaned = loose.replace(/[ \t\r\n]+/g, ' ').trim();
    if (cleaned) blocks.push({ kind: 'paragraph', text: cleaned });
    loose = '';
  };
  for (const node of nodes) {
    const tag = tagOf(node);
    if (tag === 'paragraph') {
      flush();
      const paragraph = text(node);
      if (paragraph) blocks.push({ kind: 'paragraph', text: paragraph });
    } else if (tag === 'list') {
      flush();
      const items = all(children(node), 'item')
        .map((item) => text(item))
        .filter((item): item is string => Boolean(item));
      if (items.length) blocks.push({ kind: 'list', ordered: attribute(node, 'listType') === 'ordered', items });
    } else if (tag === 'table') {
      flush();
      blocks.push(tableOf(node));
    } else if (tag === '#text') loose += String(node['#text']);
    else if (tag === 'br') loose += ' ';
    else if (tag && tag !== 'renderMultiMedia' && tag !== 'footnoteRef') loose += ` ${flatText(children(node))} `;
  }
  flush();
  return blocks;
}

function tableOf(table: Ordered): ReadableBlock {
  const parts = children(table);
  const rowsOf = (nodes: Ordered[]) =>
    all(nodes, 'tr').map((row) =>
      children(row)
        .filter((cell) => tagOf(cell) === 'td' || tagOf(cell) === 'th')
        .map((cell) => text(cell) ?? ''),
    );
  const headRows = rowsOf(children(find(parts, 'thead')));
  const bodyRows = [...all(parts, 'tbody').flatMap((tbody) => rowsOf(children(tbody))), ...rowsOf(parts)];
  return {
    kind: 'table',
    caption: text(find(parts, 'caption')),
    header: headRows[0] ?? [],
    rows: bodyRows.slice(0, 5_000),
  };
}
