import { createContext, useContext, useEffect, useMemo, useRef, type ReactNode } from 'react';
import type { ApiClient, ApiEvent, ApiEventName, ApiEvents, ApiResult } from '../../shared/api';
import type { Transport } from './transport';

interface ApiContextValue {
  client: ApiClient;
  transport: Transport;
}

const ApiContext = createContext<ApiContextValue | null>(null);

/**
 * Provides the client to the tree. Every result with `vault-locked` (the core locked itself, say
 * after being idle) is reported to `onVaultLocked`, so the UI can drop what it shows at once.
 */
export function ApiProvider(props: { transport: Transport; onVaultLocked: () => void; children: ReactNode }) {
  const { transport } = props;
  const onVaultLocked = useRef(props.onVaultLocked);
  useEffect(() => {
    onVaultLocked.current = props.onVaultLocked;
  });

  const value = useMemo<ApiContextValue>(() => {
    const watched: Record<string, (...args: unknown[]) => Promise<ApiResult<unknown>>> = {};
    for (const [method, call] of Object.entries(transport.client)) {
      watched[method] = async (...args: unknown[]) => {
        const result = await (call as (...args: unknown[]) => Promise<ApiResult<unknown>>)(...args);
        if (!result.ok && result.error.code === 'vault-locked') onVaultLocked.current();
        return result;
      };
    }
    return { client: watched as unknown as ApiClient, transport };
  }, [transport]);

  return <ApiContext.Provider value={value}>{props.children}</ApiContext.Provider>;
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

/** Calls `handler` for every event the core pushes (the latest handler; subscribes once). */
export function useApiEvents(handler: (event: ApiEvent) => void): void {
  const { transport } = useApiContext();
  const latest = useRef(handler);
  useEffect(() => {
    latest.current = handler;
  });
  useEffect(() => transport.subscribe((event) => latest.current(event)), [transport]);
}

/** Calls `handler` with the payload of each event named `name`. */
export function useApiEvent<E extends ApiEventName>(name: E, handler: (payload: ApiEvents[E]) => void): void {
  useApiEvents((event) => {
    if (event.name === name) handler(event.payload as ApiEvents[E]);
  });
}
