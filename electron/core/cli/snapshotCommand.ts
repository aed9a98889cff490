/**
 * `medvault snapshot ID [--series N] [--instance N] [--frame N] [--window C,W] --out FILE.png`:
 * one frame of a study rendered to a PNG (`usecases/studies.ts`). Arguments are checked here,
 * before the slow unlock.
 */
import { resolve } from 'node:path';
import { MedvaultError } from '../errors';
import type { SnapshotRequest } from '../usecases/studies';

interface SnapshotValues {
  series?: string;
  instance?: string;
  frame?: string;
  window?: string;
  out?: string;
}

/** Checks the arguments before the vault is unlocked (the unlock is deliberately slow). */
export function snapshotRequestFrom(args: string[], values: SnapshotValues): SnapshotRequest {
  const usage = 'Usage: medvault snapshot ID [--series N] [--instance N] [--frame N] [--window C,W] --out FILE.png';
  if (args.length !== 1) throw new MedvaultError('invalid-argument', usage);
  if (!values.out) throw new MedvaultError('invalid-argument', `--out FILE.png is needed. ${usage}`);
  if (!values.out.toLowerCase().endsWith('.png')) {
    throw new MedvaultError('invalid-argument', '--out needs a file name ending in .png.');
  }
  const position = (name: 'series' | 'instance' | 'frame') => {
    const text = values[name];
    if (text === undefined) return 1;
    if (!/^\d+$/.test(text) || Number(text) < 1) {
      throw new MedvaultError('invalid-argument', `--${name} needs a whole number from 1.`);
    }
    return Number(text);
  };
  const request: SnapshotRequest = {
    id: args[0]!,
    out: resolve(values.out),
    series: position('series'),
    instance: position('instance'),
    frame: position('frame'),
  };
  if (values.window !== undefined) {
    const match = /^\s*(-?\d+(?:\.\d+)?)\s*,\s*(\d+(?:\.\d+)?)\s*$/.exec(values.window);
    if (!match || Number(match[2]) < 1) {
      throw new MedvaultError(
        'invalid-argument',
        '--window needs a center and a width of at least 1, as C,W (e.g. 40,400).',
      );
    }
    request.window = { center: Number(match[1]), width: Number(match[2]) };
  }
  return request;
}
