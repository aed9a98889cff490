import { useEffect, useId, useRef, useState, type ReactNode } from 'react';
import type { ApiResult, ImportRequest } from '../../../shared/api';
import { useApi, useTransport, type DroppedItems, type UploadProgress } from '../../api';
import { plural } from '../../lib/format';
import { ErrorNote } from '../../ui/ErrorNote';
import { Icon, type IconName } from '../../ui/Icon';
import { Modal } from '../../ui/Modal';
import { isPageImage, movePage, scanRequest, turnPage, type PageItem } from './scanPages';
import './scan.css';
import { MAX_TITLE_LENGTH } from '../../../shared/limits';

let nextKey = 0;

/** What each page's buttons do ("#" in a label is the page's number). */
function pageActions(pages: PageItem[], index: number) {
  return [
    { label: 'Move page # up', icon: 'up', disabled: index === 0, apply: () => movePage(pages, index, -1) },
    {
      label: 'Move page # down',
      icon: 'up',
      className: 'turn-180',
      disabled: index === pages.length - 1,
      apply: () => movePage(pages, index, 1),
    },
    { label: 'Turn page # left', icon: 'left', apply: () => turnPage(pages, index, -90) },
    { label: 'Turn page # right', icon: 'right', apply: () => turnPage(pages, index, 90) },
    { label: 'Remove page #', icon: 'close', apply: () => pages.filter((_, at) => at !== index) },
  ] as { label: string; icon: IconName; className?: string; disabled?: boolean; apply: () => PageItem[] }[];
}

/** A browser shows JPEG and PNG (not TIFF): those pages get a thumbnail, from memory (a blob: URL). */
function thumbnailOf(file: File): string | undefined {
  return /\.(jpe?g|png)$/i.test(file.name) || /^image\/(jpeg|png)$/.test(file.type)
    ? URL.createObjectURL(file)
    : undefined;
}

/** Revokes the thumbnails of pages removed, and all of them when the list goes away. */
function useThumbnailCleanup(pages: readonly PageItem[]): void {
  const shown = useRef(new Set<string>());
  const live = useRef(true);
  useEffect(() => {
    const now = new Set(pages.flatMap((page) => (page.thumb ? [page.thumb] : [])));
    for (const url of shown.current) if (!now.has(url)) URL.revokeObjectURL(url);
    shown.current = now;
  }, [pages]);
  useEffect(() => {
    live.current = true;
    return () => {
      live.current = false;
      // React may unmount and mount again at once (StrictMode): only a real unmount revokes.
      queueMicrotask(() => {
        if (!live.current) shown.current.forEach((url) => URL.revokeObjectURL(url));
      });
    };
  }, []);
}

/**
 * What the step needs of the import it is part of (the import feature's controller is one): to
 * start an import of what it prepared, to close the dialog, and the files dropped meanwhile.
 */
export interface ScanImport {
  importPrepared(
    prepare: (options: {
      signal: AbortSignal;
      onProgress: (progress: UploadProgress) => void;
    }) => Promise<ApiResult<ImportRequest>>,
  ): Promise<void>;
  close(): void;
  /** Files dropped on the window go to `target` while it is set, instead of starting an import. */
  setDropTarget(target: ((drop: DroppedItems) => void) | null): void;
}

/**
 * "Scanned paper records": the pages of one paper document, put in order and turned upright by
 * the patient (or left to turn themselves), become one PDF whose text is read for search.
 * Pages come from picked or dropped images, or from the scanner where there is one.
 */
