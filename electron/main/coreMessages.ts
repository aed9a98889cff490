/** Messages between the main process and the core's utility process (`coreProcess.ts`). */
export type CoreProcessMessage = { type: 'ready'; url: string; token: string } | { type: 'failed'; message: string };

export type MainToCoreMessage = { type: 'shutdown' };

export function isCoreProcessMessage(value: unknown): value is CoreProcessMessage {
  if (typeof value !== 'object' || value === null) return false;
  const message = value as Record<string, unknown>;
  if (message.type === 'ready') return typeof message.url === 'string' && typeof message.token === 'string';
  return message.type === 'failed' && typeof message.message === 'string';
}

/** The utility process takes the vault folder as `--vault <dir>`. */
export function vaultDirFromArgv(argv: readonly string[]): string | null {
  const index = argv.indexOf('--vault');
  return index >= 0 ? (argv[index + 1] ?? null) : null;
}
