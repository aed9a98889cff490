/**
 * `medvault snapshot ID [--series N] [--instance N] [--frame N] [--window C,W] --out FILE.png`:
 * one frame of a study rendered to a PNG, in memory, through the viewer's codecs. The PNG is the
 * only thing written, to a temporary file beside it that is renamed into place.
 */
import { randomBytes } from 'node:crypto';
import { rename, rm, writeFile } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import { PNG } from 'pngjs';
import { getDicomStudy } from '../documents/dicomStudy';
import { MedvaultError, describeIoError } from '../errors';
import { ImageDecodeError, decodeFrame } from '../imaging/decodeFrame';
import { renderToRgba, type Window } from '../imaging/render';
import type { Vault } from '../vault/Vault';

/** A DICOM file larger than this is not read into memory for a snapshot. */
export const MAX_SNAPSHOT_FILE_BYTES = 1024 * 1024 * 1024;

export interface SnapshotRequest {
  id: string;
  out: string;
  /** 1-based positions in the viewer's order; default 1. */
  series: number;
  instance: number;
  frame: number;
  window?: Window;
}

export interface SnapshotResult {
  path: string;
  documentId: string;
  series: number;
  instance: number;
  frame: number;
  frames: number;
  sopInstanceUid: string;
  transferSyntax: string;
  width: number;
  height: number;
  photometric: string;
  window: Window | null;
}

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

export async function snapshot(vault: Vault, request: SnapshotRequest): Promise<SnapshotResult> {
  const study = await vault.db.read((q) => getDicomStudy(q, request.id));
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
  const bytes = await readDocumentFile(vault, study.documentId, instance.position);

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

/** The decrypted bytes of one file of a document, in memory. */
async function readDocumentFile(vault: Vault, documentId: string, position: number): Promise<Buffer> {
  const row = await vault.db.read((q) =>
    q.get<{ blob_id: string; bytes: number }>(
      `SELECT f.blob_id, b.bytes FROM document_files f JOIN blobs b ON b.id = f.blob_id
       WHERE f.document_id = ? AND f.position = ?`,
      [documentId, position],
    ),
  );
  if (!row) throw new MedvaultError('not-found', 'There is no such document file.');
  if (row.bytes > MAX_SNAPSHOT_FILE_BYTES) {
    throw new MedvaultError('invalid-argument', 'That DICOM file is larger than 1 GiB, too large to render here.');
  }
  const parts: Buffer[] = [];
  for await (const part of vault.blobs.read(row.blob_id)) parts.push(part);
  return Buffer.concat(parts);
}

async function writeAtomically(path: string, data: Buffer): Promise<void> {
  const temporary = join(dirname(path), `.${basename(path)}.${randomBytes(6).toString('hex')}.tmp`);
  try {
    await writeFile(temporary, data, { flag: 'wx' });
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
