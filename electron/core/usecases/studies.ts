/**
 * Imaging studies: the viewer's view of a study, its key images (marked in the viewer or with
 * `medvault key-images`), and one frame rendered to a PNG (`medvault snapshot`).
 */
import { randomBytes } from 'node:crypto';
import { rename, rm, writeFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { PNG } from 'pngjs';
import type { KeyImageLine, KeyImagesJson, SnapshotJson } from '../../../shared/cliOutput';
import type { DicomStudyView, KeyImage } from '../../../shared/dicom';
import {
  getDicomStudy as readDicomStudy,
  setKeyImage as writeKeyImage,
  type KeyImageChange,
} from '../documents/dicomStudy';
import { MedvaultError, describeIoError } from '../errors';
import { ImageDecodeError, decodeFrame } from '../imaging/decodeFrame';
import { renderToRgba, type Window } from '../imaging/render';
import type { Vault } from '../vault/Vault';
import { readDocumentFile } from './documents';
import { PACKET_FILE_MODE } from '../fileModes';

export type { KeyImageChange };

/** A DICOM file larger than this is not read into memory for a snapshot. */
export const MAX_SNAPSHOT_FILE_BYTES = 1024 * 1024 * 1024;

export function getDicomStudy(vault: Vault, id: string): Promise<DicomStudyView> {
  return vault.db.read((q) => readDicomStudy(q, id));
}

export function setKeyImage(vault: Vault, change: KeyImageChange): Promise<DicomStudyView> {
  return vault.db.transaction((tx) => writeKeyImage(tx, change));
}

export interface KeyImagesChange {
  id: string;
  /** Frames from 0, as the core counts them. */
  add: KeyImage[];
  remove: KeyImage[];
}

/** Unmarks, then marks, in the order given, in one transaction: a refusal changes nothing. */
export async function changeKeyImages(vault: Vault, change: KeyImagesChange): Promise<KeyImagesJson> {
  let marked = 0;
  let unmarked = 0;
  const study = await vault.db.transaction(async (tx) => {
    let view = await readDicomStudy(tx, change.id);
    const has = (key: KeyImage) =>
      view.keyImages.some((k) => k.sopInstanceUid === key.sopInstanceUid && k.frame === key.frame);
    for (const key of change.remove) {
      const was = has(key);
      view = await writeKeyImage(tx, { id: view.documentId, ...key, marked: false });
      if (was) unmarked++;
    }
    for (const key of change.add) {
      const was = has(key);
      view = await writeKeyImage(tx, { id: view.documentId, ...key, marked: true });
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

export interface SnapshotRequest {
  id: string;
  /** Where the PNG goes (an absolute path); written beside it first and renamed into place. */
  out: string;
  /** 1-based positions in the viewer's order. */
  series: number;
  instance: number;
  frame: number;
  window?: Window;
}

/** One frame of a study rendered in memory through the viewer's codecs; only the PNG is written. */
export async function snapshotFrame(vault: Vault, request: SnapshotRequest): Promise<SnapshotJson> {
  const study = await getDicomStudy(vault, request.id);
  const series = study.series[request.series - 1];
  if (!series) {
    throw new MedvaultError(
      'invalid-argument',
      `This study has ${count(study.series.length, 'series', 'series')}; there is no series ${request.series}.`,
    );
  }
  const instance = series.instances[request.instance - 1];
  if (!instance) {
    throw new MedvaultError(
      'invalid-argument',
      `Series ${request.series} has ${count(series.instances.length, 'instance', 'instances')}; there is no instance ${request.instance}.`,
    );
  }
  if (!instance.hasPixels) {
    throw new MedvaultError(
      'invalid-argument',
      `That instance has no image (${describeInstance(instance.sopClassUid)}).`,
    );
  }
  if (request.frame > instance.frames) {
    throw new MedvaultError(
      'invalid-argument',
      `That instance has ${count(instance.frames, 'frame', 'frames')}; there is no frame ${request.frame}.`,
    );
  }
  const bytes = await readDocumentFile(vault, study.documentId, instance.position, {
    maxBytes: MAX_SNAPSHOT_FILE_BYTES,
    tooLarge: 'That DICOM file is larger than 1 GiB, too large to render here.',
  });

  let decoded;
  try {
    decoded = await decodeFrame(bytes, request.frame - 1);
  } catch (error) {
    if (!(error instanceof ImageDecodeError)) throw error;
    if (error.noImage) throw new MedvaultError('invalid-argument', `That instance has no image (${error.message}).`);
    throw new MedvaultError('blob-damaged', `That image could not be rendered: ${error.message}.`);
  }
  let rendered;
  try {
    rendered = renderToRgba(decoded, request.window ? { window: request.window } : {});
  } catch (error) {
    throw new MedvaultError('blob-damaged', `That image could not be rendered: ${(error as Error).message}.`);
  }

  const png = new PNG({ width: rendered.width, height: rendered.height });
  png.data = Buffer.from(rendered.rgba.buffer, rendered.rgba.byteOffset, rendered.rgba.byteLength);
  await writeAtomically(request.out, PNG.sync.write(png));

  return {
    path: request.out,
    documentId: study.documentId,
    series: request.series,
    instance: request.instance,
    frame: request.frame,
    frames: decoded.frames,
    sopInstanceUid: instance.sopInstanceUid,
    transferSyntax: decoded.transferSyntax,
    width: rendered.width,
    height: rendered.height,
    photometric: decoded.photometric,
    window: rendered.window,
  };
}

async function writeAtomically(path: string, data: Buffer): Promise<void> {
  const temporary = join(dirname(path), `.${basename(path)}.${randomBytes(6).toString('hex')}.tmp`);
  try {
    await writeFile(temporary, data, { flag: 'wx', mode: PACKET_FILE_MODE });
    await rename(temporary, path);
  } catch (error) {
    await rm(temporary, { force: true });
    throw describeIoError(error, `the file ${path}`);
  }
}

function describeInstance(sopClassUid: string | null): string {
  if (sopClassUid === '1.2.840.10008.5.1.4.1.1.104.1') return 'it is an encapsulated PDF';
  if (sopClassUid?.startsWith('1.2.840.10008.5.1.4.1.1.88.')) return 'it is a structured report';
  return 'it has no pixel data';
}

function count(n: number, one: string, many: string): string {
  return `${n} ${n === 1 ? one : many}`;
}
