import { useCallback, useEffect, useId, useRef, useState, type FormEvent } from 'react';
import type { FolderEntry, FolderListing } from '../../shared/api';
import { useApi } from '../api';
import { formatBytes } from '../lib/format';
import { ErrorNote } from './ErrorNote';
import { Icon } from './Icon';
import { Spinner } from './Spinner';
import './folderBrowser.css';

const NOTHING_SELECTED = new Map<string, FolderEntry>();

/**
 * Browser mode's file chooser: the core lists folders on this computer; the patient moves
 * between them and ticks files and folders (a ticked folder is imported with everything in it).
 * As a folder chooser (`chooseFolder`, where a packet is saved) nothing is ticked: the folder
 * shown is the one chosen, its files listed only so names already taken can be seen.
 */
export function FolderBrowser({
  selected = NOTHING_SELECTED,
  onSelectedChange = () => undefined,
  chooseFolder = false,
  initialPath,
  onPathChange,
}: {
  selected?: Map<string, FolderEntry>;
  onSelectedChange?: (selected: Map<string, FolderEntry>) => void;
  chooseFolder?: boolean;
  /** Where to start (null: the home folder). */
  initialPath: string | null;
  onPathChange: (path: string) => void;
}) {
  const api = useApi();
  const [listing, setListing] = useState<FolderListing | null>(null);
  const [loading, setLoading] = useState(true);
  const [error, setError] = useState<string | null>(null);
  const [typedPath, setTypedPath] = useState('');
  const request = useRef(0);
  /** Counts edits of the path field, so a listing that arrives late does not overwrite typing. */
  const edits = useRef(0);
  const pathId = useId();
  const listRef = useRef<HTMLUListElement>(null);

  const browse = useCallback(
    async (path: string | null, focusList = false) => {
      const id = ++request.current;
      const editsAtStart = edits.current;
      setLoading(true);
      const result = await api.browseFolder({ path });
      if (id !== request.current) return;
      setLoading(false);
      if (!result.ok) {
        setError(result.error.message);
        return;
      }
      setError(null);
      setListing(result.value);
      if (edits.current === editsAtStart) setTypedPath(result.value.path);
      onPathChange(result.value.path);
      if (focusList) requestAnimationFrame(() => listRef.current?.querySelector<HTMLElement>('input, button')?.focus());
    },
    [api, onPathChange],
  );

  const start = useRef(initialPath);
  useEffect(() => {
    void browse(start.current);
  }, [browse]);

  const toggle = (entry: FolderEntry, on: boolean) => {
    const next = new Map(selected);
    if (on) next.set(entry.path, entry);
    else next.delete(entry.path);
    onSelectedChange(next);
  };

  const entries = listing?.entries ?? [];
  const allTicked = entries.length > 0 && entries.every((entry) => selected.has(entry.path));
  const toggleAll = (on: boolean) => {
    const next = new Map(selected);
    for (const entry of entries) {
      if (on) next.set(entry.path, entry);
      else next.delete(entry.path);
    }
    onSelectedChange(next);
  };

  const go = (event: FormEvent) => {
    event.preventDefault();
    if (typedPath.trim()) void browse(typedPath.trim(), true);
  };

  return (
    <div className="folder-browser">
      <form className="folder-path" onSubmit={go}>
        <button
          type="button"
          className="icon-button"
          onClick={() => listing?.parent && void browse(listing.parent, true)}
          disabled={!listing?.parent || loading}
          aria-label="Up to the enclosing folder"
          title="Up"
        >
          <Icon name="up" />
        </button>
        <label htmlFor={pathId} className="visually-hidden">
          Folder
        </label>
        <input
          id={pathId}
          className="input mono-path"
          value={typedPath}
          onChange={(event) => {
            edits.current += 1;
            setTypedPath(event.target.value);
          }}
          spellCheck={false}
          autoComplete="off"
        />
        <button type="submit" className="button small">
          Go
        </button>
      </form>
      <ErrorNote message={error} />
      <div className="folder-list-wrap" aria-busy={loading}>
        {listing && entries.length > 0 && !chooseFolder && (
          <label className="checkbox folder-all">
            <input type="checkbox" checked={allTicked} onChange={(event) => toggleAll(event.target.checked)} />
            <span>Select everything in this folder</span>
          </label>
        )}
        {loading && !listing && (
          <div className="folder-empty">
            <Spinner label="Reading the folder…" />
          </div>
        )}
        {listing && entries.length === 0 && <div className="folder-empty">This folder is empty.</div>}
        <ul className="folder-list" ref={listRef} aria-label={listing ? `Contents of ${listing.path}` : undefined}>
          {entries.map((entry, index) => {
            const ticked = selected.has(entry.path);
            const checkboxId = `${pathId}-${index}`;
            return (
              <li key={entry.path} className={ticked ? 'ticked' : undefined}>
                {!chooseFolder && (
                  <input
                    id={checkboxId}
                    type="checkbox"
                    checked={ticked}
                    onChange={(event) => toggle(entry, event.target.checked)}
                    aria-label={entry.kind === 'folder' ? `Select folder ${entry.name}` : undefined}
                  />
                )}
                {entry.kind === 'folder' ? (
                  <button
                    type="button"
                    className="folder-open"
                    onClick={() => void browse(entry.path, true)}
                    aria-label={`Open folder ${entry.name}`}
                  >
                    <Icon name="folder" />
                    <span className="entry-name">{entry.name}</span>
                    <Icon name="right" className="entry-chevron" />
                  </button>
                ) : (
                  <label
                    className={`folder-file${chooseFolder ? ' muted' : ''}`}
                    htmlFor={chooseFolder ? undefined : checkboxId}
                  >
                    <Icon name="file" />
                    <span className="entry-name">{entry.name}</span>
                    <span className="entry-size">{entry.bytes === null ? '' : formatBytes(entry.bytes)}</span>
                  </label>
                )}
              </li>
            );
          })}
        </ul>
      </div>
    </div>
  );
}
