/**
 * The preload (sandboxed: it may only require 'electron'; the build bundles everything else into
 * it). It gives the page one object, `window.medvault`, of specific functions — one per API
 * method, the event subscription, the import dialog and the path of a dropped file — and never
 * `ipcRenderer` itself or a generic invoke.
 */
import { contextBridge, ipcRenderer, webUtils, type IpcRendererEvent } from 'electron';
import {
  API_EVENT_CHANNEL,
  apiChannel,
  type ApiArgs,
  type ApiEvent,
  type ApiMethod,
  type ApiResult,
  type ApiValue,
} from '../../shared/api';
import { BRIDGE_GLOBAL, type MedvaultBridge } from '../../shared/bridge';
import { CHOOSE_IMPORT_PATHS_CHANNEL } from '../main/channels';

/** The function for one API method; its channel is fixed here, not chosen by the page. */
function method<M extends ApiMethod>(name: M): (...args: ApiArgs<M>) => Promise<ApiResult<ApiValue<M>>> {
  const channel = apiChannel(name);
  return (...args) => ipcRenderer.invoke(channel, ...args);
}

const bridge: MedvaultBridge = {
  getStatus: method('getStatus'),
  createVault: method('createVault'),
  unlock: method('unlock'),
  rescueVault: method('rescueVault'),
  lock: method('lock'),
  setAutoLock: method('setAutoLock'),
  listDocuments: method('listDocuments'),
  getFacets: method('getFacets'),
  getDocument: method('getDocument'),
  getReadableDocument: method('getReadableDocument'),
  getDicomStudy: method('getDicomStudy'),
  setKeyImage: method('setKeyImage'),
  editDocument: method('editDocument'),
  browseFolder: method('browseFolder'),
  startImport: method('startImport'),
  cancelImport: method('cancelImport'),
  getOwner: method('getOwner'),
  setOwner: method('setOwner'),
  getScannerStatus: method('getScannerStatus'),
  scanPage: method('scanPage'),
  getPacketDefaults: method('getPacketDefaults'),
  planPacket: method('planPacket'),
  startPacket: method('startPacket'),
  cancelPacket: method('cancelPacket'),
  listDisclosures: method('listDisclosures'),
  saveDisclosuresCsv: method('saveDisclosuresCsv'),
  checkVault: method('checkVault'),
  removeUnreferencedFiles: method('removeUnreferencedFiles'),

  onEvent(listener) {
    if (typeof listener !== 'function') throw new TypeError('onEvent needs a function.');
    const forward = (_event: IpcRendererEvent, event: ApiEvent) => listener(event);
    ipcRenderer.on(API_EVENT_CHANNEL, forward);
    return () => {
      ipcRenderer.removeListener(API_EVENT_CHANNEL, forward);
    };
  },

  async chooseImportPaths(kind) {
    const result = (await ipcRenderer.invoke(CHOOSE_IMPORT_PATHS_CHANNEL, kind)) as ApiResult<string[]>;
    return result.ok ? result.value : [];
  },

  pathForFile(file) {
    try {
      return webUtils.getPathForFile(file as Parameters<typeof webUtils.getPathForFile>[0]);
    } catch {
      return ''; // not a File (the renderer skips empty paths)
    }
  },
};

contextBridge.exposeInMainWorld(BRIDGE_GLOBAL, bridge);
