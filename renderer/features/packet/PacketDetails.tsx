import { useId } from 'react';
import type { PacketForm } from '../../../shared/api';
import { PACKET_KINDS } from '../../../shared/packetKinds';
import { FolderBrowser } from '../../ui/FolderBrowser';
import { hasStudy, targetName, type PacketDraft } from './packetDraft';
import { MAX_TITLE_LENGTH } from '../../../shared/limits';

const FORMS: { form: PacketForm; label: string; hint: string }[] = [
  { form: 'pdf', label: 'One PDF', hint: 'A cover letter, an index and every document, each page stamped.' },
  {
    form: 'folder',
    label: 'Disc folder',
    hint: 'For a USB stick or CD: imaging a viewer or PACS imports (DICOMDIR), reports and a summary PDF.',
  },
  { form: 'zip', label: 'Zip', hint: 'The disc folder as one file, to upload or attach.' },
];

/** Who the packet is for, whose it is, the appeal's facts, and where and how it is written. */
export function PacketDetails({
  draft,
  onChange,
  onFolder,
}: {
  draft: PacketDraft;
  onChange: (draft: PacketDraft) => void;
  /** Stable (the folder browser lists again when it changes). */
  onFolder: (folder: string) => void;
}) {
  const id = useId();
  const set = <K extends keyof PacketDraft>(key: K, value: PacketDraft[K]) => onChange({ ...draft, [key]: value });
  const text = (
    key: string,
    label: string,
    value: string,
    change: (value: string) => void,
    options: { type?: string; hint?: string; required?: boolean; max?: number } = {},
  ) => (
    <div className="field">
      <label htmlFor={`${id}-${key}`}>
        {label}
        {options.required && <span className="required"> (needed)</span>}
      </label>
      <input
        id={`${id}-${key}`}
        className="input"
        type={options.type ?? 'text'}
        value={value}
        maxLength={options.max ?? 200}
        onChange={(event) => change(event.target.value)}
      />
      {options.hint && <span className="field-hint">{options.hint}</span>}
    </div>
  );
  const studies = hasStudy(draft);

  return (
    <div className="packet-details">
      <fieldset className="packet-fieldset">
        <legend>Recipient</legend>
        <div className="field-row">
          {text(
            'recipient-name',
            'Name',
            draft.recipient.name,
            (name) => set('recipient', { ...draft.recipient, name }),
            {
              hint: 'A person or a department, such as "Appeals Unit".',
            },
          )}
          {text('recipient-org', 'Organisation', draft.recipient.organisation, (organisation) =>
            set('recipient', { ...draft.recipient, organisation }),
          )}
        </div>
        <div className="field">
          <label htmlFor={`${id}-address`}>Address</label>
          <textarea
            id={`${id}-address`}
            className="input"
            rows={3}
            maxLength={1000}
            value={draft.recipient.address}
            onChange={(event) => set('recipient', { ...draft.recipient, address: event.target.value })}
          />
        </div>
      </fieldset>

      <fieldset className="packet-fieldset">
        <legend>Patient</legend>
        <div className="field-row">
          {text('patient-name', 'Name', draft.patient.name, (name) => set('patient', { ...draft.patient, name }), {
            required: draft.form === 'pdf',
          })}
          {text(
            'patient-dob',
            'Date of birth',
            draft.patient.dateOfBirth,
            (dateOfBirth) => set('patient', { ...draft.patient, dateOfBirth }),
            { type: 'date', required: draft.form === 'pdf', hint: 'Stamped on every page with the name.' },
          )}
        </div>
      </fieldset>

      {PACKET_KINDS[draft.purpose].asksForClaim && (
        <fieldset className="packet-fieldset">
          <legend>The denied claim</legend>
          <div className="field-row">
            {text(
              'member',
              'Member ID',
              draft.appeal.memberId,
              (memberId) => set('appeal', { ...draft.appeal, memberId }),
              {
                max: 100,
              },
            )}
            {text(
              'claim',
              'Claim number',
              draft.appeal.claimNumber,
              (claimNumber) => set('appeal', { ...draft.appeal, claimNumber }),
              { max: 100 },
            )}
          </div>
          <div className="field-row">
            {text(
              'service',
              'Date(s) of service',
              draft.appeal.datesOfService,
              (datesOfService) => set('appeal', { ...draft.appeal, datesOfService }),
              { hint: 'One date, a range or a list, as on the denial.', max: MAX_TITLE_LENGTH },
            )}
            {text(
              'denial',
              'Date of the denial',
              draft.appeal.denialDate,
              (denialDate) => set('appeal', { ...draft.appeal, denialDate }),
              { type: 'date' },
            )}
          </div>
          <div className="field">
            <label htmlFor={`${id}-statement`}>Why the denial is wrong, in your own words</label>
            <textarea
              id={`${id}-statement`}
              className="input"
              rows={6}
              maxLength={20_000}
              value={draft.appeal.statement}
              onChange={(event) => set('appeal', { ...draft.appeal, statement: event.target.value })}
            />
            <span className="field-hint">It goes into the cover letter, above the list of enclosures.</span>
          </div>
        </fieldset>
      )}

      <fieldset className="packet-fieldset">
        <legend>Form</legend>
        <div className="packet-forms" role="radiogroup" aria-label="Form of the packet">
          {FORMS.map(({ form, label, hint }) => (
            <label key={form} className={`packet-form-choice${draft.form === form ? ' selected' : ''}`}>
              <input
                type="radio"
                name={`${id}-form`}
                value={form}
                checked={draft.form === form}
                onChange={() => onChange({ ...draft, form, deidentify: form === 'pdf' ? false : draft.deidentify })}
              />
              <span>
                <strong>{label}</strong>
                <span className="field-hint">{hint}</span>
              </span>
            </label>
          ))}
        </div>
        {draft.form !== 'pdf' && !studies && (
          <p className="packet-note warning" role="note">
            A disc folder or zip carries imaging studies; none is chosen. Add a study, or choose One PDF.
          </p>
        )}
        {draft.form !== 'pdf' && (
          <label className="checkbox packet-deidentify">
            <input
              type="checkbox"
              checked={draft.deidentify}
              onChange={(event) => set('deidentify', event.target.checked)}
            />
            <span>
              De-identify the imaging (DICOM PS3.15 Basic Profile): names, IDs, dates and institutions removed or
              replaced, private tags removed, pixels kept.
            </span>
          </label>
        )}
        {draft.form !== 'pdf' && draft.deidentify && (
          <p className="packet-note warning" role="note" data-testid="pdf-deidentify-note">
            PDFs cannot be de-identified reliably: reports in the packet keep the names, dates and numbers printed in
            them, and no summary PDF is written. Images can also carry a name burned into their pixels; you will be told
            where that is likely.
          </p>
        )}
      </fieldset>

      <fieldset className="packet-fieldset">
        <legend>Save to</legend>
        <FolderBrowser chooseFolder initialPath={draft.folder || null} onPathChange={onFolder} />
        <div className="field">
          <label htmlFor={`${id}-name`}>Name</label>
          <input
            id={`${id}-name`}
            className="input"
            value={draft.name}
            maxLength={200}
            onChange={(event) => set('name', event.target.value)}
          />
          <span className="field-hint">
            Saved as{' '}
            <span className="mono-path">{`${draft.folder}${draft.folder.includes('\\') ? '\\' : '/'}${targetName(draft)}`}</span>
          </span>
        </div>
      </fieldset>
    </div>
  );
}
