// Preloaded with `node --import` into a measured child: on exit, the main thread writes the
// process's peak resident set size (getrusage ru_maxrss, which Node reports in KiB; it covers
// every thread, so pdf.js's worker is included) to $MEDVAULT_BENCH_RSS_FILE.
// Plain JavaScript on purpose: it loads before any TypeScript loader is registered.
import { writeFileSync } from 'node:fs';
import { isMainThread } from 'node:worker_threads';

const out = process.env.MEDVAULT_BENCH_RSS_FILE;
if (isMainThread && out) {
  process.on('exit', () => writeFileSync(out, String(process.resourceUsage().maxRSS)));
}
