/** What the vault check says, in sentences: pure, so it is tested without a page. */
import type { VaultCheck } from '../../../shared/api';
import { formatBytes, plural } from '../../lib/format';

export function checkSummary(check: VaultCheck): string {
  if (check.ok) {
    return `The vault is intact: the database and ${plural(check.filesChecked, 'file')} (${plural(check.documents, 'document')}) check out.`;
  }
  const parts = [];
  if (check.database !== 'ok') parts.push('the database reports damage');
  if (check.problems.length > 0) parts.push(`${plural(check.problems.length, 'file')} cannot be read as stored`);
  return `The vault has problems: ${parts.join(', and ')}. Keep a backup of the folder as it is before changing anything.`;
}

export function unreferencedSentence(unreferenced: VaultCheck['unreferenced']): string {
  const one = unreferenced.count === 1;
  return `${plural(unreferenced.count, 'stored file')} (${formatBytes(unreferenced.bytes)}) ${one ? 'belongs' : 'belong'} to no document. ${one ? 'It is' : 'They are'} kept: Medvault never removes a file on its own judgement.`;
}
