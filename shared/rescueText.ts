/**
 * A rescue's report in sentences, the same in the CLI (`medvault rescue`) and on the unlock screen.
 */
import type { RescueReport } from './api';

function count(n: number, noun: string): string {
  return `${n} ${noun}${n === 1 ? '' : 's'}`;
}

/** Whether everything the cards named came back (else the CLI exits 2 and the app says what did not). */
export function rescueComplete(report: RescueReport): boolean {
  return !report.damagedCards.length && !report.damagedFiles.length && !report.missingFiles.length;
}

/** "52 documents, 1 disclosure and the settings came back with their edits." */
export function rescueHeadline(report: RescueReport): string {
  const brought = [
    count(report.documents, 'document'),
    count(report.disclosures, 'disclosure'),
    ...(report.settings ? ['the settings'] : []),
  ];
  return `${brought.slice(0, -1).join(', ')} and ${brought.at(-1)} came back with their edits.`;
}

/** What else the patient should know: files found without a card, what could not come back, where the old database went. */
export function rescueDetails(report: RescueReport): string[] {
  const lines: string[] = [];
  const n = report.recoveredWithoutCard;
  if (n) {
    lines.push(
      `${count(n, 'stored file')} had no readable record card: ${n === 1 ? 'it is' : 'they are'} back as "Recovered file N", to be looked at and filed.`,
    );
  }
  for (const card of report.damagedCards) lines.push(`The record card ${card.card} was not used: ${card.reason}.`);
  for (const file of report.damagedFiles)
    lines.push(`The stored file ${file.blobId} was kept as it is: ${file.reason}.`);
  for (const file of report.missingFiles) {
    lines.push(`Document ${file.documentId ?? '(none)'}: its file ${file.blobId} is missing from the vault.`);
  }
  for (const path of report.keptAside) lines.push(`The old database file was kept as ${path}.`);
  lines.push(...report.notRecovered);
  return lines;
}
