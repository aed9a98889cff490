import type { Queryable, SqlValue } from './Database';

/**
 * Inserts many rows with multi-row INSERT statements (a few hundred bound values each): one
 * round trip per batch instead of per row, which matters for a disc of thousands of instances.
 * `table` and `columns` are ours, never user input.
 */
export async function insertRows(
  q: Queryable,
  table: string,
  columns: readonly string[],
  rows: readonly SqlValue[][],
  maxValues = 900,
): Promise<void> {
  const perBatch = Math.max(1, Math.floor(maxValues / columns.length));
  const tuple = `(${columns.map(() => '?').join(', ')})`;
  for (let start = 0; start < rows.length; start += perBatch) {
    const batch = rows.slice(start, start + perBatch);
    await q.run(
      `INSERT INTO ${table} (${columns.join(', ')}) VALUES ${batch.map(() => tuple).join(', ')}`,
      batch.flat(),
    );
  }
}
