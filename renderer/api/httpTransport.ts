import { API_METHODS, type ApiClient, type ApiEvent, type ApiMethod, type ApiResult } from '../../shared/api';
import { failure, isApiResult, type DroppedItems, type Transport, type UploadProgress } from './transport';

const UNREACHABLE = 'Medvault is not reachable. Is it still running?';

async function readResult(response: Response): Promise<ApiResult<unknown>> {
  let body: unknown;
  try {
    body = await response.json();
  } catch {
    return failure('internal', `Medvault answered with something unexpected (HTTP ${response.status}).`);
  }
  if (!isApiResult(body))
    return failure('internal', `Medvault answered with something unexpected (HTTP ${response.status}).`);
  return body;
}

async function call(method: ApiMethod, args: unknown[], signal?: AbortSignal): Promise<ApiResult<unknown>> {
  let response: Response;
  try {
    response = await fetch(`/api/${method}`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ args }),
      credentials: 'same-origin',
      signal,
    });
  } catch (error) {
    if (signal?.aborted) return failure('cancelled', 'Cancelled.');
    void error;
    return failure('io', UNREACHABLE);
  }
  return readResult(response);
}

export function createHttpClient(): ApiClient {
  const client: Record<string, (...args: unknown[]) => Promise<ApiResult<unknown>>> = {};
  for (const method of API_METHODS) {
    client[method] = (...args: unknown[]) => call(method, args);
  }
  return client as unknown as ApiClient;
}

/** One EventSource shared by every listener, opened on the first subscription. */
function createEventHub(): Transport['subscribe'] {
  const listeners = new Set<(event: ApiEvent) => void>();
  let source: EventSource | null = null;

  const open = () => {
    source = new EventSource('/api/events', { withCredentials: true });
    source.onmessage = (message: MessageEvent<string>) => {
      let event: ApiEvent;
      try {
        event = JSON.parse(message.data) as ApiEvent;
      } catch {
        return;
      }
      if (!event || typeof event.name !== 'string') return;
      for (const listener of [...listeners]) listener(event);
    };
  };

  return (listener) => {
    listeners.add(listener);
    if (!source) open();
    return () => {
      listeners.delete(listener);
      if (listeners.size === 0 && source) {
        source.close();
        source = null;
      }
    };
  };
}

function readDirectory(directory: FileSystemDirectoryEntry): Promise<FileSystemEntry[]> {
  const reader = directory.createReader();
  const all: FileSystemEntry[] = [];
  return new Promise((resolve, reject) => {
    const next = () =>
      reader.readEntries((batch) => {
        if (batch.length === 0) return resolve(all);
        all.push(...batch);
        next();
      }, reject);
    next();
  });
}

function entryFile(entry: FileSystemFileEntry): Promise<File> {
  return new Promise((resolve, reject) => entry.file(resolve, reject));
}

/** The files of a drop, with dropped folders walked (browser mode cannot name paths on disk). */
async function collectFiles(drop: DroppedItems): Promise<File[]> {
  const usable = drop.entries.length === drop.files.length && drop.entries.every((entry) => entry !== null);
  if (!usable) return drop.files;
  const files: File[] = [];
  const visit = async (entry: FileSystemEntry): Promise<void> => {
    if (entry.isFile) files.push(await entryFile(entry as FileSystemFileEntry));
    else if (entry.isDirectory) {
      for (const child of await readDirectory(entry as FileSystemDirectoryEntry)) await visit(child);
    }
  };
  for (const entry of drop.entries) await visit(entry as FileSystemEntry);
  return files;
}

async function upload(file: File, signal: AbortSignal): Promise<ApiResult<{ uploadId: string }>> {
  let response: Response;
  try {
    response = await fetch(`/uploads?name=${encodeURIComponent(file.name)}`, {
      method: 'PUT',
      body: file,
      credentials: 'same-origin',
      headers: { 'Content-Type': 'application/octet-stream' },
      signal,
    });
  } catch {
    if (signal.aborted) return failure('cancelled', 'Cancelled.');
    return failure('io', `${file.name} could not be sent to Medvault. ${UNREACHABLE}`);
  }
  return (await readResult(response)) as ApiResult<{ uploadId: string }>;
}

export function createHttpTransport(): Transport {
  return {
    mode: 'browser',
    client: createHttpClient(),
    subscribe: createEventHub(),
    chooseImportPaths: null,
    async prepareDrop(drop, { signal, onProgress }) {
      let files: File[];
      try {
        files = await collectFiles(drop);
      } catch {
        return failure('io', 'The dropped files could not be read.');
      }
      if (files.length === 0) return failure('io', 'Nothing to import: the drop contained no files.');
      const progress: UploadProgress = {
        filesDone: 0,
        filesTotal: files.length,
        bytesDone: 0,
        bytesTotal: files.reduce((sum, file) => sum + file.size, 0),
      };
      onProgress({ ...progress });
      const uploadIds: string[] = [];
      for (const file of files) {
        if (signal.aborted) return failure('cancelled', 'Cancelled.');
        const result = await upload(file, signal);
        if (!result.ok) return result;
        uploadIds.push(result.value.uploadId);
        progress.filesDone += 1;
        progress.bytesDone += file.size;
        onProgress({ ...progress });
      }
      return { ok: true, value: { uploadIds, sourceKind: 'file' } };
    },
  };
}
