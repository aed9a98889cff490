/**
 * Every IPC channel the main process answers, each registered through `handle`, which lets only
 * the app's own top frame in (see `ipcGuard.ts`).
 */
import { BrowserWindow, dialog, ipcMain, type IpcMainInvokeEvent, type OpenDialogOptions } from 'electron';
import { API_CHANNEL_PREFIX, API_METHODS, apiChannel, type ApiResult } from '../../shared/api';
import { CHOOSE_IMPORT_PATHS_CHANNEL } from './channels';
import type { CoreConnection } from './coreClient';
import { apiMethodHandler, guardIpc, isImportPathsKind } from './ipcHandlers';

function handle(channel: string, fn: (event: IpcMainInvokeEvent, ...args: unknown[]) => Promise<unknown>): void {
  if (!channel.startsWith(API_CHANNEL_PREFIX)) throw new Error(`Not a Medvault IPC channel: ${channel}`);
  ipcMain.handle(channel, guardIpc(channel, fn));
}

async function chooseImportPaths(event: IpcMainInvokeEvent, kind: unknown): Promise<ApiResult<string[]>> {
  if (!isImportPathsKind(kind)) {
    return { ok: false, error: { code: 'invalid-argument', message: 'Choose files or a folder.' } };
  }
  const options: OpenDialogOptions = {
    title: kind === 'files' ? 'Choose records to import' : 'Choose a folder of records to import',
    buttonLabel: 'Import',
    properties: kind === 'files' ? ['openFile', 'multiSelections'] : ['openDirectory'],
  };
  const window = BrowserWindow.fromWebContents(event.sender);
  const result = window ? await dialog.showOpenDialog(window, options) : await dialog.showOpenDialog(options);
  return { ok: true, value: result.canceled ? [] : result.filePaths };
}

export function registerIpc(core: () => Promise<CoreConnection>): void {
  for (const method of API_METHODS) handle(apiChannel(method), apiMethodHandler(method, core));
  handle(CHOOSE_IMPORT_PATHS_CHANNEL, chooseImportPaths);
}
