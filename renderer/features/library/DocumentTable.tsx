import type { KeyboardEvent } from 'react';
import type { VaultDocument } from '../../../shared/documents';
import { RECORD_CATEGORY_LABELS } from '../../../shared/recordSet';
import { formatIsoDate, recordTypeLabel } from '../../lib/format';
import { Icon } from '../../ui/Icon';

const MAX_TAGS_SHOWN = 3;

export function DocumentTable({
  documents,
  selectedId,
  onOpen,
  busy,
  caption,
}: {
  documents: VaultDocument[];
  selectedId: string | null;
  onOpen: (id: string) => void;
  busy: boolean;
  caption: string;
}) {
  const onKeyDown = (event: KeyboardEvent<HTMLTableRowElement>, id: string) => {
    const row = event.currentTarget;
    if (event.key === 'Enter' || event.key === ' ') {
      event.preventDefault();
      onOpen(id);
    } else if (event.key === 'ArrowDown') {
      event.preventDefault();
      (row.nextElementSibling as HTMLElement | null)?.focus();
    } else if (event.key === 'ArrowUp') {
      event.preventDefault();
      (row.previousElementSibling as HTMLElement | null)?.focus();
    } else if (event.key === 'Home') {
      event.preventDefault();
      (row.parentElement?.firstElementChild as HTMLElement | null)?.focus();
    } else if (event.key === 'End') {
      event.preventDefault();
      (row.parentElement?.lastElementChild as HTMLElement | null)?.focus();
    }
  };

  return (
    <table className="document-table" data-testid="document-table" aria-busy={busy}>
      <caption className="visually-hidden">{caption}</caption>
      <thead>
        <tr>
          <th scope="col" className="col-title">
            Title
          </th>
          <th scope="col" className="col-type">
            Type
          </th>
          <th scope="col" className="col-category">
            Category
          </th>
          <th scope="col" className="col-date" aria-sort="descending">
            Date
          </th>
          <th scope="col" className="col-provider">
            Provider
          </th>
          <th scope="col" className="col-tags">
            Tags
          </th>
        </tr>
      </thead>
      <tbody>
        {documents.map((document) => (
          <tr
            key={document.id}
            tabIndex={0}
            aria-current={document.id === selectedId ? true : undefined}
            className={document.id === selectedId ? 'selected' : undefined}
            onClick={() => onOpen(document.id)}
            onKeyDown={(event) => onKeyDown(event, document.id)}
            data-document-id={document.id}
          >
            <td className="col-title">
              <span className="title-cell">
                <Icon name="file" />
                <span className="title-text">{document.title}</span>
                {document.needsReview && (
                  <span className="review-badge" title="Medvault is unsure of this type or date: check it">
                    <Icon name="flag" /> Check
                  </span>
                )}
              </span>
            </td>
            <td className="col-type">{recordTypeLabel(document.type)}</td>
            <td className="col-category">{RECORD_CATEGORY_LABELS[document.category]}</td>
            <td className="col-date">
              {document.date ? (
                <time dateTime={document.date}>{formatIsoDate(document.date)}</time>
              ) : (
                <span className="unknown">Unknown</span>
              )}
            </td>
            <td className="col-provider">{document.provider ?? <span className="unknown">—</span>}</td>
            <td className="col-tags">
              <span className="tag-list">
                {document.tags.slice(0, MAX_TAGS_SHOWN).map((tag) => (
                  <span key={tag} className="chip">
                    {tag}
                  </span>
                ))}
                {document.tags.length > MAX_TAGS_SHOWN && (
                  <span className="chip more">+{document.tags.length - MAX_TAGS_SHOWN}</span>
                )}
              </span>
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
