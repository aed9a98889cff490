/**
 * `medvault key-images ID [--add SOP_UID[:FRAME]]... [--remove SOP_UID[:FRAME]]... [--json]`: the
 * images of a study the patient marked (in the viewer, or here) — what packets show of it. FRAME
 * counts from 1, as the viewer and `snapshot --frame` do; without it, the first frame.
 */
import type { KeyImagesJson } from '../../../shared/cliOutput';
import type { KeyImage } from '../../../shared/dicom';
import { MedvaultError } from '../errors';
import type { KeyImagesChange } from '../usecases/studies';

const USAGE = 'Usage: medvault key-images ID [--add SOP_UID[:FRAME]]... [--remove SOP_UID[:FRAME]]... [--json]';

/** Checks the arguments before the vault is unlocked (the unlock is deliberately slow). */
export function keyImagesRequestFrom(args: string[], values: { add?: string[]; remove?: string[] }): KeyImagesChange {
  if (args.length !== 1) throw new MedvaultError('invalid-argument', USAGE);
  return {
    id: args[0]!,
    add: (values.add ?? []).map((value) => keyImageArg(value, '--add')),
    remove: (values.remove ?? []).map((value) => keyImageArg(value, '--remove')),
  };
}

function keyImageArg(value: string, option: string): KeyImage {
  const match = /^([0-9]+(?:\.[0-9]+)*)(?::([0-9]+))?$/.exec(value.trim());
  const frame = match?.[2] === undefined ? 1 : Number(match[2]);
  if (!match || match[1]!.length > 64 || !Number.isSafeInteger(frame) || frame < 1) {
    throw new MedvaultError(
      'invalid-argument',
      `${option} needs a SOP Instance UID, optionally with ":FRAME" (from 1): "${value}" is not one.`,
    );
  }
  return { sopInstanceUid: match[1]!, frame: frame - 1 };
}

/** The result as the terminal shows it. */
export function describeKeyImages(result: KeyImagesJson): string {
  const lines: string[] = [];
  if (result.marked || result.unmarked) {
    lines.push(`Marked ${result.marked}, unmarked ${result.unmarked}.`);
  }
  if (result.keyImages.length === 0) {
    lines.push(`No key images are marked in ${result.documentId}: packets show the middle image of each series.`);
    return lines.join('\n');
  }
  const count = result.keyImages.length;
  lines.push(
    `${count === 1 ? '1 key image' : `${count} key images`} in ${result.documentId}, in the order marked (what packets show of this study):`,
  );
  result.keyImages.forEach((key, n) => {
    const series = [`Series ${key.series ?? '?'}`, key.seriesDescription].filter(Boolean).join(' ');
    const frame = key.frames > 1 ? `, frame ${key.frame} of ${key.frames}` : '';
    lines.push(`  ${n + 1}. ${series}, image ${key.instance ?? '?'}${frame}  ${key.sopInstanceUid}`);
  });
  return lines.join('\n');
}
