import type { ImportFailure, ImportReport } from '../../../shared/imports';
import { Icon } from '../../ui/Icon';

function ProblemList({ title, items, tone }: { title: string; items: ImportFailure[]; tone: 'failed' | 'warning' }) {
  if (items.length === 0) return null;
  return (
    <section className={`report-problems ${tone}`}>
      <h3>
        <Icon name="alert" /> {title} ({items.length})
      </h3>
      <ul>
        {items.map((item, index) => (
          <li key={`${item.path}-${index}`}>
            <span className="problem-path">{item.path}</span>
            <span className="problem-reason">{item.reason}</span>
          </li>
        ))}
      </ul>
    </section>
  );
}

export function ImportReportView({ report }: { report: ImportReport }) {
  if (report.status === 'cancelled') {
    return (
      <div className="import-report" data-testid="import-report" data-status="cancelled">
        <p>The import was cancelled. Nothing from it was kept: your vault is as it was before.</p>
      </div>
    );
  }
  const tiles = [
    { key: 'imported', label: 'Imported', value: report.imported },
    { key: 'duplicates', label: 'Already in the vault', value: report.duplicates },
    { key: 'skipped', label: 'Skipped', value: report.skipped },
    { key: 'failed', label: 'Failed', value: report.failed.length },
  ];
  return (
    <div className="import-report" data-testid="import-report" data-status="completed">
      <dl className="report-tiles">
        {tiles.map((tile) => (
          <div key={tile.key} className={`report-tile ${tile.key}${tile.value ? '' : ' zero'}`} data-count={tile.key}>
            <dt>{tile.label}</dt>
            <dd>{tile.value.toLocaleString()}</dd>
          </div>
        ))}
      </dl>
      {report.skipped > 0 && (
        <p className="report-note">
          {report.sourceKind === 'disc'
            ? 'Skipped files are the disc’s viewer program, its index and other files that are not records.'
            : 'Skipped files are system files (such as .DS_Store), not records.'}
        </p>
      )}
      {report.patients.length > 0 && (
        <p className="report-note" data-testid="import-patients">
          {report.patients.length === 1 ? 'Patient named in these files: ' : 'Patients named in these files: '}
          {report.patients
            .map((patient) => [patient.name, patient.id && `ID ${patient.id}`].filter(Boolean).join(', '))
            .join('; ')}
        </p>
      )}
      {report.imported === 0 && report.failed.length === 0 && report.duplicates > 0 && (
        <p className="report-note">Everything in this import was already in your vault.</p>
      )}
      <ProblemList title="Could not be imported" items={report.failed} tone="failed" />
      <ProblemList title="Imported with warnings" items={report.warnings} tone="warning" />
    </div>
  );
}
