import { useState, type InputHTMLAttributes } from 'react';
import { Icon } from '../../ui/Icon';

/** A password field with a show/hide button. */
export function PassphraseInput(props: Omit<InputHTMLAttributes<HTMLInputElement>, 'type'>) {
  const [visible, setVisible] = useState(false);
  return (
    <div className="input-with-button">
      <input {...props} type={visible ? 'text' : 'password'} className="input" spellCheck={false} />
      <button
        type="button"
        className="icon-button"
        onClick={() => setVisible((shown) => !shown)}
        aria-label={visible ? 'Hide passphrase' : 'Show passphrase'}
        aria-pressed={visible}
        title={visible ? 'Hide' : 'Show'}
      >
        <Icon name={visible ? 'eyeOff' : 'eye'} />
      </button>
    </div>
  );
}
