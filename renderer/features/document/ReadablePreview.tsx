import { useEffect, useState } from 'react';
import type { ReadableBlock, ReadableDocument, ReadableSection } from '../../../shared/readable';
import { useApi } from '../../api';
import { Spinner } from '../../ui/Spinner';

/**
 * A C-CDA document as a page: its header, then each section. Everything is plain text from the
 * core, laid out here; nothing of the document's own markup reaches the page.
 */
export function ReadablePreview({ documentId }: { documentId: string }) {
  const api = useApi();
  const [state, setState] = useState<{ document: ReadableDocument | null; error: string | null } | null>(null);
  useEffect(() => {
    let live = true;
    setState(null);
    void api.getReadableDocument({ id: documentId }).then((result) => {
      if (!live) return;
      setState(result.ok ? { document: result.value, error: null } : { document: null, error: result.error.message });
    });
    return () => {
      live = false;
    };
  }, [api, documentId]);

  if (!state) return <Spinner label="Opening the document…" />;
  if (state.error || !state.document) {
    return <p className="preview-message">{state.error ?? 'This document cannot be shown as a page.'}</p>;
  }
  const { document } = state;
  return (
    <article className="readable" data-testid="readable-document">
      <h3 className="readable-title">{document.title}</h3>
      {document.header.length > 0 && (
        <dl className="readable-header">
          {document.header.map((entry) => (
            <div key={entry.label}>
              <dt>{entry.label}</dt>
              <dd>{entry.value}</dd>
            </div>
          ))}
        </dl>
      )}
      {document.sections.map((section, index) => (
        <Section key={index} section={section} level={4} />
      ))}
    </article>
  );
}

function Section({ section, level }: { section: ReadableSection; level: number }) {
  const Heading = level <= 4 ? 'h4' : 'h5';
  return (
    <section className="readable-section">
      <Heading>{section.title}</Heading>
      {section.blocks.map((block, index) => (
        <Block key={index} block={block} />
      ))}
      {section.sections.map((child, index) => (
        <Section key={index} section={child} level={level + 1} />
      ))}
    </section>
  );
}

function Block({ block }: { block: ReadableBlock }) {
  if (block.kind === 'paragraph') return <p>{block.text}</p>;
  if (block.kind === 'list') {
    const items = block.items.map((item, index) => <li key={index}>{item}</li>);
    return block.ordered ? <ol>{items}</ol> : <ul>{items}</ul>;
  }
  return (
    <div className="readable-table">
      <table>
        {block.caption && <caption>{block.caption}</caption>}
        {block.header.length > 0 && (
          <thead>
            <tr>
              {block.header.map((cell, index) => (
                <th key={index} scope="col">
                  {cell}
                </th>
              ))}
            </tr>
          </thead>
        )}
        <tbody>
          {block.rows.map((row, rowIndex) => (
            <tr key={rowIndex}>
              {row.map((cell, index) => (
                <td key={index}>{cell}</td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
