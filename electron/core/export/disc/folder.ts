import { randomBytes, randomUUID } from 'node:crypto';
import { mkdir, open, readFile, rename, rm } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { checkPacketTarget } from '../packetTarget';
import { type DicomdirInstance, writeDicomdir } from './dicomdir';
import {
  assignDicomPaths,
  assignDocumentNames,
  checkPacketNames,
  indexHtml,
  manifestText,
  readmeText,
  type IndexStudy,
} from './layout';
import { DeidentifyError, UidMap, deidentifyDicom } from './deidentify';
import { readInstanceKeys } from './packetInstance';
import { PACKET_FILE_MODE, PACKET_FOLDER_MODE } from '../../fileModes';

/**
 * A second-opinion packet (issue 7) as files: the DICOM instances under PDI names with a DICOMDIR,
 * the documents, README.TXT, INDEX.HTM and MANIFEST. Built in memory as a list of files, then
 * written to a folder atomically.
 */

export interface PacketInstanceInput {
  /** The file's bytes, or a path to read them from. */
  bytes?: Buffer;
  path?: string;
}

export interface PacketInput {
  /** Each study's instances; series are grouped from the files themselves. */
  studies: { instances: PacketInstanceInput[] }[];
  reports?: { name: string; bytes: Buffer }[];
  /** DOCS/SUMMARY.PDF: the records laid out as the PDF writer does, without a letter. */
  summaryPdf?: Buffer;
  /** Titles of the records that are only in the summary (neither DICOM nor PDF), named in README and INDEX. */
  inSummary?: string[];
  /** When the packet was made (ISO date), for README.TXT and INDEX.HTM. */
  made?: string;
  /**
   * De-identify the DICOM files (PS3.15 Basic Profile, `deidentify.ts`), UIDs replaced
   * consistently across the packet. A file that cannot be de-identified is left out, with a
   * warning. The PDFs are never de-identified (a warning says so).
   */
  deidentify?: boolean;
  /** The packet's UID map when de-identifying (a fresh random one by default). */
  uidMap?: UidMap;
}

export interface PacketFile {
  /** Relative path with `/`. */
  path: string;
  bytes: Buffer;
}

export interface Packet {
  files: PacketFile[];
  /** Sentences for the patient (e.g. pixels that may show identity). */
  warnings: string[];
  instances: DicomdirInstance[];
}

async function instanceBytes(input: PacketInstanceInput): Promise<Buffer> {
  if (input.bytes) return input.bytes;
  if (input.path) return readFile(input.path);
  throw new Error('An instance needs its bytes or a path.');
}

/**
 * A UID for the file-set: `2.25.` and a random UUID (PS3.5 B.2), at most 44 characters. (Random
 * digits after Medvault's own 44-character root made 65 at times, one more than a UI may hold.)
 */
function fileSetUid(): string {
  return `2.25.${BigInt(`0x${randomUUID().replace(/-/g, '')}`).toString()}`;
}

export async function buildPacket(input: PacketInput): Promise<Packet> {
  const made = input.made ?? new Date().toISOString().slice(0, 10);
  const warnings: string[] = [];
  const warn = (warning: string) => {
    if (!warnings.includes(warning)) warnings.push(warning);
  };
  const uids = input.deidentify ? (input.uidMap ?? new UidMap()) : null;
  const seen = new Set<string>();
  const placed: { keys: Omit<DicomdirInstance, 'fileId'>; bytes: Buffer }[][] = [];
  for (const study of input.studies) {
    const files: { keys: Omit<DicomdirInstance, 'fileId'>; bytes: Buffer }[] = [];
    for (const instance of study.instances) {
      let bytes = await instanceBytes(instance);
      if (uids) {
        try {
          const result = deidentifyDicom(bytes, uids);
          bytes = result.bytes;
          result.warnings.forEach(warn);
        } catch (error) {
          if (!(error instanceof DeidentifyError)) throw error;
          warn(`A DICOM file was left out: ${error.message}`);
          continue;
        }
      }
      const keys = readInstanceKeys(bytes);
      if (seen.has(keys.sopInstanceUid)) {
        warn('A DICOM file was given twice (the same SOP Instance UID); one copy is in the packet.');
        continue;
      }
      seen.add(keys.sopInstanceUid);
      files.push({ keys, bytes });
    }
    if (files.length > 0) placed.push(files);
  }

  // Series of a study in order of first appearance; instances by Instance Number within a series.
  const grouped = placed.map((files) => {
    const series = new Map<string, typeof files>();
    for (const file of files) {
      const list = series.get(file.keys.seriesInstanceUid) ?? [];
      list.push(file);
      series.set(file.keys.seriesInstanceUid, list);
    }
    return [...series.values()].map((list) =>
      list
        .map((file, index) => ({ file, index }))
        .sort(
          (a, b) =>
            (a.file.keys.instanceNumber ?? Infinity) - (b.file.keys.instanceNumber ?? Infinity) || a.index - b.index,
        )
        .map(({ file }) => file),
    );
  });
  const paths = assignDicomPaths(grouped.map((series) => series.map((list) => list.length)));

  const files: PacketFile[] = [];
  const instances: DicomdirInstance[] = [];
  const indexStudies: IndexStudy[] = [];
  grouped.forEach((series, studyIndex) => {
    series.forEach((list, seriesIndex) =>
      list.forEach((file, instanceIndex) => {
        const fileId = paths[studyIndex]![seriesIndex]![instanceIndex]!;
        instances.push({ ...file.keys, fileId });
        files.push({ path: fileId.join('/'), bytes: file.bytes });
      }),
    );
    const first = series[0]?.[0]?.keys;
    if (first) {
      indexStudies.push({
        date: readableDate(first.studyDate),
        description: first.studyDescription,
        modalities: [...new Set(series.map((list) => list[0]!.keys.modality))],
        series: series.length,
        instances: series.reduce((sum, list) => sum + list.length, 0),
      });
    }
  });
  if (instances.length === 0) throw new Error('A second-opinion packet needs at least one DICOM file.');

  files.push({
    path: 'DICOMDIR',
    bytes: writeDicomdir(instances, { fileSetId: 'MEDVAULT', fileSetInstanceUid: fileSetUid() }),
  });
  const reports = input.reports ?? [];
  if (uids && (reports.length > 0 || input.summaryPdf)) {
    warn(
      'The PDF documents were not de-identified: a PDF cannot be de-identified reliably, so check them before sharing.',
    );
  }
  const names = assignDocumentNames(reports.length, input.summaryPdf !== undefined);
  const documents: { path: string; title: string }[] = [];
  if (names.summary && input.summaryPdf) {
    files.push({ path: names.summary, bytes: input.summaryPdf });
    documents.push({ path: names.summary, title: 'Summary of records (every document as pages)' });
  }
  reports.forEach((report, i) => {
    files.push({ path: names.reports[i]!, bytes: report.bytes });
    documents.push({ path: names.reports[i]!, title: report.name });
  });
  const patient = instances[0]!;
  files.push({
    path: 'README.TXT',
    bytes: Buffer.from(
      readmeText({
        made,
        deidentified: uids !== null,
        studies: grouped.length,
        reports: documents.length,
        summary: names.summary !== null,
        inSummary: names.summary ? input.inSummary : [],
      }),
      'utf8',
    ),
  });
  files.push({
    path: 'INDEX.HTM',
    bytes: Buffer.from(
      indexHtml({
        patientName: patient.patientName.replace(/\^+/g, ' ').trim(),
        patientId: patient.patientId,
        made,
        studies: indexStudies,
        documents,
        inSummary: names.summary ? input.inSummary : [],
        warnings,
      }),
      'utf8',
    ),
  });
  files.push({ path: 'MANIFEST', bytes: Buffer.from(manifestText(files), 'utf8') });
  checkPacketNames(files.map((file) => file.path));
  return { files, warnings, instances };
}

