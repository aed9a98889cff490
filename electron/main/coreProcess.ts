/**
 * Entry of the utility process that runs the vault core, off the main process: the core's HTTP
 * server on 127.0.0.1 in 'electron' mode (bearer token, no cookie). Its address and token go to
 * the main process over `process.parentPort`, never through argv or the environment.
 */
import { startServer } from '../server/server';
import type { CoreProcessMessage, MainToCoreMessage } from './coreMessages';
import { vaultDirFromArgv } from './coreMessages';

const parentPort = process.parentPort;

function send(message: CoreProcessMessage): void {
  parentPort.postMessage(message);
}

async function main(): Promise<void> {
  const vaultDir = vaultDirFromArgv(process.argv);
  if (!vaultDir) {
    send({ type: 'failed', message: 'No vault folder was given.' });
    process.exit(1);
  }
  let server: Awaited<ReturnType<typeof startServer>>;
  try {
    server = await startServer({ vaultDir, mode: 'electron' });
  } catch (error) {
    send({ type: 'failed', message: error instanceof Error ? error.message : String(error) });
    process.exit(1);
  }
  let closing = false;
  parentPort.on('message', (event: { data: MainToCoreMessage }) => {
    if (event.data?.type !== 'shutdown' || closing) return;
    closing = true;
    // Lock the vault (close the database cleanly), then leave.
    server.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  });
  send({ type: 'ready', url: server.url, token: server.token });
}

void main();