export function ScanPagesStep({
  controller,
  error,
  sourcePicker,
}: {
  controller: ScanImport;
  error: string | null;
  sourcePicker: ReactNode;
}) {
  const api = useApi();
  const transport = useTransport();
  const [pages, setPages] = useState<PageItem[]>([]);
  const [title, setTitle] = useState('');
  const [together, setTogether] = useState(true);
  const [scanner, setScanner] = useState(false);
  const [scanning, setScanning] = useState(false);
  const [note, setNote] = useState<string | null>(null);
  const picker = useRef<HTMLInputElement>(null);
  const titleId = useId();
  useThumbnailCleanup(pages);

  const addFiles = (files: File[]) => {
    const images = files.filter(isPageImage);
    setNote(
      images.length < files.length
        ? 'Only JPEG, PNG and TIFF images can be pages of a scan; the rest were left out.'
        : null,
    );
    setPages((current) => [
      ...current,
      ...images.map((file) => ({ key: `p${nextKey++}`, name: file.name, file, thumb: thumbnailOf(file) })),
    ]);
  };

  // While this list is open, files dropped on the window become pages instead of an import.
  const { setDropTarget } = controller;
  useEffect(() => {
    setDropTarget((drop: DroppedItems) => addFiles(drop.files));
    return () => setDropTarget(null);
  }, [setDropTarget]);

  useEffect(() => {
    let live = true;
    void api.getScannerStatus().then((result) => live && setScanner(result.ok && result.value.available));
    return () => {
      live = false;
    };
  }, [api]);

  const scan = async () => {
    setScanning(true);
    const result = await api.scanPage();
    setScanning(false);
    if (!result.ok) return setNote(result.error.message);
    setNote(null);
    setPages((current) => [
      ...current,
      { key: `p${nextKey++}`, name: result.value.name, uploadId: result.value.uploadId },
    ]);
  };

  const importPages = () => {
    const chosen = [...pages];
    void controller.importPrepared(async ({ signal, onProgress }): Promise<ApiResult<ImportRequest>> => {
      const refs: Parameters<typeof scanRequest>[0][number][] = [];
      const files = chosen.filter((page) => page.file);
      const bytesTotal = files.reduce((sum, page) => sum + page.file!.size, 0);
      let done = 0;
      let bytesDone = 0;
      for (const page of chosen) {
        if (page.uploadId) {
          refs.push({ page, ref: { uploadId: page.uploadId } });
          continue;
        }
        // Each picked image becomes a path (Electron) or an encrypted upload (browser mode), as a drop would.
        const prepared = await transport.prepareDrop(
          { files: [page.file!], entries: [null] },
          { signal, onProgress: () => undefined },
        );
        if (!prepared.ok) return prepared;
        const path = prepared.value.paths?.[0];
        const uploadId = prepared.value.uploadIds?.[0];
        refs.push({ page, ref: path ? { path } : { uploadId: uploadId! } });
        done++;
        bytesDone += page.file!.size;
        onProgress({ filesDone: done, filesTotal: files.length, bytesDone, bytesTotal });
      }
      return { ok: true, value: scanRequest(refs, title, together) };
    });
  };

  return (
    <Modal
      title="Import records"
      onClose={controller.close}
      size="large"
      testId="import-dialog"
      step="choosing"
      footer={
        <>
          <span className="footer-note">
            {pages.length === 0
              ? 'No pages yet'
              : together
                ? `${plural(pages.length, 'page')}, one document`
                : `${plural(pages.length, 'page')}, each its own document`}
          </span>
          <button type="button" className="button" onClick={controller.close}>
            Cancel
          </button>
          <button type="button" className="button primary" disabled={pages.length === 0} onClick={importPages}>
            <Icon name="import" /> Import
          </button>
        </>
      }
    >
      <ErrorNote message={error ?? note} />
      {sourcePicker}
      <div className="scan-add">
        <button type="button" className="button" onClick={() => picker.current?.click()}>
          <Icon name="plus" /> Add page images…
        </button>
        {scanner && (
          <button type="button" className="button" onClick={() => void scan()} disabled={scanning}>
            <Icon name="files" /> {scanning ? 'Scanning…' : 'Scan a page'}
          </button>
        )}
        <input
          ref={picker}
          type="file"
          multiple
          accept="image/jpeg,image/png,image/tiff,.jpg,.jpeg,.png,.tif,.tiff"
          hidden
          data-testid="scan-page-input"
          onChange={(event) => {
            addFiles([...(event.target.files ?? [])]);
            event.target.value = '';
          }}
        />
        <span className="scan-hint">or drop scanned images on the window. Pages are read in the order below.</span>
      </div>
      {pages.length > 0 && (
        <ol className="scan-pages" aria-label="Pages of the scan">
          {pages.map((page, index) => {
            const thumbnail = page.thumb;
            return (
              <li key={page.key} className="scan-page" data-testid="scan-page">
                <span className="scan-page-number">{index + 1}</span>
                <span className="scan-thumb">
                  {thumbnail ? (
                    <img src={thumbnail} alt="" className={`turn-${page.rotate ?? 0}`} />
                  ) : (
                    <Icon name="file" className={`turn-${page.rotate ?? 0}`} />
                  )}
                </span>
                <span className="scan-page-name">
                  {page.name}
                  <span className="scan-page-turn">
                    {page.rotate === undefined ? 'turned upright automatically' : `turned ${page.rotate}°`}
                  </span>
                </span>
                <span className="scan-page-actions">
                  {pageActions(pages, index).map((action) => (
                    <button
                      key={action.label}
                      type="button"
                      className={`icon-button${action.className ? ` ${action.className}` : ''}`}
                      onClick={() => setPages(action.apply())}
                      disabled={action.disabled}
                      aria-label={action.label.replace('#', String(index + 1))}
                    >
                      <Icon name={action.icon} />
                    </button>
                  ))}
                </span>
              </li>
            );
          })}
        </ol>
      )}
      <div className="scan-options">
        <div className="field">
          <label htmlFor={titleId}>Title</label>
          <input
            id={titleId}
            className="input"
            value={title}
            maxLength={MAX_TITLE_LENGTH}
            placeholder="For example: Discharge letter, March 2024"
            onChange={(event) => setTitle(event.target.value)}
          />
        </div>
        <label className="checkbox">
          <input type="checkbox" checked={together} onChange={(event) => setTogether(event.target.checked)} />
          Keep as one document
        </label>
      </div>
    </Modal>
  );
}