function readableDate(value: string): string {
  const match = /^(\d{4})(\d{2})(\d{2})$/.exec(value);
  return match ? `${match[1]}-${match[2]}-${match[3]}` : value;
}

async function writeSynced(path: string, bytes: Buffer): Promise<void> {
  // The patient's alone until they hand it over: other users of this computer cannot read it.
  const handle = await open(path, 'wx', PACKET_FILE_MODE);
  try {
    await handle.writeFile(bytes);
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/** Syncs a folder's entries; not possible on Windows (a folder cannot be opened), where it is skipped. */
export async function syncFolder(path: string): Promise<void> {
  let handle;
  try {
    handle = await open(path, 'r');
    await handle.sync();
  } catch {
    // EISDIR/EPERM on Windows: the file system there commits renames itself.
  } finally {
    await handle?.close();
  }
}

/**
 * Where a packet is written before it is renamed to `target` (a hidden name beside it, so the
 * rename stays on one file system); refuses a `target` that exists.
 */
export async function stagingPathFor(target: string): Promise<string> {
  await checkPacketTarget(target);
  return join(dirname(target), `.${basename(target)}.partial-${randomBytes(4).toString('hex')}`);
}

/** How a packet is written, as a folder or a zip. */
export interface PacketWriteOptions {
  /**
   * Runs the final rename, e.g. inside the transaction that records the disclosure, so the
   * packet and its record appear together (by default, the rename alone).
   */
  publish?: (rename: () => Promise<void>) => Promise<void>;
  /** Checked before every file; an abort leaves nothing behind. */
  signal?: AbortSignal;
  /** After each file is written (a zip: each entry). */
  onFileWritten?: (filesDone: number, filesTotal: number) => void;
}

export interface DiscFolderOptions extends PacketInput, PacketWriteOptions {
  /** The folder to create; it must not exist yet. */
  outDir: string;
}

/**
 * Writes the packet into a hidden folder next to `outDir`, every file and folder synced (a USB
 * stick may be pulled out as soon as it says done), then renames
 * it into place: `outDir` either does not exist or holds the whole packet.
 */
export async function writeDiscFolder(options: DiscFolderOptions): Promise<Packet> {
  const staging = await stagingPathFor(options.outDir);
  const packet = await buildPacket(options);
  try {
    let done = 0;
    for (const file of packet.files) {
      options.signal?.throwIfAborted();
      const target = join(staging, ...file.path.split('/'));
      await mkdir(dirname(target), { recursive: true, mode: PACKET_FOLDER_MODE });
      await writeSynced(target, file.bytes);
      options.onFileWritten?.(++done, packet.files.length);
    }
    options.signal?.throwIfAborted();
    for (const folder of new Set(packet.files.map((file) => dirname(join(staging, ...file.path.split('/')))))) {
      await syncFolder(folder);
    }
    const move = () => rename(staging, options.outDir);
    await (options.publish ? options.publish(move) : move());
    await syncFolder(dirname(options.outDir));
  } catch (error) {
    await rm(staging, { recursive: true, force: true });
    throw error;
  }
  return packet;
}
