/** `medvault import --scan` and `medvault scan`: scanned paper as one PDF document per scan. */
import { stat } from 'node:fs/promises';
import { basename, resolve } from 'node:path';
import { createInterface } from 'node:readline/promises';
import { MedvaultError } from '../errors';
import {
  NO_SCANNER_MESSAGE,
  inMemory,
  scanPages,
  scannerAvailable,
  type Rotation,
  type ScanRequest,
} from '../usecases/imports';

const TURN = /^(.*)@(0|90|180|270)$/;

/**
 * The pages given to `import --scan`, in order; `page.jpg@90` turns a page 90° clockwise
 * (relative to how an image viewer shows it). Checked before the vault is unlocked.
 */
export async function scanRequestFromArgs(args: string[], title: string | undefined): Promise<ScanRequest> {
  if (args.length === 0) {
    throw new MedvaultError('invalid-argument', 'Usage: medvault import --scan [--title T] IMAGE[@90|@180|@270]...');
  }
  const pages: ScanRequest['pages'] = [];
  for (const arg of args) {
    let path = resolve(arg);
    let rotate: Rotation | undefined;
    let info = await stat(path).catch(() => null);
    const turned = TURN.exec(arg);
    if (!info && turned) {
      path = resolve(turned[1]!);
      rotate = Number(turned[2]) as Rotation;
      info = await stat(path).catch(() => null);
    }
    if (!info?.isFile()) throw new MedvaultError('invalid-argument', `${path} is not a file.`);
    pages.push({ file: { path, relativePath: basename(path), bytes: info.size }, rotate });
  }
  return { title, pages };
}

/** Fails with one sentence (exit 1) when there is no scanner interface, before the vault is unlocked. */
export async function requireScanner(env: NodeJS.ProcessEnv): Promise<void> {
  if (!(await scannerAvailable(env))) throw new MedvaultError('invalid-argument', NO_SCANNER_MESSAGE);
}

export function pagesOption(value: string | undefined): number {
  if (value === undefined) return 1;
  const pages = Number(value);
  if (!Number.isInteger(pages) || pages < 1 || pages > 500) {
    throw new MedvaultError('invalid-argument', '--pages needs a number of pages from 1 to 500.');
  }
  return pages;
}

/** Scans the pages with scanimage (in memory) and makes them one scan request. */
export async function scanFromScanner(
  pages: number,
  title: string | undefined,
  env: NodeJS.ProcessEnv,
  err: (text: string) => void,
): Promise<ScanRequest> {
  const interactive = process.stdin.isTTY === true;
  const images = await scanPages({
    pages,
    env,
    beforePage: async (page) => {
      // On a flatbed the patient swaps the sheet; a feeder just goes on.
      if (!interactive) return;
      const prompt = createInterface({ input: process.stdin, output: process.stderr });
      await prompt.question(`Put page ${page} on the scanner and press Enter… `);
      prompt.close();
    },
  });
  err(`Scanned ${images.length} page${images.length === 1 ? '' : 's'}.`);
  return {
    title: title ?? 'Scanned document',
    pages: images.map((bytes, index) => {
      const name = `scanned page ${index + 1}.png`;
      return { file: { path: name, relativePath: name, bytes: bytes.length, content: inMemory(bytes) } };
    }),
  };
}
