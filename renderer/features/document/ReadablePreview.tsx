import { useEffect, useState } from 'react';
import type { ReadableBlock, ReadableDocument, ReadableField, ReadableSection } from '../../../shared/readable';
import { useApi } from '../../api';
import { Spinner } from '../../ui/Spinner';
import { TextPreview } from './TextPreview';

/** The original file is shown up to this much: enough to check a detail, not to hang the window. */
const RAW_PREVIEW_BYTES = 2 * 1024 * 1024;

/**
 * A C-CDA or FHIR document as a page, with its original XML or JSON one click away (as text, in a
 * <pre>; never rendered). The page stays mounted while the original is shown, so going back is instant.
 */
export function ReadablePreview({ documentId, url, bytes }: { documentId: string; url: string; bytes: number }) {
  const [original, setOriginal] = useState(false);
  return (
    <div className="readable-preview">
      <div className="readable-toolbar">
        <button type="button" className="button small" aria-pressed={original} onClick={() => setOriginal(!original)}>
          {original ? 'Show as a page' : 'Show the original JSON / XML'}
        </button>
      </div>
      <div hidden={original}>
        <ReadablePage documentId={documentId} />
      </div>
      {original && <TextPreview url={url} bytes={bytes} limit={RAW_PREVIEW_BYTES} label="The original file" />}
    </div>
  );
}

/**
 * The page itself: its header, then each section. Everything is plain text from the core, laid out
 * here; nothing of the document's own markup reaches the page.
 */
function ReadablePage({ documentId }: { documentId: string }) {
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
      {document.header.length > 0 && <Fields fields={document.header} className="readable-header" />}
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

function Fields({ fields, className }: { fields: ReadableField[]; className: string }) {
  return (
    <dl className={className}>
      {fields.map((field, index) => (
        <div key={index}>
          <dt>{field.label}</dt>
          <dd>{field.value}</dd>
        </div>
      ))}
    </dl>
  );
}

function Block({ block }: { block: ReadableBlock }) {
  if (block.kind === 'paragraph') return <p>{block.text}</p>;
  if (block.kind === 'fields') return <Fields fields={block.fields} className="readable-header readable-fields" />;
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
                <th key={index} scope="col" className={block.columns?.[index]}>
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
                <td key={index} className={block.columns?.[index]}>
                  {cell}
                </td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
