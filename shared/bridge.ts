/**
 * What the Electron preload puts on `window.medvault`: one named object of specific functions —
 * the API methods, an event subscription, and the two things only the shell can do (native file
 * dialogs, and the path of a file dropped on the window). Never `ipcRenderer` or a generic invoke.
 */
import type { ApiClient, ApiEvent } from './api';

export interface MedvaultBridge extends ApiClient {
  onEvent(listener: (event: ApiEvent) => void): () => void;
  /** Opens the system's file dialog; resolves to the chosen paths (empty when cancelled). */
  chooseImportPaths(kind: 'files' | 'folder'): Promise<string[]>;
  /** The path on disk of a File dropped on the window (Electron's webUtils.getPathForFile). */
  pathForFile(file: unknown): string;
}

export const BRIDGE_GLOBAL = 'medvault';
