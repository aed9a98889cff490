import { Worker, type ResourceLimits } from 'node:worker_threads';

/** Starts a worker thread whose output stays off our stdout (the CLI's --json output lives there). */
export function startWorker(url: URL, resourceLimits?: ResourceLimits): Worker {
  return new Worker(url, { resourceLimits, stdout: false, stderr: true });
}
