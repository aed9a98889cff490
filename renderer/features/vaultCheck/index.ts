/** Checking the vault's files against its database, and removing, when asked, files no document names. */
export { VaultCheckDialog } from './VaultCheckDialog';
