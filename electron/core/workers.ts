import { Worker, type ResourceLimits } from 'node:worker_threads';

/**
 * Starts a worker thread from a module next to the caller. When the core runs from TypeScript
 * sources (the CLI, tests), the worker goes through a small loader entry first.
 */
export function startWorker(url: URL, resourceLimits?: ResourceLimits): Worker {
  const fromSource = url.pathname.endsWith('.ts');
  const entry = fromSource ? new URL('./workerFromSource.mjs', import.meta.url) : url;
  return new Worker(entry, {
    resourceLimits,
    workerData: fromSource ? { medvaultWorkerEntry: url.href } : undefined,
    stdout: false,
    stderr: true, // library chatter must not reach our stdout (--json output)
  });
}
