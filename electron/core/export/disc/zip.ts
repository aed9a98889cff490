import { open, rename, rm } from 'node:fs/promises';
import { dirname } from 'node:path';
import {
  buildPacket,
  stagingPathFor,
  syncFolder,
  type Packet,
  type PacketFile,
  type PacketInput,
  type PacketWriteOptions,
} from './folder';
import { PACKET_FILE_MODE } from '../../fileModes';

/**
 * The packet as a zip: the same files under the same names, stored (not compressed — DICOM
 * pixels are mostly compressed already or barely shrink, and a stored zip is what every
 * unzipper and PACS import tool reads). Plain ZIP 2.0 without ZIP64, so at most 4 GiB and
 * 65,535 files; a larger packet is refused with a sentence and should go as a folder.
 */

const CRC_TABLE = (() => {
  const table = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    table[n] = c >>> 0;
  }
  return table;
})();

export function crc32(bytes: Buffer): number {
  let crc = 0xffffffff;
  for (let i = 0; i < bytes.length; i++) crc = CRC_TABLE[(crc ^ bytes[i]!) & 0xff]! ^ (crc >>> 8);
  return (crc ^ 0xffffffff) >>> 0;
}

function dosDateTime(date: Date): { time: number; day: number } {
  return {
    time: (date.getHours() << 11) | (date.getMinutes() << 5) | Math.floor(date.getSeconds() / 2),
    day: ((Math.max(1980, date.getFullYear()) - 1980) << 9) | ((date.getMonth() + 1) << 5) | date.getDate(),
  };
}

/** The zip's bytes as a list of chunks (file contents are not copied). */
export function zipChunks(files: readonly PacketFile[], when = new Date()): Buffer[] {
  const { entries, trailer } = zipParts(files, when);
  return [...entries.flat(), ...trailer];
}

/** The zip's bytes: each file's local header, name and contents, then the central directory. */
export function zipParts(files: readonly PacketFile[], when = new Date()): { entries: Buffer[][]; trailer: Buffer[] } {
  if (files.length > 0xffff) throw new Error('The packet has too many files for a zip; write it as a folder.');
  const { time, day } = dosDateTime(when);
  const entries: Buffer[][] = [];
  const central: Buffer[] = [];
  let offset = 0;
  for (const file of files) {
    const name = Buffer.from(file.path, 'ascii');
    const crc = crc32(file.bytes);
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4); // version needed: 2.0
    local.writeUInt16LE(0, 6); // flags
    local.writeUInt16LE(0, 8); // stored
    local.writeUInt16LE(time, 10);
    local.writeUInt16LE(day, 12);
    local.writeUInt32LE(crc, 14);
    local.writeUInt32LE(file.bytes.length, 18);
    local.writeUInt32LE(file.bytes.length, 22);
    local.writeUInt16LE(name.length, 26);
    local.writeUInt16LE(0, 28);
    const entry = Buffer.alloc(46);
    entry.writeUInt32LE(0x02014b50, 0);
    entry.writeUInt16LE(20, 4); // made by: 2.0, MS-DOS attributes
    entry.writeUInt16LE(20, 6);
    entry.writeUInt16LE(0, 8);
    entry.writeUInt16LE(0, 10);
    entry.writeUInt16LE(time, 12);
    entry.writeUInt16LE(day, 14);
    entry.writeUInt32LE(crc, 16);
    entry.writeUInt32LE(file.bytes.length, 20);
    entry.writeUInt32LE(file.bytes.length, 24);
    entry.writeUInt16LE(name.length, 28);
    entry.writeUInt32LE(0, 38); // external attributes: a plain file
    entry.writeUInt32LE(offset, 42);
    entries.push([local, name, file.bytes]);
    central.push(entry, name);
    offset += local.length + name.length + file.bytes.length;
    if (offset > 0xffffffff) throw new Error('The packet is larger than 4 GiB; write it as a folder.');
  }
  const centralSize = central.reduce((sum, chunk) => sum + chunk.length, 0);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(files.length, 8);
  end.writeUInt16LE(files.length, 10);
  end.writeUInt32LE(centralSize, 12);
  end.writeUInt32LE(offset, 16);
  return { entries, trailer: [...central, end] };
}

export interface DiscZipOptions extends PacketInput, PacketWriteOptions {
  /** The zip file to create; it must not exist yet. */
  outFile: string;
}

/**
 * Writes the packet as a zip: to a temporary file beside `outFile`, synced, then renamed into
 * place (through `publish`, as the folder is).
 */
export async function writeDiscZip(options: DiscZipOptions): Promise<Packet> {
  const temporary = await stagingPathFor(options.outFile);
  const packet = await buildPacket(options);
  try {
    const { entries, trailer } = zipParts(packet.files);
    const handle = await open(temporary, 'wx', PACKET_FILE_MODE);
    try {
      for (const [n, entry] of entries.entries()) {
        options.signal?.throwIfAborted();
        for (const chunk of entry) await handle.write(chunk);
        options.onFileWritten?.(n + 1, entries.length);
      }
      for (const chunk of trailer) await handle.write(chunk);
      await handle.sync();
    } finally {
      await handle.close();
    }
    options.signal?.throwIfAborted();
    const move = () => rename(temporary, options.outFile);
    await (options.publish ? options.publish(move) : move());
    await syncFolder(dirname(options.outFile));
  } catch (error) {
    await rm(temporary, { force: true });
    throw error;
  }
  return packet;
}
