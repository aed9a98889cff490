import { open } from 'node:fs/promises';
import { Readable } from 'node:stream';
import yauzl from 'yauzl';

/**
 * The bytes of an archive, read at any offset: a file on disk, a stretch of an outer archive (a
 * zip stored uncompressed inside a zip, a zip on a disc image), or a buffer in memory. Archives
 * inside archives are read through these, never extracted to disk.
 */
export interface RandomAccess {
  readonly size: number;
  /** Up to `length` bytes from `offset`; fewer only at the end. */
  read(offset: number, length: number): Promise<Buffer>;
  close(): Promise<void>;
}

const STREAM_PIECE = 1024 * 1024;

export async function openFileAccess(path: string): Promise<RandomAccess> {
  const handle = await open(path, 'r');
  try {
    const size = (await handle.stat()).size;
    return {
      size,
      async read(offset, length) {
        const buffer = Buffer.allocUnsafe(Math.max(0, Math.min(length, size - offset)));
        if (buffer.length === 0) return buffer;
        const { bytesRead } = await handle.read(buffer, 0, buffer.length, offset);
        return bytesRead === buffer.length ? buffer : buffer.subarray(0, bytesRead);
      },
      close: () => handle.close(), // waits for reads under way
    };
  } catch (error) {
    await handle.close();
    throw error;
  }
}

export function bufferAccess(buffer: Buffer): RandomAccess {
  return {
    size: buffer.length,
    read: async (offset, length) => buffer.subarray(offset, Math.min(buffer.length, offset + length)),
    close: async () => {},
  };
}

/** `size` bytes of `parent` from `start`; closing it leaves the parent open. */
export function sliceAccess(parent: RandomAccess, start: number, size: number): RandomAccess {
  if (start < 0 || size < 0 || start + size > parent.size) throw new Error('it points outside the archive holding it');
  return {
    size,
    read: (offset, length) => parent.read(start + offset, Math.max(0, Math.min(length, size - offset))),
    close: async () => {},
  };
}

/** yauzl's reader over a RandomAccess; closing the zip leaves the access to its owner. */
export class YauzlAccessReader extends yauzl.RandomAccessReader {
  constructor(private readonly access: RandomAccess) {
    super();
  }

  override _readStreamForRange(start: number, end: number): Readable {
    const access = this.access;
    return Readable.from(
      (async function* () {
        for (let at = start; at < end;) {
          const piece = await access.read(at, Math.min(STREAM_PIECE, end - at));
          if (piece.length === 0) throw new Error('the archive is cut short');
          at += piece.length;
          yield piece;
        }
      })(),
      { objectMode: false },
    );
  }
}
