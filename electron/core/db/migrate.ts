import { MedvaultError } from '../errors';
import type { Database } from './Database';
import { LATEST_SCHEMA_VERSION, MIGRATIONS } from './migrations';
import type { Migration } from './migrations/types';

/**
 * Brings the schema up to date in one transaction (Signal-Desktop's pattern): either every
 * pending migration applies and `user_version` moves, or nothing changes.
 */
export async function migrate(
  db: Database,
  migrations: readonly Migration[] = MIGRATIONS,
): Promise<{ from: number; to: number }> {
  const latest = migrations.length;
  migrations.forEach((migration, index) => {
    if (migration.version !== index + 1) throw new Error(`Migration ${migration.name} is out of order`);
  });
  return db.transaction(async (tx) => {
    const row = await tx.get<{ user_version: number }>('PRAGMA user_version');
    const from = row?.user_version ?? 0;
    if (from > latest) {
      throw new MedvaultError(
        'vault-too-new',
        `This vault was written by a newer version of Medvault (schema ${from}; this version knows up to ${latest}): update Medvault to open it.`,
      );
    }
    for (const migration of migrations.slice(from)) await migration.up(tx);
    if (from !== latest) await tx.exec(`PRAGMA user_version = ${latest}`);
    return { from, to: latest };
  });
}

export { LATEST_SCHEMA_VERSION };
