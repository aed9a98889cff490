import { useId, useMemo, useState, type FormEvent } from 'react';
import type { VaultStatus } from '../../../shared/api';
import { useApi } from '../../api';
import { ErrorNote } from '../../ui/ErrorNote';
import { Spinner } from '../../ui/Spinner';
import { MIN_PASSPHRASE_LENGTH, passphraseStrength } from './passphraseStrength';
import { PassphraseInput } from './PassphraseInput';
import { StrengthMeter } from './StrengthMeter';
import { VaultScreen } from './VaultScreen';

export function CreateVault({
  location,
  onCreated,
}: {
  location: string;
  onCreated: (recoveryKey: string, status: VaultStatus) => void;
}) {
  const api = useApi();
  const [passphrase, setPassphrase] = useState('');
  const [confirm, setConfirm] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const strength = useMemo(() => passphraseStrength(passphrase), [passphrase]);
  const ids = { meter: useId(), mismatch: useId(), passphrase: useId(), confirm: useId() };

  const tooShort = [...passphrase].length < MIN_PASSPHRASE_LENGTH;
  const mismatch = confirm.length > 0 && confirm !== passphrase;
  const ready = !tooShort && confirm === passphrase && !busy;

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (!ready) return;
    setBusy(true);
    setError(null);
    const result = await api.createVault({ passphrase });
    setBusy(false);
    if (!result.ok) {
      setError(result.error.message);
      return;
    }
    setPassphrase('');
    setConfirm('');
    onCreated(result.value.recoveryKey, result.value.status);
  };

  return (
    <VaultScreen
      title="Create your vault"
      subtitle={
        <>
          <p>
            Medvault keeps your medical records encrypted on this computer. Choose a passphrase to lock them: a few
            unrelated words are strong and easy to remember.
          </p>
          <p className="vault-location">
            The vault will be created in <code>{location}</code>
          </p>
        </>
      }
    >
      <form onSubmit={submit} noValidate>
        <div className="field">
          <label htmlFor={ids.passphrase}>Passphrase</label>
          <PassphraseInput
            id={ids.passphrase}
            value={passphrase}
            onChange={(event) => setPassphrase(event.target.value)}
            autoComplete="new-password"
            autoFocus
            aria-describedby={ids.meter}
            disabled={busy}
          />
          <StrengthMeter strength={strength} id={ids.meter} />
        </div>
        <div className="field">
          <label htmlFor={ids.confirm}>Repeat the passphrase</label>
          <PassphraseInput
            id={ids.confirm}
            value={confirm}
            onChange={(event) => setConfirm(event.target.value)}
            autoComplete="new-password"
            aria-invalid={mismatch}
            aria-describedby={mismatch ? ids.mismatch : undefined}
            disabled={busy}
          />
          {mismatch && (
            <span className="field-error" id={ids.mismatch}>
              The two passphrases are not the same.
            </span>
          )}
        </div>
        <ErrorNote message={error} />
        <button type="submit" className="button primary large block" disabled={!ready}>
          {busy ? <Spinner label="Creating your vault…" /> : 'Create vault'}
        </button>
        {tooShort && passphrase.length > 0 && (
          <p className="form-footnote">Use at least {MIN_PASSPHRASE_LENGTH} characters.</p>
        )}
      </form>
    </VaultScreen>
  );
}
