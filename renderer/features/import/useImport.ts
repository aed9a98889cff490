import { useCallback, useEffect, useRef, useState } from 'react';
import type { ApiError, ApiEvent, ApiResult, ImportRequest } from '../../../shared/api';
import type { DocumentSourceKind } from '../../../shared/documents';
import type { ImportProgress, ImportReport } from '../../../shared/imports';
import { useApi, useApiEvents, useTransport, type DroppedItems, type UploadProgress } from '../../api';
import { addSample, estimateSecondsLeft, type RateSample } from './timeLeft';

export type ImportState =
  | { phase: 'idle' }
  | { phase: 'choosing'; error: string | null; sourceKind?: DocumentSourceKind }
  | { phase: 'uploading'; progress: UploadProgress | null }
  | { phase: 'starting' }
  | {
      phase: 'running';
      importId: string;
      progress: ImportProgress | null;
      secondsLeft: number | null;
      cancelling: boolean;
    }
  | { phase: 'finished'; report: ImportReport }
  | { phase: 'failed'; error: ApiError };

type PrepareOptions = { signal: AbortSignal; onProgress: (progress: UploadProgress) => void };

type ImportEvent = Extract<ApiEvent, { name: 'import-progress' | 'import-finished' | 'import-failed' }>;

function isImportEvent(event: ApiEvent): event is ImportEvent {
  return event.name === 'import-progress' || event.name === 'import-finished' || event.name === 'import-failed';
}

/**
 * One import at a time, from choosing to the report: paths (file dialog or folder browser) or
 * dropped files (uploaded first in browser mode), progress and time left from the core's events,
 * cancel, and the report. `onFinished` runs when an import ends, so the library can refresh.
 */
export function useImport({ onFinished }: { onFinished: () => void }) {
  const api = useApi();
  const transport = useTransport();
  const [state, setState] = useState<ImportState>({ phase: 'idle' });
  const [dialogOpen, setDialogOpen] = useState(false);
  /** The folder browser's last folder, for this session only. */
  const [lastFolder, setLastFolder] = useState<string | null>(null);
  const samples = useRef<RateSample[]>([]);
  /** Events that arrive before startImport has told us the import's id. */
  const early = useRef<ImportEvent[]>([]);
  const stateRef = useRef(state);
  const uploadAbort = useRef<AbortController | null>(null);
  /** Where a drop goes instead of straight into an import (the scan page list, while it is open). */
  const dropTarget = useRef<((drop: DroppedItems) => void) | null>(null);
  useEffect(() => {
    stateRef.current = state;
  });

  const apply = useCallback(
    (event: ImportEvent) => {
      setState((current) => {
        if (current.phase !== 'running' || current.importId !== event.payload.importId) return current;
        if (event.name === 'import-progress') {
          const progress = event.payload.progress;
          samples.current = addSample(samples.current, { at: performance.now(), bytesDone: progress.bytesDone });
          return { ...current, progress, secondsLeft: estimateSecondsLeft(samples.current, progress.bytesTotal) };
        }
        if (event.name === 'import-finished') return { phase: 'finished', report: event.payload.report };
        return { phase: 'failed', error: event.payload.error };
      });
      if (event.name !== 'import-progress') {
        setDialogOpen(true); // show the report, also after an import that ran in the background
        onFinished();
      }
    },
    [onFinished],
  );

  useApiEvents((event) => {
    if (!isImportEvent(event)) return;
    const current = stateRef.current;
    if (current.phase === 'starting') early.current.push(event);
    else if (current.phase === 'running' && current.importId === event.payload.importId) apply(event);
  });

  const start = useCallback(
    async (request: ImportRequest) => {
      early.current = [];
      samples.current = [];
      setState({ phase: 'starting' });
      stateRef.current = { phase: 'starting' };
      setDialogOpen(true);
      const result = await api.startImport(request);
      if (!result.ok) {
        setState({ phase: 'failed', error: result.error });
        return;
      }
      const { importId } = result.value;
      const running: ImportState = { phase: 'running', importId, progress: null, secondsLeft: null, cancelling: false };
      setState(running);
      stateRef.current = running;
      const missed = early.current.filter((event) => event.payload.importId === importId);
      early.current = [];
      for (const event of missed) apply(event);
    },
    [api, apply],
  );

  const busy = ['uploading', 'starting', 'running'].includes(state.phase);

  const prepared = useCallback(
    async (prepare: (options: PrepareOptions) => Promise<ApiResult<ImportRequest>>) => {
      if (busy) return;
      const controller = new AbortController();
      uploadAbort.current = controller;
      setDialogOpen(true);
      setState({ phase: 'uploading', progress: null });
      const request = await prepare({
        signal: controller.signal,
        onProgress: (progress) => {
          if (!controller.signal.aborted) setState({ phase: 'uploading', progress });
        },
      });
      uploadAbort.current = null;
      if (controller.signal.aborted) return;
      if (!request.ok) {
        setState({ phase: 'failed', error: request.error });
        return;
      }
      await start(request.value);
    },
    [busy, start],
  );

  return {
    state,
    dialogOpen,
    busy,
    lastFolder,
    setLastFolder,
    /** Opens the dialog: to choose what to import, or to show the import under way. */
    open: useCallback((sourceKind: DocumentSourceKind = 'file') => {
      setDialogOpen(true);
      setState((current) =>
        current.phase === 'idle' || current.phase === 'finished' || current.phase === 'failed'
          ? { phase: 'choosing', error: null, sourceKind }
          : current,
      );
    }, []),
    /** Closes the dialog; an import under way goes on in the background. */
    close: useCallback(() => {
      setDialogOpen(false);
      setState((current) =>
        current.phase === 'choosing' || current.phase === 'finished' || current.phase === 'failed'
          ? { phase: 'idle' }
          : current,
      );
    }, []),
    importPaths: useCallback(
      (paths: string[], sourceKind: DocumentSourceKind) => start({ paths, sourceKind }),
      [start],
    ),
    setDropTarget: useCallback((target: ((drop: DroppedItems) => void) | null) => {
      dropTarget.current = target;
    }, []),
    importDrop: useCallback(
      (drop: DroppedItems) =>
        dropTarget.current ? dropTarget.current(drop) : prepared((options) => transport.prepareDrop(drop, options)),
      [prepared, transport],
    ),
    /** Imports what `prepare` makes into a request (e.g. uploads first), with the upload's progress. */
    importPrepared: prepared,
    cancel: useCallback(async () => {
      const current = stateRef.current;
      if (current.phase === 'uploading') {
        uploadAbort.current?.abort();
        setState({ phase: 'choosing', error: 'The upload was cancelled; nothing was imported.' });
        return;
      }
      if (current.phase !== 'running' || current.cancelling) return;
      setState({ ...current, cancelling: true });
      const result = await api.cancelImport({ importId: current.importId });
      if (!result.ok) setState((now) => (now.phase === 'running' ? { ...now, cancelling: false } : now));
    }, [api]),
    /** Choose again after a failure. */
    retry: useCallback(() => setState({ phase: 'choosing', error: null }), []),
  };
}

export type ImportController = ReturnType<typeof useImport>;
