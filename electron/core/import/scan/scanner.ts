/**
 * The operating system's scanner interface, where there is one: SANE's `scanimage` on Linux.
 * Each page is read from scanimage's standard output into memory (never written to a file), as
 * PNG, one scanimage run per page: with a document feeder each run takes the next sheet.
 */
import { spawn } from 'node:child_process';
import { access, constants } from 'node:fs/promises';
import { delimiter, join } from 'node:path';
import { MedvaultError } from '../../errors';

export const NO_SCANNER_MESSAGE = 'No scanner interface (SANE scanimage) was found; import the scanned images instead.';
/** scanimage's exit status when the document feeder is empty (SANE_STATUS_NO_DOCS). */
const NO_MORE_DOCUMENTS = 7;
const MAX_PAGE_BYTES = 256 * 1024 * 1024;

/** The scanimage program on PATH, or null. */
export async function findScanimage(env: NodeJS.ProcessEnv = process.env): Promise<string | null> {
  for (const folder of (env.PATH ?? '').split(delimiter)) {
    if (!folder) continue;
    const candidate = join(folder, 'scanimage');
    try {
      await access(candidate, constants.X_OK);
      return candidate;
    } catch {
      // not in this folder
    }
  }
  return null;
}

export interface ScanOptions {
  /** Sheets to scan; a feeder that runs out sooner ends the scan early. */
  pages: number;
  resolution?: number;
  env?: NodeJS.ProcessEnv;
  signal?: AbortSignal;
  /** Called before each page after the first (e.g. to let the patient put the next sheet on the glass). */
  beforePage?: (page: number) => Promise<void>;
}

/** Scans pages with scanimage, each as PNG bytes in memory. */
export async function scanWithScanimage(options: ScanOptions): Promise<Buffer[]> {
  const program = await findScanimage(options.env);
  if (!program) throw new MedvaultError('invalid-argument', NO_SCANNER_MESSAGE);
  const pages: Buffer[] = [];
  for (let page = 1; page <= options.pages; page++) {
    options.signal?.throwIfAborted();
    if (page > 1) await options.beforePage?.(page);
    const result = await runScanimage(program, options);
    if (result.code === NO_MORE_DOCUMENTS && pages.length > 0) break; // the feeder is empty
    if (result.code !== 0 || result.bytes.length === 0) {
      const said = result.stderr
        .trim()
        .split('\n')
        .pop()
        ?.replace(/^scanimage:\s*/, '');
      throw new MedvaultError(
        'io',
        `The scanner did not scan page ${page}${said ? ` (${said.replace(/\.$/, '')})` : ''}.`,
      );
    }
    pages.push(result.bytes);
  }
  return pages;
}

function runScanimage(
  program: string,
  options: ScanOptions,
): Promise<{ code: number | null; bytes: Buffer; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(program, ['--format=png', `--resolution=${options.resolution ?? 300}`], {
      env: options.env ?? process.env,
      stdio: ['ignore', 'pipe', 'pipe'],
      signal: options.signal,
    });
    const parts: Buffer[] = [];
    let length = 0;
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => {
      length += chunk.length;
      if (length > MAX_PAGE_BYTES) child.kill();
      else parts.push(chunk);
    });
    child.stderr.setEncoding('utf8').on('data', (text: string) => (stderr = (stderr + text).slice(-4096)));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, bytes: Buffer.concat(parts), stderr }));
  });
}
