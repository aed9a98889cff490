/** The `settings` table: one value per key, in the encrypted database (never in a plain file). */
import type { Queryable } from './Database';

export async function readSetting(q: Queryable, key: string): Promise<string | null> {
  return (await q.get<{ value: string }>('SELECT value FROM settings WHERE key = ?', [key]))?.value ?? null;
}

export async function writeSetting(q: Queryable, key: string, value: string): Promise<void> {
  await q.run(
    'INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value',
    [key, value],
  );
}
