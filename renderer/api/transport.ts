import type { ApiClient, ApiEvent, ApiResult, ImportRequest } from '../../shared/api';

/** What a file drop carries, captured synchronously inside the `drop` event. */
export interface DroppedItems {
  files: File[];
  /** Browser mode walks dropped folders through these (null where the browser gives none). */
  entries: (FileSystemEntry | null)[];
}

export interface UploadProgress {
  filesDone: number;
  filesTotal: number;
  bytesDone: number;
  bytesTotal: number;
}

/** How the UI reaches the core: the Electron preload bridge, or HTTP in browser mode. */
export interface Transport {
  mode: 'electron' | 'browser';
  client: ApiClient;
  /** Subscribes to events pushed by the core; returns the unsubscribe function. */
  subscribe(listener: (event: ApiEvent) => void): () => void;
  /** The system file dialog (Electron only; browser mode uses the folder browser). */
  chooseImportPaths: ((kind: 'files' | 'folder') => Promise<string[]>) | null;
  /**
   * Turns dropped files into an import request: their paths in Electron; in browser mode each file
   * is uploaded first and the request names the uploads.
   */
  prepareDrop(
    drop: DroppedItems,
    options: { signal: AbortSignal; onProgress: (progress: UploadProgress) => void },
  ): Promise<ApiResult<ImportRequest>>;
}

export function failure(code: 'io' | 'internal' | 'cancelled', message: string): ApiResult<never> {
  return { ok: false, error: { code, message } };
}

/** True when a value has the shape of an ApiResult (anything else from the wire is a bug). */
export function isApiResult(value: unknown): value is ApiResult<unknown> {
  if (typeof value !== 'object' || value === null) return false;
  const record = value as Record<string, unknown>;
  if (record.ok === true) return true; // `value` is absent for methods that return nothing
  if (record.ok !== false) return false;
  const error = record.error as Record<string, unknown> | undefined;
  return typeof error === 'object' && error !== null && typeof error.message === 'string';
}
