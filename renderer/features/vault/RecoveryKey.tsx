import { useId, useRef, useState } from 'react';
import { Icon } from '../../ui/Icon';
import { VaultScreen } from './VaultScreen';

/** Shown once, right after the vault is created: the only way in without the passphrase. */
export function RecoveryKey({ recoveryKey, onContinue }: { recoveryKey: string; onContinue: () => void }) {
  const [saved, setSaved] = useState(false);
  const [copy, setCopy] = useState<'idle' | 'copied' | 'failed'>('idle');
  const keyBox = useRef<HTMLDivElement>(null);
  const checkboxId = useId();

  const copyKey = async () => {
    try {
      await navigator.clipboard.writeText(recoveryKey);
      setCopy('copied');
    } catch {
      // No clipboard access: select the key so the patient can copy it by hand.
      const selection = window.getSelection();
      if (selection && keyBox.current) selection.selectAllChildren(keyBox.current);
      setCopy('failed');
    }
  };

  return (
    <VaultScreen
      wide
      title="Save your recovery key"
      subtitle={
        <p>
          If you ever forget your passphrase, this key is the only way to open your vault. Medvault shows it{' '}
          <strong>only this once</strong> and cannot recover it for you. Write it down or keep it in a password manager,
          away from this computer.
        </p>
      }
    >
      <div className="recovery-key" data-testid="recovery-key" ref={keyBox} aria-label="Recovery key">
        {/* One group per span, so a line can only break between groups; the text stays the key. */}
        {recoveryKey.split('-').map((group, index, groups) => (
          <span key={index} className="key-group">
            {group}
            {index < groups.length - 1 ? '-' : ''}
          </span>
        ))}
      </div>
      <div className="recovery-actions">
        <button type="button" className="button" onClick={copyKey}>
          <Icon name={copy === 'copied' ? 'check' : 'copy'} />
          {copy === 'copied' ? 'Copied' : 'Copy'}
        </button>
        <span className="muted" role="status">
          {copy === 'copied' && 'Copied to the clipboard. Paste it somewhere safe, then clear the clipboard.'}
          {copy === 'failed' && 'Copying is not allowed here: the key is selected, press Ctrl+C (⌘C on a Mac).'}
        </span>
      </div>
      <label className="checkbox recovery-confirm" htmlFor={checkboxId}>
        <input id={checkboxId} type="checkbox" checked={saved} onChange={(event) => setSaved(event.target.checked)} />
        <span>I have saved my recovery key somewhere safe.</span>
      </label>
      <button type="button" className="button primary large block" disabled={!saved} onClick={onContinue}>
        Continue to my records
      </button>
    </VaultScreen>
  );
}
