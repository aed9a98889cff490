/**
 * The main process's side of the core's HTTP server (running in the utility process): API calls
 * as `POST /api/<method>` and the event stream `GET /api/events`, both with the bearer token the
 * core gave us. Plain Node (fetch), no `electron`, so it is tested against a stand-in server.
 */
import type { ApiArgs, ApiEvent, ApiEventName, ApiMethod, ApiResult, ApiValue } from '../../shared/api';
import { SseParser } from './sse';

/** Where the core listens and the token it accepts; only the main process holds them. */
export interface CoreConnection {
  readonly url: string;
  readonly token: string;
}

export const CORE_UNAVAILABLE: ApiResult<never> = {
  ok: false,
  error: { code: 'internal', message: 'The vault service is not running. Restart Medvault.' },
};

const CORE_GARBLED: ApiResult<never> = {
  ok: false,
  error: { code: 'internal', message: 'The vault service sent an answer Medvault cannot read.' },
};

function authorization(core: CoreConnection): Record<string, string> {
  return { authorization: `Bearer ${core.token}` };
}

function isApiResult(value: unknown): value is ApiResult<unknown> {
  if (typeof value !== 'object' || value === null) return false;
  const result = value as { ok?: unknown; value?: unknown; error?: { code?: unknown; message?: unknown } };
  if (result.ok === true) return true; // value may be undefined (void methods)
  return (
    result.ok === false &&
    typeof result.error === 'object' &&
    result.error !== null &&
    typeof result.error.code === 'string' &&
    typeof result.error.message === 'string'
  );
}

/** Calls one API method (arguments already checked) and returns the core's result as is. */
export async function callCore<M extends ApiMethod>(
  core: CoreConnection,
  method: M,
  args: ApiArgs<M>,
): Promise<ApiResult<ApiValue<M>>> {
  let response: Response;
  try {
    response = await fetch(`${core.url}/api/${method}`, {
      method: 'POST',
      headers: { ...authorization(core), 'content-type': 'application/json' },
      body: JSON.stringify({ args }),
    });
  } catch {
    return CORE_UNAVAILABLE;
  }
  let body: unknown;
  try {
    body = await response.json();
  } catch {
    return CORE_GARBLED;
  }
  return isApiResult(body) ? (body as ApiResult<ApiValue<M>>) : CORE_GARBLED;
}

const EVENT_NAMES: Record<ApiEventName, true> = {
  'import-progress': true,
  'import-finished': true,
  'import-failed': true,
  locked: true,
  'text-progress': true,
  'text-finished': true,
  'packet-progress': true,
  'packet-finished': true,
  'packet-failed': true,
};

/** One `data:` payload of the event stream as an ApiEvent, or null if it is not one. */
export function parseCoreEvent(data: string): ApiEvent | null {
  let value: unknown;
  try {
    value = JSON.parse(data);
  } catch {
    return null;
  }
  if (typeof value !== 'object' || value === null) return null;
  const { name, payload } = value as { name?: unknown; payload?: unknown };
  if (typeof name !== 'string' || !Object.prototype.hasOwnProperty.call(EVENT_NAMES, name)) return null;
  if (typeof payload !== 'object' || payload === null) return null;
  return { name, payload } as ApiEvent;
}

/**
 * Follows the core's event stream and calls `onEvent` for each event, reconnecting after
 * `retryMs` if the stream drops. Returns a function that stops it.
 */
export function followCoreEvents(
  core: CoreConnection,
  onEvent: (event: ApiEvent) => void,
  options: { retryMs?: number } = {},
): () => void {
  const controller = new AbortController();
  const { signal } = controller;
  const retryMs = options.retryMs ?? 1_000;
  const follow = async () => {
    while (!signal.aborted) {
      try {
        const response = await fetch(`${core.url}/api/events`, {
          headers: { ...authorization(core), accept: 'text/event-stream' },
          signal,
        });
        if (response.ok && response.body) {
          const parser = new SseParser((data) => {
            const event = parseCoreEvent(data);
            if (event) onEvent(event);
          });
          const decoder = new TextDecoder();
          for await (const chunk of response.body) parser.push(decoder.decode(chunk, { stream: true }));
        } else {
          await response.body?.cancel();
        }
      } catch {
        // Dropped or stopped; retried below unless stopped.
      }
      if (!signal.aborted) await new Promise((resolve) => setTimeout(resolve, retryMs));
    }
  };
  void follow();
  return () => controller.abort();
}
