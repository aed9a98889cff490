/**
 * A clinical document (C-CDA today) as plain, structured text the UI lays out itself: no markup
 * from the document ever reaches the page, so nothing in it can run or load.
 */
export type ReadableBlock =
  | { kind: 'paragraph'; text: string }
  | { kind: 'list'; ordered: boolean; items: string[] }
  | { kind: 'table'; caption: string | null; header: string[]; rows: string[][] };

export interface ReadableSection {
  title: string;
  blocks: ReadableBlock[];
  sections: ReadableSection[];
}

export interface ReadableDocument {
  title: string;
  header: { label: string; value: string }[];
  sections: ReadableSection[];
}
