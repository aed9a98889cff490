/**
 * `medvault key-images ID [--add SOP_UID[:FRAME]]... [--remove SOP_UID[:FRAME]]... [--json]`: the
 * images of a study the patient marked (in the viewer, or here) — what packets show of it. FRAME
 * counts from 1, as the viewer and `snapshot --frame` do; without it, the first frame.
 */
import type { DicomStudyView, KeyImage } from '../../../shared/dicom';
import { getDicomStudy, setKeyImage } from '../documents/dicomStudy';
import { MedvaultError } from '../errors';
import type { Vault } from '../vault/Vault';

const USAGE = 'Usage: medvault key-images ID [--add SOP_UID[:FRAME]]... [--remove SOP_UID[:FRAME]]... [--json]';

export interface KeyImagesRequest {
  id: string;
  /** Frames from 0, as the core counts them. */
  add: KeyImage[];
  remove: KeyImage[];
}

/** One key image as the command prints it: frame and positions from 1. */
export interface KeyImageLine {
  sopInstanceUid: string;
  frame: number;
  frames: number;
  series: number | null;
  seriesDescription: string | null;
  instance: number | null;
}

export interface KeyImagesResult {
  documentId: string;
  marked: number;
  unmarked: number;
  keyImages: KeyImageLine[];
}

/** Checks the arguments before the vault is unlocked (the unlock is deliberately slow). */
export function keyImagesRequestFrom(args: string[], values: { add?: string[]; remove?: string[] }): KeyImagesRequest {
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

/** Unmarks, then marks, in the order given, in one transaction: a refusal changes nothing. */
export async function keyImages(vault: Vault, request: KeyImagesRequest): Promise<KeyImagesResult> {
  let marked = 0;
  let unmarked = 0;
  const study = await vault.db.transaction(async (tx) => {
    let view = await getDicomStudy(tx, request.id);
    const has = (key: KeyImage) =>
      view.keyImages.some((k) => k.sopInstanceUid === key.sopInstanceUid && k.frame === key.frame);
    for (const key of request.remove) {
      const was = has(key);
      view = await setKeyImage(tx, { id: view.documentId, ...key, marked: false });
      if (was) unmarked++;
    }
    for (const key of request.add) {
      const was = has(key);
      view = await setKeyImage(tx, { id: view.documentId, ...key, marked: true });
      if (!was) marked++;
    }
    return view;
  });
  return { documentId: study.documentId, marked, unmarked, keyImages: keyImageLines(study) };
}

function keyImageLines(study: DicomStudyView): KeyImageLine[] {
  return study.keyImages.map((key) => {
    for (const series of study.series) {
      const instance = series.instances.find((i) => i.sopInstanceUid === key.sopInstanceUid);
      if (instance) {
        return {
          sopInstanceUid: key.sopInstanceUid,
          frame: key.frame + 1,
          frames: Math.max(1, instance.frames),
          series: series.seriesNumber,
          seriesDescription: series.description,
          instance: instance.instanceNumber,
        };
      }
    }
    return {
      sopInstanceUid: key.sopInstanceUid,
      frame: key.frame + 1,
      frames: 1,
      series: null,
      seriesDescription: null,
      instance: null,
    };
  });
}

/** The result as the terminal shows it. */
export function describeKeyImages(result: KeyImagesResult): string {
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
