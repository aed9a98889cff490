import { useEffect, useState } from 'react';
import type { ImportFailure, ImportReport, PatientIdentity } from '../../../shared/imports';
import { useApi } from '../../api';
import { Icon } from '../../ui/Icon';

function describePatient(patient: PatientIdentity): string {
  return [patient.name, patient.id && `ID ${patient.id}`].filter(Boolean).join(', ');
}

/**
 * Whose records the files hold. Until the vault has an owner, the patient can say "this is me",
 * and later imports warn about records that name someone else.
 */
function Patients({ patients }: { patients: PatientIdentity[] }) {
  const api = useApi();
  const [owner, setOwnerState] = useState<PatientIdentity | null | undefined>(undefined);
  useEffect(() => {
    let live = true;
    void api.getOwner().then((result) => live && setOwnerState(result.ok ? result.value : null));
    return () => {
      live = false;
    };
  }, [api]);
  const claim = async (patient: PatientIdentity) => {
    const result = await api.setOwner({ owner: patient });
    if (result.ok) setOwnerState(result.value);
  };
  return (
    <div className="report-note report-patients" data-testid="import-patients">
      <p>{patients.length === 1 ? 'Patient named in these files:' : 'Patients named in these files:'}</p>
      <ul>
        {patients.map((patient) => (
          <li key={describePatient(patient)}>
            {describePatient(patient)}
            {owner === null && (
              <button type="button" className="button small" onClick={() => void claim(patient)}>
                This is me
              </button>
            )}
          </li>
        ))}
      </ul>
      {owner && <p className="report-owner">The vault&rsquo;s owner: {describePatient(owner)}</p>}
    </div>
  );
}

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
            : 'Skipped files are not records: system files (such as .DS_Store), or a download package’s index and metadata.'}
        </p>
      )}
      {report.patients.length > 0 && <Patients patients={report.patients} />}
      <ProblemList title="Could not be imported" items={report.failed} tone="failed" />
      <ProblemList title="Imported with warnings" items={report.warnings} tone="warning" />
    </div>
  );
}
