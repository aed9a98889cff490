/** The pieces a FHIR page is made of: labelled fields, sections, tables, lists, "… more not shown". */
import type { ReadableBlock, ReadableColumn, ReadableField, ReadableSection } from '../../../../shared/readable';

/** Rows of one table (services, resources of a kind); the rest is counted in a sentence. */
export const MAX_ROWS = 2_000;

export function words(key: string): string {
  return key.replace(/([a-z0-9])([A-Z])/g, '$1 $2').toLowerCase();
}

export function capitalized(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

export class Fields {
  readonly list: ReadableField[] = [];
  add(label: string, value: string | null | undefined): void {
    if (value) this.list.push({ label, value });
  }
}

export function section(title: string, blocks: ReadableBlock[], sections: ReadableSection[] = []): ReadableSection {
  return { title, blocks, sections };
}

/**
 * A table without the columns no row fills (a claim's diagnoses may have no kind, say), each column
 * marked for its alignment: `numeric` ones are amounts or counts; one of dates only is a date column.
 */
export function table(
  caption: string | null,
  header: string[],
  rows: string[][],
  numeric: boolean[] = [],
): ReadableBlock[] {
  const keep = header.map((_, column) => rows.some((row) => row[column]));
  const kept = <T>(cells: T[]) => cells.filter((_, column) => keep[column] !== false);
  const columns = kept(
    header.map((_, column): ReadableColumn => {
      if (numeric[column]) return 'number';
      const dates = rows.every((row) => !row[column] || /^\d{4}-\d{2}-\d{2}( \d{2}:\d{2})?$/.test(row[column]!));
      return dates ? 'date' : 'text';
    }),
  );
  return [
    {
      kind: 'table',
      caption,
      header: kept(header),
      rows: rows.map(kept),
      ...(columns.some((column) => column !== 'text') ? { columns } : {}),
    },
  ];
}

export function listOf(items: (string | null)[]): ReadableBlock[] {
  const present = items.filter((item): item is string => Boolean(item));
  return present.length ? [{ kind: 'list', ordered: false, items: present }] : [];
}

/** "… 1,234 more services not shown." when a list was cut at MAX_ROWS. */
export function more(total: number, one: string, many = `${one}s`): ReadableBlock[] {
  const left = total - MAX_ROWS;
  if (left <= 0) return [];
  return [{ kind: 'paragraph', text: `… ${left.toLocaleString('en-US')} more ${left === 1 ? one : many} not shown.` }];
}
