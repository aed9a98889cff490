import type { ReactNode } from 'react';
import { Icon, type IconName } from './Icon';
import './emptyState.css';

export function EmptyState({
  icon,
  title,
  children,
  action,
  testId,
}: {
  icon: IconName;
  title: string;
  children: ReactNode;
  action?: ReactNode;
  testId?: string;
}) {
  return (
    <div className="empty-state" data-testid={testId}>
      <span className="empty-icon" aria-hidden="true">
        <Icon name={icon} />
      </span>
      <h2>{title}</h2>
      <div className="empty-text">{children}</div>
      {action && <div className="empty-action">{action}</div>}
    </div>
  );
}
