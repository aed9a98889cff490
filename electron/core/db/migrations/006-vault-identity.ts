import type { Migration } from './types';

/**
 * The vault this database belongs to (`vault.json`'s vault id), written when the vault is made
 * or first opened by this version, and checked at every open: a database put in another vault's
 * folder is refused instead of being taken for this vault's.
 */
export const migration006VaultIdentity: Migration = {
  version: 6,
  name: 'vault-identity',
  async up(db) {
    await db.exec(`
      CREATE TABLE vault_identity (
        only_row INTEGER PRIMARY KEY CHECK (only_row = 1),
        vault_id TEXT NOT NULL
      ) STRICT;
    `);
  },
};
