import type { DocumentEdit, VaultDocument } from '../../../shared/documents';
import { isIsoDate } from '../../../shared/documents';
import type { DesignatedRecordSetType } from '../../../shared/recordSet';
import { MAX_TITLE_LENGTH } from '../../../shared/limits';

/** The editable fields as the form holds them: strings, '' for unknown. */
export interface DocumentDraft {
  title: string;
  type: DesignatedRecordSetType;
  date: string;
  provider: string;
  tags: string[];
}

export const MAX_TITLE = MAX_TITLE_LENGTH;
export const MAX_PROVIDER = 200;
export const MAX_TAG = 64;

export function draftOf(document: VaultDocument): DocumentDraft {
  return {
    title: document.title,
    type: document.type,
    date: document.date ?? '',
    provider: document.provider ?? '',
    tags: [...document.tags],
  };
}

/** Trims and collapses whitespace: "  blood   work " → "blood work". */
export function normaliseTag(input: string): string {
  return input.trim().replace(/\s+/g, ' ').slice(0, MAX_TAG);
}

/** Adds a tag unless it is empty or already there (compared without case). */
export function addTag(tags: string[], input: string): string[] {
  const tag = normaliseTag(input);
  if (!tag) return tags;
  if (tags.some((existing) => existing.toLowerCase() === tag.toLowerCase())) return tags;
  return [...tags, tag];
}

export function removeTag(tags: string[], tag: string): string[] {
  return tags.filter((existing) => existing !== tag);
}

/** A sentence saying what is wrong with the draft, or null. */
export function draftProblem(draft: DocumentDraft): string | null {
  if (!draft.title.trim()) return 'The title cannot be empty.';
  if (draft.title.trim().length > MAX_TITLE) return `The title can have at most ${MAX_TITLE} characters.`;
  if (draft.date && !isIsoDate(draft.date)) return 'The date is not a valid date.';
  if (draft.provider.trim().length > MAX_PROVIDER) return `The provider can have at most ${MAX_PROVIDER} characters.`;
  return null;
}

/** Only what changed, in the shape editDocument takes. */
export function editFromDraft(document: VaultDocument, draft: DocumentDraft): DocumentEdit {
  const edit: DocumentEdit = {};
  const title = draft.title.trim();
  if (title !== document.title) edit.title = title;
  if (draft.type !== document.type) edit.type = draft.type;
  const date = draft.date || null;
  if (date !== document.date) edit.date = date;
  const provider = draft.provider.trim() || null;
  if (provider !== document.provider) edit.provider = provider;
  const addTags = draft.tags.filter((tag) => !document.tags.includes(tag));
  const removeTags = document.tags.filter((tag) => !draft.tags.includes(tag));
  if (addTags.length) edit.addTags = addTags;
  if (removeTags.length) edit.removeTags = removeTags;
  return edit;
}

export function isEmptyEdit(edit: DocumentEdit): boolean {
  return Object.keys(edit).length === 0;
}
