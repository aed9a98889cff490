import type { ReactNode } from 'react';
import { Icon } from '../../ui/Icon';
import './vault.css';

/** The centred card the create, recovery-key and unlock screens share. */
export function VaultScreen({
  title,
  subtitle,
  children,
  wide = false,
}: {
  title: string;
  subtitle?: ReactNode;
  children: ReactNode;
  wide?: boolean;
}) {
  return (
    <main className="vault-screen">
      <div className={`vault-card${wide ? ' wide' : ''}`}>
        <div className="brand brand-large" aria-hidden="true">
          <span className="brand-mark">
            <Icon name="shield" />
          </span>
          <span className="brand-name">Medvault</span>
        </div>
        <h1>{title}</h1>
        {subtitle && <div className="vault-subtitle">{subtitle}</div>}
        {children}
      </div>
    </main>
  );
}
