import { API_METHODS, type ApiClient, type ApiResult } from '../../shared/api';
import { BRIDGE_GLOBAL, type MedvaultBridge } from '../../shared/bridge';
import { failure, type Transport } from './transport';

/** The preload bridge, when running inside Electron. */
export function findBridge(): MedvaultBridge | null {
  const bridge = (window as unknown as Record<string, unknown>)[BRIDGE_GLOBAL];
  return typeof bridge === 'object' && bridge !== null ? (bridge as MedvaultBridge) : null;
}

function createBridgeClient(bridge: MedvaultBridge): ApiClient {
  const client: Record<string, (...args: unknown[]) => Promise<ApiResult<unknown>>> = {};
  for (const method of API_METHODS) {
    const target = bridge[method] as (...args: unknown[]) => Promise<ApiResult<unknown>>;
    client[method] = async (...args: unknown[]) => {
      try {
        return await target(...args);
      } catch {
        return failure('internal', 'Medvault could not reach its core. Please restart the app.');
      }
    };
  }
  return client as unknown as ApiClient;
}

export function createBridgeTransport(bridge: MedvaultBridge): Transport {
  return {
    mode: 'electron',
    client: createBridgeClient(bridge),
    subscribe: (listener) => bridge.onEvent(listener),
    chooseImportPaths: (kind) => bridge.chooseImportPaths(kind),
    async prepareDrop(drop) {
      const paths = drop.files.map((file) => bridge.pathForFile(file)).filter((path) => path.length > 0);
      if (paths.length === 0) return failure('io', 'Nothing to import: the drop contained no files.');
      return { ok: true, value: { paths, sourceKind: 'file' } };
    },
  };
}
