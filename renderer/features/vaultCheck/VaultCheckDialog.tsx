import { useEffect, useState } from 'react';
import type { VaultCheck } from '../../../shared/api';
import { useApi } from '../../api';
import { formatBytes, plural } from '../../lib/format';
import { ErrorNote } from '../../ui/ErrorNote';
import { Icon } from '../../ui/Icon';
import { Modal } from '../../ui/Modal';
import { Spinner } from '../../ui/Spinner';
import { checkSummary, unreferencedSentence } from './vaultCheckText';
import './vaultCheck.css';

type Step =
  | { kind: 'checking' }
  | { kind: 'checked'; check: VaultCheck }
  | { kind: 'confirming'; check: VaultCheck }
  | { kind: 'removing'; check: VaultCheck }
  | { kind: 'removed'; removed: number; bytes: number };

/**
 * "Check the vault": every stored file read back and compared with what the database recorded,
 * as `medvault verify` does. Files no document names are kept and said; they go only when the
 * patient asks, after being told how many (as `medvault clean --yes`).
 */
export function VaultCheckDialog({ onClose }: { onClose: () => void }) {
  const api = useApi();
  const [step, setStep] = useState<Step>({ kind: 'checking' });
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    let live = true;
    void api.checkVault().then((result) => {
      if (!live) return;
      if (result.ok) setStep({ kind: 'checked', check: result.value });
      else setError(result.error.message);
    });
    return () => {
      live = false;
    };
  }, [api]);

  const remove = async (check: VaultCheck) => {
    setStep({ kind: 'removing', check });
    const result = await api.removeUnreferencedFiles();
    if (result.ok) setStep({ kind: 'removed', ...result.value });
    else {
      setError(result.error.message);
      setStep({ kind: 'checked', check });
    }
  };

  const check = 'check' in step ? step.check : null;
  const footer =
    step.kind === 'confirming' ? (
      <>
        <button type="button" className="button" onClick={() => setStep({ kind: 'checked', check: step.check })}>
          Keep them
        </button>
        <button type="button" className="button danger" onClick={() => void remove(step.check)}>
          Remove {plural(step.check.unreferenced.count, 'file')}
        </button>
      </>
    ) : (
      <button type="button" className="button primary" onClick={onClose}>
        Done
      </button>
    );

  return (
    <Modal title="Check the vault" onClose={onClose} footer={footer} testId="vault-check" step={step.kind}>
      {step.kind === 'checking' && !error && <Spinner label="Reading back every file in the vault…" />}
      {check && (
        <div className="vault-check">
          <p className={`vault-check-summary ${check.ok ? 'ok' : 'problem'}`} data-testid="vault-check-summary">
            <Icon name={check.ok ? 'check' : 'alert'} /> {checkSummary(check)}
          </p>
          {check.problems.length > 0 && (
            <ul className="vault-check-problems">
              {check.problems.map((problem, index) => (
                <li key={index}>{problem.message}</li>
              ))}
            </ul>
          )}
          {check.unreferenced.count > 0 && (
            <div className="vault-check-unreferenced" data-testid="vault-check-unreferenced">
              <p>{unreferencedSentence(check.unreferenced)}</p>
              {step.kind === 'checked' && (
                <button type="button" className="button" onClick={() => setStep({ kind: 'confirming', check })}>
                  Remove them…
                </button>
              )}
              {step.kind === 'confirming' && (
                <p role="alert" className="vault-check-confirm">
                  Remove {plural(check.unreferenced.count, 'stored file')} ({formatBytes(check.unreferenced.bytes)})? No
                  document uses them, and they cannot be brought back.
                </p>
              )}
              {step.kind === 'removing' && <Spinner label="Removing…" />}
            </div>
          )}
        </div>
      )}
      {step.kind === 'removed' && (
        <p className="vault-check-summary ok" data-testid="vault-check-removed">
          <Icon name="check" /> Removed {plural(step.removed, 'stored file')} ({formatBytes(step.bytes)}) that belonged
          to no document.
        </p>
      )}
      <ErrorNote message={error} />
    </Modal>
  );
}
