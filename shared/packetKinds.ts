/**
 * The packet kinds, by purpose — whom a packet is for — and the forms a packet is written in.
 * Two words, one each: a packet's *purpose* (insurance appeal, second opinion, new provider) is
 * its kind; its *form* (one PDF, a disc folder, a zip of that folder) is how it is written. The
 * schema, the packet form, the CLI and the disclosure log read both from here; the core's part of
 * a kind (its cover letter) is in `electron/core/export/kinds/<kind>/`.
 */

export const PACKET_PURPOSES = ['insurance-appeal', 'second-opinion', 'new-provider'] as const;
export type PacketPurpose = (typeof PACKET_PURPOSES)[number];

export const PACKET_FORMS = ['pdf', 'folder', 'zip'] as const;
/** How a packet is written: one PDF, a disc-style folder (for a USB stick) or that folder as a zip. */
export type PacketForm = (typeof PACKET_FORMS)[number];

export interface PacketKindInfo {
  /** As the form's choice and the disclosure log name it. */
  label: string;
  /** One sentence under the choice: what the recipient gets. */
  hint: string;
  /** The form the packet form starts with for this purpose. */
  defaultForm: PacketForm;
  /** A new packet's file name starts with it (then the date). */
  nameBase: string;
  /** Asks for the claim (member ID, claim number, dates of service, denial, the patient's statement). */
  asksForClaim: boolean;
}

/** In the order the packet form offers them. */
export const PACKET_KINDS: Record<PacketPurpose, PacketKindInfo> = {
  'insurance-appeal': {
    label: 'Insurance appeal',
    hint: 'One PDF for the insurer: a cover letter with your statement, an index, then the records.',
    defaultForm: 'pdf',
    nameBase: 'Appeal',
    asksForClaim: true,
  },
  'second-opinion': {
    label: 'Second opinion',
    // A PACS imports a disc folder; a specialist needs the images as they were acquired.
    hint: 'Imaging for a specialist on a disc folder a PACS can import, with the reports.',
    defaultForm: 'folder',
    nameBase: 'Second opinion',
    asksForClaim: false,
  },
  'new-provider': {
    label: 'New provider',
    hint: 'Your records for a new doctor, as one PDF or a disc folder.',
    defaultForm: 'pdf',
    nameBase: 'Records',
    asksForClaim: false,
  },
};

export const PACKET_FORM_LABELS: Record<PacketForm, string> = {
  pdf: 'PDF',
  folder: 'Disc folder',
  zip: 'Zip',
};

/**
 * The word for each form in the disclosure log's files — the CSV's `packet_kind` column, the CLI's
 * `disclosures --json` — and in the vault's table: the words the first version wrote, kept so
 * that old logs, exported files and scripts read the same.
 */
export const PACKET_FORM_LOG_NAMES: Record<PacketForm, string> = {
  pdf: 'appeal-pdf',
  folder: 'second-opinion-folder',
  zip: 'second-opinion-zip',
};

/** 'insurance-appeal' → 'Insurance appeal'; a purpose a later version wrote is shown as it is stored. */
export function packetPurposeLabel(purpose: string): string {
  return (PACKET_KINDS as Record<string, PacketKindInfo | undefined>)[purpose]?.label ?? purpose;
}

/** 'folder' → 'Disc folder'; a form a later version wrote is shown as it is stored. */
export function packetFormLabel(form: string): string {
  return (PACKET_FORM_LABELS as Record<string, string | undefined>)[form] ?? form;
}
