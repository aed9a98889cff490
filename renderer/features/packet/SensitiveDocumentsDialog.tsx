import { useRef } from 'react';
import type { VaultDocument } from '../../../shared/documents';
import { plural } from '../../lib/format';
import { Modal } from '../../ui/Modal';

export type SensitiveKind = 'psychotherapy' | 'not-covered';

const TEXT: Record<SensitiveKind, { title: string; why: string; include: string }> = {
  psychotherapy: {
    title: 'Include psychotherapy notes?',
    why: 'Psychotherapy notes are outside the standard right of access (45 CFR §164.524): they are kept apart from the rest of your record, and insurers, specialists and new doctors rarely need them. Once sent, you cannot take them back.',
    include: 'Include the psychotherapy notes',
  },
  'not-covered': {
    title: 'Include data not covered by HIPAA?',
    why: 'This data (such as wellness or fitness data) is not covered by HIPAA, and the recipient is not bound by HIPAA for it. Include it only if the recipient needs it.',
    include: 'Include this data',
  },
};

/**
 * The explicit choice a sensitive document needs before it can go into a packet; leaving it out
 * is the default and has the focus.
 */
export function SensitiveDocumentsDialog({
  kind,
  documents,
  onInclude,
  onClose,
}: {
  kind: SensitiveKind;
  documents: VaultDocument[];
  onInclude: () => void;
  onClose: () => void;
}) {
  const keepOut = useRef<HTMLButtonElement>(null);
  const text = TEXT[kind];
  return (
    <Modal
      title={text.title}
      onClose={onClose}
      size="small"
      initialFocus={keepOut}
      testId="sensitive-dialog"
      footer={
        <>
          <button type="button" className="button danger" onClick={onInclude}>
            {text.include}
          </button>
          <button ref={keepOut} type="button" className="button primary" onClick={onClose}>
            Keep them out
          </button>
        </>
      }
    >
      <p>{text.why}</p>
      <p>You chose {plural(documents.length, 'such document')}:</p>
      <ul className="sensitive-list">
        {documents.map((document) => (
          <li key={document.id}>{document.title}</li>
        ))}
      </ul>
    </Modal>
  );
}
