import { createContext, useContext, useEffect, useMemo, useRef, type ReactNode } from 'react';
import type { ApiClient, ApiEvent, ApiEventName, ApiEvents, ApiResult } from '../../shared/api';
import type { Transport } from './transport';

interface ApiContextValue {
  client: ApiClient;
  transport: Transport;
  /** Told whenever a call comes back with `vault-locked` (the core locked without us noticing). */
  lockedErrorListeners: Set<() => void>;
}

const ApiContext = createContext<ApiContextValue | null>(null);

/** Provides the client to the tree; watches every result for `vault-locked`. */
export function ApiProvider({ transport, children }: { transport: Transport; children: ReactNode }) {
  const value = useMemo<ApiContextValue>(() => {
    const lockedErrorListeners = new Set<() => void>();
    const watched: Record<string, (...args: unknown[]) => Promise<ApiResult<unknown>>> = {};
    for (const [method, call] of Object.entries(transport.client)) {
      watched[method] = async (...args: unknown[]) => {
        const result = await (call as (...args: unknown[]) => Promise<ApiResult<unknown>>)(...args);
        if (!result.ok && result.error.code === 'vault-locked') {
          for (const listener of [...lockedErrorListeners]) listener();
        }
        return result;
      };
    }
    return { client: watched as unknown as ApiClient, transport, lockedErrorListeners };
  }, [transport]);

  return <ApiContext.Provider value={value}>{children}</ApiContext.Provider>;
}

function useApiContext(): ApiContextValue {
  const value = useContext(ApiContext);
  if (!value) throw new Error('useApi() needs an <ApiProvider> above it.');
  return value;
}

/** The API client: every method async, every outcome an ApiResult. */
export function useApi(): ApiClient {
  return useApiContext().client;
}

export function useTransport(): Transport {
  return useApiContext().transport;
}

/** Keeps a ref to the latest value, for handlers registered once. */
function useLatest<T>(value: T) {
  const ref = useRef(value);
  useEffect(() => {
    ref.current = value;
  });
  return ref;
}

/** Calls `handler` for every event the core pushes (the latest handler; subscribes once). */
export function useApiEvents(handler: (event: ApiEvent) => void): void {
  const { transport } = useApiContext();
  const latest = useLatest(handler);
  useEffect(() => transport.subscribe((event) => latest.current(event)), [transport, latest]);
}

/** Calls `handler` with the payload of each event named `name`. */
export function useApiEvent<E extends ApiEventName>(name: E, handler: (payload: ApiEvents[E]) => void): void {
  useApiEvents((event) => {
    if (event.name === name) handler(event.payload as ApiEvents[E]);
  });
}

/** Calls `handler` when any call finds the vault locked. */
export function useVaultLockedErrors(handler: () => void): void {
  const { lockedErrorListeners } = useApiContext();
  const latest = useLatest(handler);
  useEffect(() => {
    const listener = () => latest.current();
    lockedErrorListeners.add(listener);
    return () => {
      lockedErrorListeners.delete(listener);
    };
  }, [lockedErrorListeners, latest]);
}
