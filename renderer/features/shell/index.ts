/** The window's frame: which screen shows (create, unlock, library), and the idle lock. */
export { AppShell } from './AppShell';
