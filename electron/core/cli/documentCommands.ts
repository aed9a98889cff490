/** `medvault list`, `show` and `tag`: finding documents and correcting what was filed. */
import type {
  DocumentDetails,
  DocumentEdit,
  DocumentFilter,
  SuggestionBasis,
  VaultDocument,
} from '../../../shared/documents';
import { isIsoDate } from '../../../shared/documents';
import { RECORD_TYPES, isRecordCategory, isRecordType } from '../../../shared/recordSet';
import { MedvaultError } from '../errors';
import { editDocument, getDocument, listDocuments } from '../usecases/documents';
import type { Vault } from '../usecases/vaults';
import { EXIT, type Io, type Values } from './options';

export function filterFrom(values: Values): DocumentFilter {
  const filter: DocumentFilter = {};
  if (values.category !== undefined) {
    if (!isRecordCategory(values.category))
      throw new MedvaultError('invalid-argument', `"${values.category}" is not a category.`);
    filter.category = values.category;
  }
  if (values.type !== undefined) filter.type = recordType(values.type);
  for (const key of ['from', 'to'] as const) {
    const value = values[key];
    if (value !== undefined) {
      if (!isIsoDate(value))
        throw new MedvaultError('invalid-argument', `--${key} needs a date in the form YYYY-MM-DD.`);
      filter[key] = value;
    }
  }
  if (values.provider !== undefined) filter.provider = values.provider;
  if (values.tag !== undefined) filter.tag = values.tag;
  if (values.text !== undefined) filter.text = values.text;
  if (values['needs-review']) filter.needsReview = true;
  return filter;
}

function recordType(value: string) {
  if (!isRecordType(value)) {
    throw new MedvaultError(
      'invalid-argument',
      `"${value}" is not a record type (one of: ${RECORD_TYPES.join(', ')}).`,
    );
  }
  return value;
}

export async function list(vault: Vault, filter: DocumentFilter, values: Values, io: Io): Promise<number> {
  const documents = await listDocuments(vault, filter);
  if (values.json) {
    io.out(JSON.stringify(documents));
    return EXIT.ok;
  }
  if (documents.length === 0) {
    io.out('No documents match.');
    return EXIT.ok;
  }
  const rows = documents.map((d) => [
    d.id,
    d.date ?? '—',
    d.needsReview ? `${d.type}?` : d.type,
    d.title,
    d.provider ?? '',
    d.tags.join(', '),
  ]);
  io.out(table(['ID', 'DATE', 'TYPE', 'TITLE', 'PROVIDER', 'TAGS'], rows));
  const unsure = documents.filter((d) => d.needsReview).length;
  if (unsure > 0)
    io.out(`\n? ${unsure} need${unsure === 1 ? 's' : ''} review: see "medvault show ID", then "medvault tag ID".`);
  return EXIT.ok;
}

function table(header: string[], rows: string[][]): string {
  const widths = header.map((title, column) =>
    Math.min(48, Math.max(title.length, ...rows.map((row) => row[column]!.length))),
  );
  const line = (cells: string[]) =>
    cells
      .map((cell, column) =>
        cell.length > widths[column]! ? `${cell.slice(0, widths[column]! - 1)}…` : cell.padEnd(widths[column]!),
      )
      .join('  ')
      .trimEnd();
  return [line(header), ...rows.map(line)].join('\n');
}

export async function show(vault: Vault, id: string, values: Values, io: Io): Promise<number> {
  const document = await getDocument(vault, id);
  if (values.json) {
    io.out(JSON.stringify(document));
    return EXIT.ok;
  }
  io.out(describeDocument(document));
  return EXIT.ok;
}

function describeDocument(d: DocumentDetails): string {
  const lines = [
    `${d.title}`,
    `  id:         ${d.id}`,
    `  type:       ${d.type} (${d.category})${why(d.suggested.type)}`,
    `  date:       ${d.date ?? 'unknown'}${why(d.suggested.date)}`,
    `  provider:   ${d.provider ?? 'unknown'}${why(d.suggested.provider)}`,
    `  tags:       ${d.tags.join(', ') || 'none'}`,
    `  source:     ${d.source.kind}: ${d.source.path}`,
    `  media type: ${d.mediaType}, ${d.bytes} bytes`,
    `  imported:   ${d.importedAt}`,
  ];
  if (d.editedFields.length) lines.push(`  edited:     ${d.editedFields.join(', ')}`);
  if (d.needsReview)
    lines.push('  review:     needed — check the type and date ("medvault tag ID --reviewed" if right)');
  if (d.files.length > 1) lines.push(`  files:      ${d.files.length}`);
  if (d.textExcerpt) lines.push('', `  ${d.textExcerpt.replace(/\s+/g, ' ').slice(0, 300)}…`);
  return lines.join('\n');
}

/** How sure the suggestion is and what it went by, after the value. */
function why(basis: SuggestionBasis | undefined): string {
  return basis ? `  — suggested, ${Math.round(basis.confidence * 100)}%: ${basis.reason}` : '';
}

export function editFrom(values: Values): DocumentEdit {
  const edit: DocumentEdit = {};
  if (values.type !== undefined) edit.type = recordType(values.type);
  if (values.date !== undefined) {
    if (values.date === 'unknown' || values.date === '') edit.date = null;
    else if (isIsoDate(values.date)) edit.date = values.date;
    else throw new MedvaultError('invalid-argument', '--date needs a date in the form YYYY-MM-DD (or "unknown").');
  }
  if (values.provider !== undefined) edit.provider = values.provider || null;
  if (values.title !== undefined) edit.title = values.title;
  if (values['add-tag']) edit.addTags = values['add-tag'];
  if (values['remove-tag']) edit.removeTags = values['remove-tag'];
  if (values.reviewed) edit.reviewed = true;
  if (Object.keys(edit).length === 0) {
    throw new MedvaultError(
      'invalid-argument',
      'Nothing to change: give --type, --date, --provider, --title, --add-tag, --remove-tag or --reviewed.',
    );
  }
  return edit;
}

export async function tag(vault: Vault, id: string, edit: DocumentEdit, values: Values, io: Io): Promise<number> {
  const document: VaultDocument = await editDocument(vault, id, edit);
  io.out(
    values.json
      ? JSON.stringify(document)
      : `Updated ${document.id}: ${document.title} (${document.type}, ${document.date ?? 'date unknown'}).`,
  );
  return EXIT.ok;
}
