import { createBridgeTransport, findBridge } from './bridgeTransport';
import { createHttpTransport } from './httpTransport';
import type { Transport } from './transport';

export { ApiProvider, useApi, useApiEvent, useApiEvents, useTransport, useVaultLockedErrors } from './ApiContext';
export type { DroppedItems, Transport, UploadProgress } from './transport';

/** Electron when the preload bridge is there, browser mode (HTTP, same origin) otherwise. */
export function createTransport(): Transport {
  const bridge = findBridge();
  return bridge ? createBridgeTransport(bridge) : createHttpTransport();
}
