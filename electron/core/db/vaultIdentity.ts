/** Which vault a database belongs to (`vault_identity`, one row). */
import type { Queryable } from './Database';

export async function readVaultIdentity(q: Queryable): Promise<string | null> {
  return (await q.get<{ vault_id: string }>('SELECT vault_id FROM vault_identity LIMIT 1'))?.vault_id ?? null;
}

export async function writeVaultIdentity(tx: Queryable, vaultId: string): Promise<void> {
  await tx.run('INSERT INTO vault_identity (only_row, vault_id) VALUES (1, ?)', [vaultId]);
}
