// Worker entry used only when the core runs from TypeScript sources (CLI, tests): workers do not
// inherit the parent's TypeScript loader, so register it here, then load the real entry.
import { workerData } from 'node:worker_threads';
import { register } from 'tsx/esm/api';

register();
await import(workerData.medvaultWorkerEntry);
