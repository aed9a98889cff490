import { useCallback, useEffect, useState } from 'react';
import type { VaultStatus } from '../../../shared/api';
import { useApi, useApiEvent, useVaultLockedErrors } from '../../api';
import { Spinner } from '../../ui/Spinner';
import { Library } from '../library';
import { CreateVault, RecoveryKey, Unlock, VaultScreen } from '../vault';
import { useIdleLock } from './useIdleLock';

type Phase =
  | { kind: 'loading' }
  | { kind: 'error'; message: string }
  | { kind: 'no-vault'; status: VaultStatus }
  | { kind: 'recovery-key'; status: VaultStatus; recoveryKey: string }
  | { kind: 'locked'; status: VaultStatus; reason: 'idle' | 'user' | null }
  | { kind: 'unlocked'; status: VaultStatus };

function phaseFor(status: VaultStatus): Phase {
  if (status.state === 'no-vault') return { kind: 'no-vault', status };
  if (status.state === 'locked') return { kind: 'locked', status, reason: null };
  return { kind: 'unlocked', status };
}

/**
 * Which screen shows, from the vault's state. Locking unmounts the library, and every unlock
 * mounts a new one (`session`), so nothing of what was shown survives a lock.
 */
export function AppShell() {
  const api = useApi();
  const [phase, setPhase] = useState<Phase>({ kind: 'loading' });
  const [session, setSession] = useState(0);
  const [importing, setImporting] = useState(false);

  const load = useCallback(async () => {
    setPhase({ kind: 'loading' });
    const result = await api.getStatus();
    setPhase(result.ok ? phaseFor(result.value) : { kind: 'error', message: result.error.message });
  }, [api]);

  useEffect(() => {
    void load();
  }, [load]);

  const showLocked = useCallback((reason: 'idle' | 'user' | null) => {
    setPhase((current) =>
      current.kind === 'unlocked' || current.kind === 'recovery-key'
        ? { kind: 'locked', status: { ...current.status, state: 'locked' }, reason }
        : current,
    );
    setSession((count) => count + 1);
    setImporting(false);
  }, []);

  useApiEvent('locked', ({ reason }) => showLocked(reason));
  useVaultLockedErrors(() => showLocked('idle'));

  const lock = useCallback(async () => {
    showLocked('user'); // clear the screen first, whatever the core answers
    await api.lock();
  }, [api, showLocked]);

  const unlocked = phase.kind === 'unlocked' || phase.kind === 'recovery-key';
  useIdleLock({
    minutes: unlocked ? phase.status.autoLockMinutes : 0,
    busy: importing,
    onIdle: () => {
      showLocked('idle');
      void api.lock();
    },
    onHeartbeat: () => void api.getFacets(),
  });

  switch (phase.kind) {
    case 'loading':
      return (
        <main className="splash">
          <Spinner label="Opening Medvault…" />
        </main>
      );
    case 'error':
      return (
        <VaultScreen title="Medvault cannot start" subtitle={<p>{phase.message}</p>}>
          <button type="button" className="button primary large block" onClick={() => void load()}>
            Try again
          </button>
        </VaultScreen>
      );
    case 'no-vault':
      return (
        <CreateVault
          location={phase.status.location}
          onCreated={(recoveryKey, status) => setPhase({ kind: 'recovery-key', status, recoveryKey })}
        />
      );
    case 'recovery-key':
      return (
        <RecoveryKey
          recoveryKey={phase.recoveryKey}
          onContinue={() => setPhase({ kind: 'unlocked', status: phase.status })}
        />
      );
    case 'locked':
      return (
        <Unlock
          location={phase.status.location}
          reason={phase.reason}
          onUnlocked={(status) => setPhase(phaseFor(status))}
        />
      );
    case 'unlocked':
      return (
        <Library
          key={session}
          status={phase.status}
          onStatusChange={(status) => setPhase(phaseFor(status))}
          onLock={() => void lock()}
          onImportingChange={setImporting}
        />
      );
  }
}
