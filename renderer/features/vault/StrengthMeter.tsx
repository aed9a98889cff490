import type { PassphraseStrength } from './passphraseStrength';

export function StrengthMeter({ strength, id }: { strength: PassphraseStrength; id: string }) {
  return (
    <div className="strength" data-score={strength.score} id={id} aria-live="polite">
      <div className="strength-bar" aria-hidden="true">
        {[0, 1, 2, 3].map((segment) => (
          <span key={segment} className={segment < Math.max(strength.score, 1) ? 'on' : ''} />
        ))}
      </div>
      <div className="strength-text">
        <span className="strength-label">Strength: {strength.label}</span>
        {strength.hint && <span className="strength-hint"> — {strength.hint}</span>}
      </div>
    </div>
  );
}
