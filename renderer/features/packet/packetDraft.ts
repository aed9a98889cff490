/**
 * The packet being made, as the form holds it, and the rules the form follows: what each purpose
 * starts with, how the chosen documents are reordered, which of them need an explicit choice
 * (psychotherapy notes, data HIPAA does not cover) and what must be filled in before writing.
 */
import type { PacketForm, PacketOutput } from '../../../shared/api';
import type { VaultDocument } from '../../../shared/documents';
import { isIsoDate } from '../../../shared/documents';
import { PACKET_KINDS } from '../../../shared/packetKinds';
import type {
  AppealDetails,
  PacketPatient,
  PacketPurpose,
  PacketRecipient,
  PacketRequest,
} from '../../../shared/packets';

export interface PacketDraft {
  purpose: PacketPurpose;
  /** In packet order. */
  documents: VaultDocument[];
  recipient: PacketRecipient;
  patient: PacketPatient;
  appeal: AppealDetails;
  form: PacketForm;
  folder: string;
  name: string;
  deidentify: boolean;
  includePsychotherapyNotes: boolean;
  includeNotCovered: boolean;
}

export const EMPTY_APPEAL: AppealDetails = {
  memberId: '',
  claimNumber: '',
  datesOfService: '',
  denialDate: '',
  statement: '',
};

export function defaultForm(purpose: PacketPurpose): PacketForm {
  return PACKET_KINDS[purpose].defaultForm;
}

export function defaultName(purpose: PacketPurpose, today: string): string {
  return `${PACKET_KINDS[purpose].nameBase} ${today}`;
}

export function newDraft(options: { folder: string; patient: PacketPatient; today: string }): PacketDraft {
  return {
    purpose: 'insurance-appeal',
    documents: [],
    recipient: { name: '', organisation: '', address: '' },
    patient: options.patient,
    appeal: EMPTY_APPEAL,
    form: 'pdf',
    folder: options.folder,
    name: defaultName('insurance-appeal', options.today),
    deidentify: false,
    includePsychotherapyNotes: false,
    includeNotCovered: false,
  };
}

/** A new purpose brings its usual form, and its usual name unless the patient typed one. */
export function withPurpose(draft: PacketDraft, purpose: PacketPurpose, today: string): PacketDraft {
  const namedByUs = draft.name === defaultName(draft.purpose, today);
  const form = defaultForm(purpose);
  return {
    ...draft,
    purpose,
    form,
    deidentify: form === 'pdf' ? false : draft.deidentify,
    name: namedByUs ? defaultName(purpose, today) : draft.name,
  };
}

/** Adds documents at the end, each once, in the order given. */
export function addDocuments(draft: PacketDraft, documents: VaultDocument[]): PacketDraft {
  const have = new Set(draft.documents.map((document) => document.id));
  const added: VaultDocument[] = [];
  for (const document of documents) {
    if (have.has(document.id)) continue;
    have.add(document.id);
    added.push(document);
  }
  return added.length === 0 ? draft : { ...draft, documents: [...draft.documents, ...added] };
}

export function removeDocument(draft: PacketDraft, id: string): PacketDraft {
  return { ...draft, documents: draft.documents.filter((document) => document.id !== id) };
}

/** Moves the document at `from` so it ends up at index `to` (drag and drop, or the arrow buttons). */
export function moveDocument(draft: PacketDraft, from: number, to: number): PacketDraft {
  const documents = [...draft.documents];
  if (from < 0 || from >= documents.length) return draft;
  const target = Math.max(0, Math.min(documents.length - 1, to));
  if (target === from) return draft;
  const [moved] = documents.splice(from, 1);
  documents.splice(target, 0, moved!);
  return { ...draft, documents };
}

/** The chosen documents that stay out of the packet unless the patient says otherwise. */
export function sensitiveDocuments(draft: PacketDraft): {
  psychotherapy: VaultDocument[];
  notCovered: VaultDocument[];
} {
  return {
    psychotherapy: draft.documents.filter((document) => document.category === 'psychotherapy-note'),
    notCovered: draft.documents.filter((document) => document.category === 'not-covered'),
  };
}

export function hasStudy(draft: PacketDraft): boolean {
  return draft.documents.some((document) => document.type === 'imaging-study');
}

export function toRequest(draft: PacketDraft): PacketRequest {
  return {
    purpose: draft.purpose,
    documentIds: draft.documents.map((document) => document.id),
    recipient: draft.recipient,
    appeal: PACKET_KINDS[draft.purpose].asksForClaim ? draft.appeal : undefined,
    patient: { name: draft.patient.name.trim(), dateOfBirth: draft.patient.dateOfBirth },
    includePsychotherapyNotes: draft.includePsychotherapyNotes,
    includeNotCovered: draft.includeNotCovered,
  };
}

export function toOutput(draft: PacketDraft): PacketOutput {
  return {
    form: draft.form,
    folder: draft.folder,
    name: draft.name.trim(),
    deidentify: draft.form !== 'pdf' && draft.deidentify,
  };
}

/** What still has to be done before the packet can be written, one sentence each. */
export function problems(draft: PacketDraft): string[] {
  const found: string[] = [];
  if (draft.documents.length === 0) found.push('Choose at least one document.');
  const { psychotherapy, notCovered } = sensitiveDocuments(draft);
  const left =
    draft.documents.length -
    (draft.includePsychotherapyNotes ? 0 : psychotherapy.length) -
    (draft.includeNotCovered ? 0 : notCovered.length);
  if (draft.documents.length > 0 && left === 0) found.push('Every document chosen is left out; choose others.');
  if (draft.form === 'pdf') {
    if (!draft.patient.name.trim()) found.push("Enter the patient's name: every page is stamped with it.");
    if (!isIsoDate(draft.patient.dateOfBirth)) {
      found.push("Enter the patient's date of birth: every page is stamped with it.");
    }
  } else if (!hasStudy(draft)) {
    found.push('A disc folder or zip is for imaging studies: add a study, or choose a PDF.');
  }
  if (PACKET_KINDS[draft.purpose].asksForClaim && draft.appeal.denialDate && !isIsoDate(draft.appeal.denialDate)) {
    found.push('The date of the denial is not a date.');
  }
  if (!draft.name.trim()) found.push('Give the packet a name.');
  else if (/[\\/]/.test(draft.name)) found.push('The packet’s name cannot contain a slash.');
  if (!draft.folder.trim()) found.push('Choose the folder to save the packet in.');
  return found;
}

/** The file or folder name as it will be written. */
export function targetName(draft: PacketDraft): string {
  const name = draft.name.trim();
  const extension = draft.form === 'pdf' ? '.pdf' : draft.form === 'zip' ? '.zip' : '';
  return extension && !name.toLowerCase().endsWith(extension) ? `${name}${extension}` : name;
}
