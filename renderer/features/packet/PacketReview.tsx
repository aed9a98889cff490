import { useEffect, useState } from 'react';
import type { PacketPlan } from '../../../shared/packets';
import { useApi } from '../../api';
import { formatIsoDate, plural, recordTypeLabel } from '../../lib/format';
import { ErrorNote } from '../../ui/ErrorNote';
import { Icon } from '../../ui/Icon';
import { Spinner } from '../../ui/Spinner';
import { problems, sensitiveDocuments, toOutput, toRequest, type PacketDraft } from './packetDraft';
import { SensitiveDocumentsDialog, type SensitiveKind } from './SensitiveDocumentsDialog';

/**
 * The packet as it will be written — its page list laid out by the same code that writes it —
 * what is left out and why, and the explicit choices sensitive documents need.
 */
export function PacketReview({ draft, onChange }: { draft: PacketDraft; onChange: (draft: PacketDraft) => void }) {
  const api = useApi();
  const [plan, setPlan] = useState<PacketPlan | null>(null);
  const [planError, setPlanError] = useState<string | null>(null);
  const [asking, setAsking] = useState<SensitiveKind | null>(null);
  const { psychotherapy, notCovered } = sensitiveDocuments(draft);
  const request = JSON.stringify({ request: toRequest(draft), output: toOutput(draft) });
  const empty = draft.documents.length === 0;

  useEffect(() => {
    let current = true;
    setPlan(null);
    setPlanError(null);
    if (empty) return;
    void api.planPacket(JSON.parse(request)).then((result) => {
      if (!current) return;
      if (result.ok) setPlan(result.value);
      else setPlanError(result.error.message);
    });
    return () => {
      current = false;
    };
  }, [api, request, empty]);

  const todo = problems(draft);
  const pdf = draft.form === 'pdf';
  // A de-identified disc has no summary PDF (it would name the patient), so no pages to list.
  const pages = pdf || !draft.deidentify;

  return (
    <div className="packet-review">
      {todo.length > 0 && (
        <div className="packet-note warning" role="note" data-testid="packet-problems">
          <strong>Before the packet can be written:</strong>
          <ul>
            {todo.map((problem) => (
              <li key={problem}>{problem}</li>
            ))}
          </ul>
        </div>
      )}

      {psychotherapy.length > 0 && (
        <SensitiveNote
          testId="psychotherapy-note"
          included={draft.includePsychotherapyNotes}
          includedText={`${plural(psychotherapy.length, 'psychotherapy note')} will be included at your explicit request. They are outside the standard right of access and rarely needed.`}
          excludedText={`${plural(psychotherapy.length, 'psychotherapy note')} will be left out: psychotherapy notes are outside the standard right of access (45 CFR §164.524) and rarely needed.`}
          includeLabel="Include them…"
          leaveOutLabel="Leave them out"
          onInclude={() => setAsking('psychotherapy')}
          onLeaveOut={() => onChange({ ...draft, includePsychotherapyNotes: false })}
        />
      )}
      {notCovered.length > 0 && (
        <SensitiveNote
          testId="not-covered-note"
          included={draft.includeNotCovered}
          includedText={`${plural(notCovered.length, 'document')} not covered by HIPAA will be included at your request; the recipient is not bound by HIPAA for it.`}
          excludedText={`${plural(notCovered.length, 'document')} not covered by HIPAA (such as wellness data) will be left out.`}
          includeLabel="Include it…"
          leaveOutLabel="Leave it out"
          onInclude={() => setAsking('not-covered')}
          onLeaveOut={() => onChange({ ...draft, includeNotCovered: false })}
        />
      )}

      <h3 className="packet-review-heading">
        {pdf ? 'Page list' : 'Contents'}
        {plan && pdf && <span className="muted"> · {plural(plan.totalPages, 'page')}</span>}
        {plan && !pdf && pages && <span className="muted"> · summary PDF of {plural(plan.totalPages, 'page')}</span>}
      </h3>
      {!pdf && (
        <p className="muted packet-disc-explained">
          {pages
            ? 'The disc carries the imaging studies as DICOM files with a DICOMDIR, the PDF reports, and a summary PDF of every record below (the records that are neither imaging nor PDF are only in the summary).'
            : 'The disc carries the imaging studies, de-identified, and the PDF reports. No summary PDF is written: it would name you on every page. Records that are neither imaging nor PDF are left off.'}
        </p>
      )}
      {planError && <ErrorNote message={planError} />}
      {!plan && !planError && !empty && <Spinner label="Laying out the packet…" />}
      {plan && (
        <table className="packet-plan" data-testid="packet-plan">
          <caption className="visually-hidden">
            {pdf ? 'The pages of the packet' : 'The documents in the packet'}, in order
          </caption>
          <thead>
            <tr>
              {pages && <th scope="col">{pdf ? 'Pages' : 'Pages in the summary'}</th>}
              <th scope="col">Document</th>
              <th scope="col">Type</th>
              <th scope="col">Date</th>
            </tr>
          </thead>
          <tbody>
            {pages && plan.coverPages > 0 && (
              <tr className="packet-plan-front">
                <td>{pageRange(1, plan.coverPages)}</td>
                <td colSpan={3}>Cover letter</td>
              </tr>
            )}
            {pages && plan.indexPages > 0 && (
              <tr className="packet-plan-front">
                <td>{pageRange(plan.coverPages + 1, plan.coverPages + plan.indexPages)}</td>
                <td colSpan={3}>{pdf ? 'Index' : 'Summary and index'}</td>
              </tr>
            )}
            {plan.items.map((item) => (
              <tr key={item.documentId}>
                {pages && <td>{pageRange(item.firstPage, item.lastPage)}</td>}
                <td>{item.title}</td>
                <td>{recordTypeLabel(item.type)}</td>
                <td>{formatIsoDate(item.date)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {plan && plan.excluded.length > 0 && (
        <div className="packet-excluded">
          <h4>Left out</h4>
          <ul>
            {plan.excluded.map((item) => (
              <li key={item.documentId}>
                <strong>{item.title}</strong>: {item.reason}
              </li>
            ))}
          </ul>
        </div>
      )}

      {asking && (
        <SensitiveDocumentsDialog
          kind={asking}
          documents={asking === 'psychotherapy' ? psychotherapy : notCovered}
          onClose={() => setAsking(null)}
          onInclude={() => {
            onChange(
              asking === 'psychotherapy'
                ? { ...draft, includePsychotherapyNotes: true }
                : { ...draft, includeNotCovered: true },
            );
            setAsking(null);
          }}
        />
      )}
    </div>
  );
}

/** What happens to chosen documents that stay out by default, and the button that changes it. */
function SensitiveNote(props: {
  testId: string;
  included: boolean;
  includedText: string;
  excludedText: string;
  includeLabel: string;
  leaveOutLabel: string;
  onInclude: () => void;
  onLeaveOut: () => void;
}) {
  return (
    <div className={`packet-note ${props.included ? 'danger' : 'info'}`} data-testid={props.testId}>
      <p>
        {props.included && <Icon name="alert" />} {props.included ? props.includedText : props.excludedText}
      </p>
      <button type="button" className="button small" onClick={props.included ? props.onLeaveOut : props.onInclude}>
        {props.included ? props.leaveOutLabel : props.includeLabel}
      </button>
    </div>
  );
}

function pageRange(first: number, last: number): string {
  return first === last ? String(first) : `${first}–${last}`;
}
