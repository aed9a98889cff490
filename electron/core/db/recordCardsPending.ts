/**
 * The record-card journal (`record_cards_pending`, migration 007, filled by triggers): which
 * cards are due to be written, by name. The cards' content is read and put back by
 * `documents/recordCards.ts`; they are sealed and written by `vault/recordCardStore.ts`.
 */
import type { Queryable } from './Database';

export type CardName = `document/${string}` | `disclosure/${string}` | 'settings';
const ID = /^[0-9A-Za-z_-]{1,64}$/;

/** The card a name stands for, or null for a name no card of ours has. */
export function parseCardName(name: string): { kind: 'document' | 'disclosure' | 'settings'; id: string } | null {
  if (name === 'settings') return { kind: 'settings', id: '' };
  const [kind, id, ...rest] = name.split('/');
  if (rest.length || !id || !ID.test(id)) return null;
  if (kind === 'document' || kind === 'disclosure') return { kind, id };
  return null;
}

export interface PendingCard {
  card: CardName;
  generation: number;
}

export async function pendingCards(q: Queryable, limit: number): Promise<PendingCard[]> {
  return q.all<PendingCard>('SELECT card, generation FROM record_cards_pending ORDER BY card LIMIT ?', [limit]);
}

export async function countPendingCards(q: Queryable): Promise<number> {
  return (await q.get<{ n: number }>('SELECT count(*) AS n FROM record_cards_pending'))?.n ?? 0;
}

/** Unmarks cards written; one changed again meanwhile (a newer generation) stays marked. */
export async function clearPendingCards(tx: Queryable, written: readonly PendingCard[]): Promise<void> {
  for (const { card, generation } of written) {
    await tx.run('DELETE FROM record_cards_pending WHERE card = ? AND generation = ?', [card, generation]);
  }
}

/** Marks every card due (cards missing from disk: a vault restored from a backup, `records/` lost). */
export async function markAllCardsPending(tx: Queryable): Promise<void> {
  await tx.exec(`
    INSERT INTO record_cards_pending (card) SELECT 'document/' || id FROM documents WHERE true
      ON CONFLICT (card) DO UPDATE SET generation = generation + 1;
    INSERT INTO record_cards_pending (card) SELECT 'disclosure/' || id FROM disclosures WHERE true
      ON CONFLICT (card) DO UPDATE SET generation = generation + 1;
    INSERT INTO record_cards_pending (card) SELECT 'settings' WHERE EXISTS (SELECT 1 FROM settings)
      ON CONFLICT (card) DO UPDATE SET generation = generation + 1;
  `);
}

/** Marks a document's card due where no trigger sees the change (its search entry, a virtual table). */
export async function markDocumentCardPending(q: Queryable, documentId: string): Promise<void> {
  await markCardsPending(q, [`document/${documentId}`]);
}

export async function markCardsPending(q: Queryable, names: readonly CardName[]): Promise<void> {
  for (const name of names) {
    await q.run(
      `INSERT INTO record_cards_pending (card) VALUES (?) ON CONFLICT (card) DO UPDATE SET generation = generation + 1`,
      [name],
    );
  }
}

/** The name of every card the database's rows call for, to check which are on disk. */
export async function cardNamesExpected(q: Queryable): Promise<CardName[]> {
  const rows = await q.all<{ card: CardName }>(
    `SELECT 'document/' || id AS card FROM documents
     UNION ALL SELECT 'disclosure/' || id FROM disclosures
     UNION ALL SELECT 'settings' WHERE EXISTS (SELECT 1 FROM settings)`,
  );
  return rows.map((row) => row.card);
}
