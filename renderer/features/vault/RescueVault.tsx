import { useEffect, useRef, useState } from 'react';
import type { RescueReport, VaultStatus } from '../../../shared/api';
import { rescueComplete, rescueDetails, rescueHeadline } from '../../../shared/rescueText';
import { useApi } from '../../api';
import { ErrorNote } from '../../ui/ErrorNote';
import { Spinner } from '../../ui/Spinner';
import { VaultScreen } from './VaultScreen';

type Step =
  | { kind: 'rebuilding' }
  | { kind: 'rescued'; report: RescueReport; status: VaultStatus }
  | { kind: 'failed'; message: string };

/**
 * The rescue, when the database cannot be opened: a new one is built from the record cards kept
 * beside the documents (as `medvault rescue`), the old one kept aside; then what came back, and
 * what did not, before the library opens.
 */
export function RescueVault({
  credential,
  onUnlocked,
  onBack,
}: {
  credential: { passphrase: string } | { recoveryKey: string };
  onUnlocked: (status: VaultStatus) => void;
  onBack: () => void;
}) {
  const api = useApi();
  const [step, setStep] = useState<Step>({ kind: 'rebuilding' });
  // A rescue runs once, even when an effect runs twice (React's strict mode): a second would be refused.
  const started = useRef(false);

  useEffect(() => {
    if (started.current) return;
    started.current = true;
    void api.rescueVault(credential).then((result) => {
      setStep(result.ok ? { kind: 'rescued', ...result.value } : { kind: 'failed', message: result.error.message });
    });
  }, [api, credential]);

  if (step.kind === 'rebuilding') {
    return (
      <VaultScreen title="Rescuing your vault" subtitle={<p>Rebuilding the database from the record cards…</p>}>
        <Spinner label="Rebuilding…" />
      </VaultScreen>
    );
  }
  if (step.kind === 'failed') {
    return (
      <VaultScreen title="The rescue did not finish">
        <ErrorNote message={step.message} />
        <button type="button" className="button large block" onClick={onBack}>
          Back
        </button>
      </VaultScreen>
    );
  }
  const complete = rescueComplete(step.report);
  return (
    <VaultScreen
      wide
      title={complete ? 'Your vault was rescued' : 'Your vault was rescued, with gaps'}
      subtitle={<p>{rescueHeadline(step.report)}</p>}
    >
      <ul className="rescue-details" data-testid="rescue-report">
        {rescueDetails(step.report).map((line) => (
          <li key={line}>{line}</li>
        ))}
      </ul>
      <button type="button" className="button primary large block" onClick={() => onUnlocked(step.status)}>
        Open the library
      </button>
      <p className="form-footnote">“Check the vault…” in the sidebar reads every file back.</p>
    </VaultScreen>
  );
}
