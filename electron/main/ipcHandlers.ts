/**
 * The IPC handlers, without `electron`: the sender check every channel goes through, and the API
 * dispatcher (check the arguments at the boundary, then forward to the core). `ipc.ts` registers
 * them with `ipcMain.handle`; tests call them with stand-in events.
 */
import type { ApiArgs, ApiMethod, ApiResult, ApiValue } from '../../shared/api';
import { checkApiArgs } from '../../shared/apiSchema';
import { callCore, CORE_UNAVAILABLE, type CoreConnection } from './coreClient';
import { checkIpcSender, REFUSED, type IpcSenderFrame } from './ipcGuard';

/** The part of Electron's `IpcMainInvokeEvent` the guard reads. */
export interface IpcInvokeEventLike {
  readonly senderFrame: IpcSenderFrame | null;
}

export type IpcHandler<E extends IpcInvokeEventLike = IpcInvokeEventLike, R = unknown> = (
  event: E,
  ...args: unknown[]
) => Promise<R | ApiResult<never>>;

const FAILED: ApiResult<never> = {
  ok: false,
  error: { code: 'internal', message: 'Something went wrong in Medvault. Try again.' },
};

/**
 * Wraps a handler so it runs only for the app's own top frame on a `medvault:` channel; any other
 * caller gets REFUSED, and an exception becomes a generic error (details only in the log).
 */
export function guardIpc<E extends IpcInvokeEventLike, R>(
  channel: string,
  fn: (event: E, ...args: unknown[]) => Promise<R>,
  log: (message: string) => void = console.warn,
): IpcHandler<E, R> {
  return async (event, ...args) => {
    const check = checkIpcSender(channel, event.senderFrame);
    if (!check.ok) {
      log(`medvault: refused IPC on ${channel}: ${check.reason}`);
      return REFUSED;
    }
    try {
      return await fn(event, ...args);
    } catch (error) {
      log(`medvault: IPC handler for ${channel} failed: ${error instanceof Error ? error.stack : String(error)}`);
      return FAILED;
    }
  };
}

/** The handler body of one API method: validate `args`, then forward to the core. */
export function apiMethodHandler<M extends ApiMethod>(
  method: M,
  core: () => Promise<CoreConnection>,
): (event: IpcInvokeEventLike, ...args: unknown[]) => Promise<ApiResult<ApiValue<M>>> {
  return async (_event, ...raw) => {
    const checked = checkApiArgs(method, raw);
    if (!checked.ok) return { ok: false, error: { code: 'invalid-argument', message: checked.message } };
    const args: ApiArgs<M> = checked.args;
    let connection: CoreConnection;
    try {
      connection = await core();
    } catch {
      return CORE_UNAVAILABLE;
    }
    return callCore(connection, method, args);
  };
}

export type ImportPathsKind = 'files' | 'folder';

export function isImportPathsKind(value: unknown): value is ImportPathsKind {
  return value === 'files' || value === 'folder';
}
