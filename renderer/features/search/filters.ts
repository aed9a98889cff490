import type { DocumentFilter } from '../../../shared/documents';
import { categoryOf, type DesignatedRecordSetType, type RecordCategory } from '../../../shared/recordSet';

/** What the sidebar and the toolbar select; '' means "any". */
export interface LibraryFilters {
  category: RecordCategory | null;
  type: DesignatedRecordSetType | '';
  from: string;
  to: string;
  provider: string;
  tag: string;
  /** Full-text search, as debounced from the search box. */
  text: string;
  /** The "Needs review" view: documents whose suggested type or date is unsure. */
  needsReview: boolean;
}

export const NO_FILTERS: LibraryFilters = {
  category: null,
  type: '',
  from: '',
  to: '',
  provider: '',
  tag: '',
  text: '',
  needsReview: false,
};

export function toDocumentFilter(filters: LibraryFilters): DocumentFilter {
  const filter: DocumentFilter = {};
  if (filters.category) filter.category = filters.category;
  if (filters.type) filter.type = filters.type;
  if (filters.from) filter.from = filters.from;
  if (filters.to) filter.to = filters.to;
  if (filters.provider) filter.provider = filters.provider;
  if (filters.tag) filter.tag = filters.tag;
  const text = filters.text.trim();
  if (text) filter.text = text.slice(0, 500);
  if (filters.needsReview) filter.needsReview = true;
  return filter;
}

/** True when the toolbar narrows the list (the sidebar's category is navigation, not a filter). */
export function hasToolbarFilters(filters: LibraryFilters): boolean {
  return Boolean(filters.type || filters.from || filters.to || filters.provider || filters.tag || filters.text.trim());
}

/** Clears the toolbar, keeps the sidebar's choice (a category, or the review view). */
export function clearToolbarFilters(filters: LibraryFilters): LibraryFilters {
  return { ...NO_FILTERS, category: filters.category, needsReview: filters.needsReview };
}

/** Choosing a category (or all documents) leaves the review view and drops a type that cannot be in it. */
export function withCategory(filters: LibraryFilters, category: RecordCategory | null): LibraryFilters {
  const type = filters.type && category && categoryOf(filters.type) !== category ? '' : filters.type;
  return { ...filters, category, type, needsReview: false };
}

/** The sidebar's "Needs review": every category, only the documents to check. */
export function withNeedsReview(filters: LibraryFilters): LibraryFilters {
  return { ...filters, category: null, needsReview: true };
}

/** Choosing a type moves the sidebar to its category when another one was selected. */
export function withType(filters: LibraryFilters, type: DesignatedRecordSetType | ''): LibraryFilters {
  const category =
    type && filters.category && categoryOf(type) !== filters.category ? categoryOf(type) : filters.category;
  return { ...filters, type, category };
}
