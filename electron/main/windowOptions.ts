/**
 * The main window's options, security settings included. Pure: only types come from `electron`,
 * so the settings are unit-tested without the Electron binary.
 */
import type { BrowserWindowConstructorOptions, WebPreferences } from 'electron';

export const WINDOW_SIZE = { width: 1280, height: 800, minWidth: 960, minHeight: 640 } as const;

export function secureWebPreferences(preload: string, options: { devTools: boolean }): WebPreferences {
  return {
    preload,
    contextIsolation: true,
    sandbox: true,
    nodeIntegration: false,
    nodeIntegrationInWorker: false,
    nodeIntegrationInSubFrames: false,
    webSecurity: true,
    allowRunningInsecureContent: false,
    webviewTag: false,
    spellcheck: false,
    experimentalFeatures: false,
    navigateOnDragDrop: false,
    safeDialogs: true,
    // Middle-click would open links in new windows (denied anyway by the window-open handler).
    disableBlinkFeatures: 'Auxclick',
    devTools: options.devTools,
  };
}

export function mainWindowOptions(preload: string, options: { devTools: boolean }): BrowserWindowConstructorOptions {
  return {
    ...WINDOW_SIZE,
    title: 'Medvault',
    show: false, // shown on 'ready-to-show', so no white flash
    backgroundColor: '#ffffff',
    webPreferences: secureWebPreferences(preload, options),
  };
}
