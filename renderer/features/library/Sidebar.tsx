import { useId, useState } from 'react';
import type { LibraryFacets, VaultStatus } from '../../../shared/api';
import { RECORD_CATEGORIES, RECORD_CATEGORY_LABELS, type RecordCategory } from '../../../shared/recordSet';
import { useApi } from '../../api';
import { Icon } from '../../ui/Icon';

const AUTO_LOCK_CHOICES = [1, 2, 5, 10, 15, 30, 60, 120, 0];

function minutesLabel(minutes: number): string {
  if (minutes === 0) return 'Never';
  if (minutes < 60) return `After ${minutes} minute${minutes === 1 ? '' : 's'}`;
  return `After ${minutes / 60} hour${minutes === 60 ? '' : 's'}`;
}

export function Sidebar({
  facets,
  category,
  onCategory,
  needsReview,
  onNeedsReview,
  status,
  onStatusChange,
  onLock,
  onNewPacket,
  onDisclosureLog,
  onCheckVault,
}: {
  facets: LibraryFacets | null;
  category: RecordCategory | null;
  onCategory: (category: RecordCategory | null) => void;
  /** The "Needs review" view is showing. */
  needsReview: boolean;
  onNeedsReview: () => void;
  status: VaultStatus;
  onStatusChange: (status: VaultStatus) => void;
  onLock: () => void;
  onNewPacket: () => void;
  onDisclosureLog: () => void;
  onCheckVault: () => void;
}) {
  const api = useApi();
  const autoLockId = useId();
  const [saving, setSaving] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const counts = new Map(facets?.categories.map((entry) => [entry.category, entry.count]));
  const choices = AUTO_LOCK_CHOICES.includes(status.autoLockMinutes)
    ? AUTO_LOCK_CHOICES
    : [...AUTO_LOCK_CHOICES.slice(0, -1), status.autoLockMinutes, 0].sort((a, b) => (a || 1e9) - (b || 1e9));

  const changeAutoLock = async (minutes: number) => {
    setSaving(true);
    setError(null);
    const result = await api.setAutoLock({ minutes });
    setSaving(false);
    if (result.ok) onStatusChange(result.value);
    else setError(result.error.message);
  };

  const item = (value: RecordCategory | null, label: string, count: number | undefined) => (
    <li key={value ?? 'all'}>
      <button
        type="button"
        className="nav-item"
        aria-current={!needsReview && category === value ? 'page' : undefined}
        onClick={() => onCategory(value)}
      >
        <span className="nav-label">{label}</span>
        <span className={`nav-count${count ? '' : ' zero'}`} aria-label={`${count ?? 0} documents`}>
          {count ?? 0}
        </span>
      </button>
    </li>
  );

  return (
    <aside className="sidebar">
      <div className="brand sidebar-brand">
        <span className="brand-mark" aria-hidden="true">
          <Icon name="shield" />
        </span>
        <span className="brand-name">Medvault</span>
      </div>
      <nav aria-label="Categories" className="sidebar-nav">
        <ul className="nav-list">
          {item(null, 'All documents', facets?.total)}
          <li>
            <button
              type="button"
              className={`nav-item review${facets?.needsReview ? ' pending' : ''}`}
              aria-current={needsReview ? 'page' : undefined}
              onClick={onNeedsReview}
              title="Documents whose suggested type or date Medvault is unsure of"
            >
              <span className="nav-label">
                <Icon name="flag" /> Needs review
              </span>
              <span
                className={`nav-count${facets?.needsReview ? '' : ' zero'}`}
                aria-label={`${facets?.needsReview ?? 0} documents`}
              >
                {facets?.needsReview ?? 0}
              </span>
            </button>
          </li>
        </ul>
        <h2 className="nav-heading">Categories</h2>
        <ul className="nav-list">
          {RECORD_CATEGORIES.map((value) => item(value, RECORD_CATEGORY_LABELS[value], counts.get(value)))}
        </ul>
        <h2 className="nav-heading">Sharing</h2>
        <ul className="nav-list">
          <li>
            <button
              type="button"
              className="nav-item"
              onClick={onNewPacket}
              title="Gather documents for an insurer, a specialist or a new doctor"
            >
              <span className="nav-label">
                <Icon name="files" /> Make a packet…
              </span>
            </button>
          </li>
          <li>
            <button
              type="button"
              className="nav-item"
              onClick={onDisclosureLog}
              title="Every packet made: when, to whom, why, which documents"
            >
              <span className="nav-label">
                <Icon name="clock" /> Disclosure log
              </span>
            </button>
          </li>
        </ul>
      </nav>
      <div className="sidebar-footer">
        <div className="field compact">
          <label htmlFor={autoLockId}>
            <Icon name="clock" /> Lock when idle
          </label>
          <select
            id={autoLockId}
            className="select"
            value={status.autoLockMinutes}
            disabled={saving}
            onChange={(event) => void changeAutoLock(Number(event.target.value))}
          >
            {choices.map((minutes) => (
              <option key={minutes} value={minutes}>
                {minutesLabel(minutes)}
              </option>
            ))}
          </select>
          {error && (
            <span className="field-error" role="alert">
              {error}
            </span>
          )}
        </div>
        <button
          type="button"
          className="button block-button"
          onClick={onCheckVault}
          title="Read back every file in the vault and compare it with what was stored"
        >
          <Icon name="shield" /> Check the vault…
        </button>
        <button type="button" className="button block-button" onClick={onLock}>
          <Icon name="lock" /> Lock
        </button>
        <p className="sidebar-location" title={status.location}>
          Vault: <span>{status.location}</span>
        </p>
      </div>
    </aside>
  );
}
