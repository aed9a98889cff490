import { useId, useRef, useState, type FormEvent } from 'react';
import type { VaultStatus } from '../../../shared/api';
import { useApi } from '../../api';
import { ErrorNote } from '../../ui/ErrorNote';
import { Spinner } from '../../ui/Spinner';
import { PassphraseInput } from './PassphraseInput';
import { RescueVault } from './RescueVault';
import { VaultScreen } from './VaultScreen';

export function Unlock({
  location,
  reason,
  onUnlocked,
}: {
  location: string;
  /** Why the vault locked, if it just did. */
  reason: 'idle' | 'user' | null;
  onUnlocked: (status: VaultStatus) => void;
}) {
  const api = useApi();
  const [mode, setMode] = useState<'passphrase' | 'recovery'>('passphrase');
  const [secret, setSecret] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<{ message: string; code: string } | null>(null);
  /** The credential a rescue is under way with (the database could not be opened). */
  const [rescuing, setRescuing] = useState<{ passphrase: string } | { recoveryKey: string } | null>(null);
  const fieldId = useId();
  const errorId = useId();
  const form = useRef<HTMLFormElement>(null);

  const switchMode = () => {
    setMode((current) => (current === 'passphrase' ? 'recovery' : 'passphrase'));
    setSecret('');
    setError(null);
    requestAnimationFrame(() => form.current?.querySelector('input')?.focus());
  };

  const credential = (value: string) => (mode === 'passphrase' ? { passphrase: value } : { recoveryKey: value });

  if (rescuing) {
    return (
      <RescueVault
        credential={rescuing}
        onUnlocked={(status) => {
          setSecret('');
          onUnlocked(status);
        }}
        onBack={() => setRescuing(null)}
      />
    );
  }

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const value = mode === 'recovery' ? secret.trim() : secret;
    if (!value || busy) return;
    setBusy(true);
    setError(null);
    const result = await api.unlock(credential(value));
    setBusy(false);
    if (!result.ok) {
      setError(result.error);
      requestAnimationFrame(() => form.current?.querySelector('input')?.select());
      return;
    }
    setSecret('');
    onUnlocked(result.value);
  };

  return (
    <VaultScreen
      title="Unlock your vault"
      subtitle={
        <>
          {reason === 'idle' && <p className="lock-reason">Medvault locked itself after a while without activity.</p>}
          {reason === 'user' && <p className="lock-reason">Your vault is locked.</p>}
          <p className="vault-location">
            Vault in <code>{location}</code>
          </p>
        </>
      }
    >
      <form onSubmit={submit} ref={form} noValidate>
        <div className="field">
          <label htmlFor={fieldId}>{mode === 'passphrase' ? 'Passphrase' : 'Recovery key'}</label>
          {mode === 'passphrase' ? (
            <PassphraseInput
              id={fieldId}
              value={secret}
              onChange={(event) => setSecret(event.target.value)}
              autoComplete="current-password"
              autoFocus
              aria-invalid={error !== null}
              aria-describedby={error ? errorId : undefined}
              disabled={busy}
            />
          ) : (
            <input
              id={fieldId}
              className="input mono"
              value={secret}
              onChange={(event) => setSecret(event.target.value)}
              autoComplete="off"
              autoCapitalize="characters"
              spellCheck={false}
              autoFocus
              placeholder="XXXX-XXXX-XXXX-…"
              aria-invalid={error !== null}
              aria-describedby={error ? errorId : undefined}
              disabled={busy}
            />
          )}
        </div>
        <ErrorNote message={error?.message ?? null} id={errorId} />
        {error?.code === 'database-unusable' && (
          <div className="rescue-offer" data-testid="rescue-offer">
            <p>
              Your documents’ encrypted files are still in the vault. Medvault can build a new database from the record
              cards kept beside them; the old database is kept aside, and nothing is removed.
            </p>
            <button
              type="button"
              className="button large block"
              onClick={() => setRescuing(credential(mode === 'recovery' ? secret.trim() : secret))}
              disabled={busy || !secret}
            >
              Rescue the vault
            </button>
          </div>
        )}
        <button type="submit" className="button primary large block" disabled={!secret || busy}>
          {busy ? <Spinner label="Unlocking…" /> : 'Unlock'}
        </button>
        <p className="form-footnote">
          <button type="button" className="link-button" onClick={switchMode} disabled={busy}>
            {mode === 'passphrase' ? 'Use recovery key instead' : 'Use passphrase instead'}
          </button>
        </p>
      </form>
    </VaultScreen>
  );
}
