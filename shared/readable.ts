/**
 * A clinical or billing document (C-CDA, FHIR) as plain, structured text the UI lays out itself:
 * no markup from the document ever reaches the page, so nothing in it can run or load.
 */
export type ReadableBlock =
  | { kind: 'paragraph'; text: string }
  | { kind: 'list'; ordered: boolean; items: string[] }
  | {
      kind: 'table';
      caption: string | null;
      header: string[];
      rows: string[][];
      /** What each column holds, for its alignment: amounts and counts right, dates unbroken. */
      columns?: ReadableColumn[];
    }
  /** Labelled values, as in a form: "Member ID: ACM-5521". */
  | { kind: 'fields'; fields: ReadableField[] };

export type ReadableColumn = 'text' | 'number' | 'date';

export interface ReadableField {
  label: string;
  value: string;
}

export interface ReadableSection {
  title: string;
  blocks: ReadableBlock[];
  sections: ReadableSection[];
}

export interface ReadableDocument {
  title: string;
  header: ReadableField[];
  sections: ReadableSection[];
}
