/**
 * Starts the vault core in a utility process (off the UI thread) and learns its address and
 * token from its first message.
 */
import { utilityProcess } from 'electron';
import type { CoreConnection } from './coreClient';
import { isCoreProcessMessage, type MainToCoreMessage } from './coreMessages';

export interface CoreHandle {
  /** Resolves once the core listens; rejects if it fails to start. */
  readonly connection: Promise<CoreConnection>;
  /** Resolves with the exit code when the process ends, for whatever reason. */
  readonly exited: Promise<number>;
  /** Asks the core to lock the vault and stop; kills it if it takes longer than `timeoutMs`. */
  shutdown(timeoutMs?: number): Promise<void>;
}

export function startCore(options: { entry: string; vaultDir: string; startTimeoutMs?: number }): CoreHandle {
  const child = utilityProcess.fork(options.entry, ['--vault', options.vaultDir], {
    serviceName: 'Medvault vault',
    stdio: 'inherit',
  });
  let running = true;
  const exited = new Promise<number>((resolve) =>
    child.once('exit', (code) => {
      running = false;
      resolve(code);
    }),
  );
  const connection = new Promise<CoreConnection>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error('The vault service did not start in time.')),
      options.startTimeoutMs ?? 60_000,
    );
    child.on('message', (message: unknown) => {
      if (!isCoreProcessMessage(message)) return;
      clearTimeout(timer);
      if (message.type === 'ready') resolve({ url: message.url, token: message.token });
      else reject(new Error(message.message));
    });
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`The vault service stopped (exit code ${code}).`));
    });
  });
  connection.catch(() => undefined); // observed by the callers; no unhandled rejection here

  return {
    connection,
    exited,
    async shutdown(timeoutMs = 10_000) {
      if (!running) return;
      const message: MainToCoreMessage = { type: 'shutdown' };
      child.postMessage(message);
      const timer = setTimeout(() => child.kill(), timeoutMs);
      await exited;
      clearTimeout(timer);
    },
  };
}
