import type { SuggestionBasis } from '../../../shared/documents';
import { REVIEW_THRESHOLD } from '../../../shared/documents';

/** Under a field Medvault filled in: how sure it is and what it went by ("LOINC 18842-5"). */
export function SuggestionNote({ basis, testId }: { basis: SuggestionBasis | undefined; testId?: string }) {
  if (!basis) return null;
  const unsure = basis.confidence < REVIEW_THRESHOLD;
  return (
    <span className={`suggestion-note${unsure ? ' unsure' : ''}`} data-testid={testId}>
      Suggested{unsure ? ', unsure' : ''} ({Math.round(basis.confidence * 100)}%): {basis.reason}
    </span>
  );
}
