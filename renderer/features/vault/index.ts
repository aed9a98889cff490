/** Creating, unlocking and managing the vault: passphrase, recovery key, settings. */
export { CreateVault } from './CreateVault';
export { RecoveryKey } from './RecoveryKey';
export { Unlock } from './Unlock';
export { VaultScreen } from './VaultScreen';
