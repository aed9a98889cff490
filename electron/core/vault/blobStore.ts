import { createHash, randomBytes } from 'node:crypto';
import { constants as fsConstants } from 'node:fs';
import { mkdir, open, readdir, rename, rm, stat, type FileHandle } from 'node:fs/promises';
import { join } from 'node:path';
import {
  DEFAULT_CHUNK_BYTES,
  HEADER_BYTES,
  TAG_BYTES,
  encryptedSize,
  fileKey,
  layoutFromFileSize,
  newHeader,
  openChunk,
  parseHeader,
  sealChunk,
  type BlobHeader,
} from '../crypto/blobCipher';
import { MedvaultError, describeIoError } from '../errors';

export type BlobProblem = 'missing' | 'truncated' | 'altered' | 'wrong-length' | 'wrong-content';

export class BlobDamagedError extends MedvaultError {
  constructor(
    readonly blobId: string,
    readonly problem: BlobProblem,
  ) {
    super('blob-damaged', BLOB_PROBLEM_TEXT[problem]);
    this.name = 'BlobDamagedError';
  }
}

const BLOB_PROBLEM_TEXT: Record<BlobProblem, string> = {
  missing: 'The encrypted file of this document is missing from the vault.',
  truncated: 'The encrypted file of this document has been cut short.',
  altered: 'The encrypted file of this document has been altered or damaged.',
  'wrong-length': 'The encrypted file of this document has a different length than recorded.',
  'wrong-content': 'The encrypted file of this document does not hold the recorded content.',
};

export interface WrittenBlob {
  blobId: string;
  bytes: number;
  sha256: string;
}

const BLOB_ID = /^[0-9a-f]{32}$/;
/** How many sealed chunks are read from disk at once. */
const READ_BATCH_CHUNKS = 16;

/**
 * Document bytes, each in its own encrypted file named by a random id (the name says nothing of
 * the content). New blobs are written under `incoming/`, named by the database, and only then moved
 * into place; an open removes only unfinished writes from `incoming/` (`removeUnfinishedWrites`).
 */
export class BlobStore {
  private readonly incomingDir: string;
  /** Blobs a running backup still has to copy: deleting them waits until it is done. */
  private readonly pinned = new Map<string, number>();
  private readonly deferredDeletes = new Set<string>();

  constructor(
    readonly dir: string,
    private readonly blobKey: Buffer,
  ) {
    this.incomingDir = join(dir, 'incoming');
  }

  static async initialize(dir: string): Promise<void> {
    await mkdir(join(dir, 'incoming'), { recursive: true, mode: 0o700 });
  }

  pathOf(blobId: string): string {
    if (!BLOB_ID.test(blobId))
      throw new MedvaultError('vault-damaged', 'The vault refers to a file with an invalid name.');
    return join(this.dir, blobId.slice(0, 2), blobId);
  }

  /** Where a blob being written (or an upload waiting to be imported) lives until it is committed. */
  incomingPathOf(blobId: string): string {
    if (!BLOB_ID.test(blobId))
      throw new MedvaultError('vault-damaged', 'The vault refers to a file with an invalid name.');
    return join(this.incomingDir, blobId);
  }

  async createWriter(): Promise<BlobWriter> {
    const blobId = randomBytes(16).toString('hex');
    const path = this.incomingPathOf(blobId);
    let handle: FileHandle;
    try {
      handle = await open(path, fsConstants.O_WRONLY | fsConstants.O_CREAT | fsConstants.O_EXCL, 0o600);
    } catch (error) {
      throw describeIoError(error, 'a new file in the vault');
    }
    const header = newHeader(DEFAULT_CHUNK_BYTES);
    const writer = new BlobWriter(blobId, path, handle, header, fileKey(this.blobKey, header, blobId));
    await writer.start();
    return writer;
  }

  /**
   * Moves a finished blob into place; once the database names it, a sweep leaves it alone. With
   * `durable: false` neither the file nor the rename is synced yet: the caller syncs a whole batch
   * with `syncCommitted` before it relies on them.
   */
  async commit(writer: BlobWriter, { durable = true } = {}): Promise<void> {
    const finalPath = this.pathOf(writer.blobId);
    const folder = join(this.dir, writer.blobId.slice(0, 2));
    try {
      await mkdir(folder, { recursive: true, mode: 0o700 });
      await rename(writer.path, finalPath);
      if (durable) await syncDirectory(folder);
    } catch (error) {
      throw describeIoError(error, 'a file in the vault');
    }
  }

  /** Makes committed blobs and their folder entries durable, several at a time. */
  async syncCommitted(blobIds: readonly string[], alreadySynced: ReadonlySet<string> = new Set()): Promise<void> {
    const queue = blobIds.filter((id) => !alreadySynced.has(id));
    const syncOne = async () => {
      for (let id = queue.pop(); id !== undefined; id = queue.pop()) {
        const handle = await open(this.pathOf(id), 'r');
        try {
          await handle.sync();
        } finally {
          await handle.close();
        }
      }
    };
    try {
      await Promise.all(Array.from({ length: 8 }, syncOne));
      for (const folder of new Set(blobIds.map((id) => id.slice(0, 2)))) await syncDirectory(join(this.dir, folder));
    } catch (error) {
      throw describeIoError(error, 'the files of the vault');
    }
  }

  /**
   * Syncs a finished blob's data to disk wherever it is at the moment (still incoming, or already
   * moved into place: a rename keeps the data). False if it is gone (discarded as a duplicate).
   */
  async syncData(blobId: string): Promise<boolean> {
    for (const path of [this.incomingPathOf(blobId), this.pathOf(blobId), this.incomingPathOf(blobId)]) {
      let handle: FileHandle;
      try {
        handle = await open(path, 'r');
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === 'ENOENT') continue; // moved meanwhile: try the other name
        throw describeIoError(error, 'a file in the vault');
      }
      try {
        await handle.sync();
        return true;
      } finally {
        await handle.close();
      }
    }
    return false;
  }

  /** Writes a whole buffer as a committed blob. */
  async writeBuffer(data: Buffer): Promise<WrittenBlob> {
    const writer = await this.createWriter();
    try {
      await writer.write(data);
      const written = await writer.finish();
      await this.commit(writer);
      return written;
    } catch (error) {
      await writer.abort();
      throw error;
    }
  }

  /**
   * Streams the plaintext of `[start, end)` (default: all of it), decrypting only the chunks
   * the range touches. Throws BlobDamagedError when the file is missing, cut or altered.
   */
  async *read(
    blobId: string,
    range: { start?: number; end?: number } = {},
    where: 'stored' | 'incoming' = 'stored',
  ): AsyncGenerator<Buffer> {
    const path = where === 'stored' ? this.pathOf(blobId) : this.incomingPathOf(blobId);
    let handle: FileHandle;
    try {
      handle = await open(path, 'r');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw describeIoError(error, 'a file in the vault');
      // Named by the database a moment before it is moved into place (an import under way).
      const incoming = where === 'stored' ? await open(this.incomingPathOf(blobId), 'r').catch(() => null) : null;
      if (!incoming) throw new BlobDamagedError(blobId, 'missing');
      handle = incoming;
    }
    try {
      const { size } = await handle.stat();
      const headerBuffer = Buffer.alloc(HEADER_BYTES);
      const { bytesRead } = await handle.read(headerBuffer, 0, HEADER_BYTES, 0);
      const header = parseHeader(headerBuffer.subarray(0, bytesRead));
      if (!header) throw new BlobDamagedError(blobId, bytesRead < HEADER_BYTES ? 'truncated' : 'altered');
      const layout = layoutFromFileSize(size, header.chunkBytes);
      if (!layout) throw new BlobDamagedError(blobId, 'truncated');
      const key = fileKey(this.blobKey, header, blobId);
      const start = Math.max(0, range.start ?? 0);
      const end = Math.min(layout.plainBytes, range.end ?? layout.plainBytes);
      if (end <= start && layout.plainBytes > 0) return;
      const firstChunk = Math.floor(start / header.chunkBytes);
      const lastChunk = layout.plainBytes === 0 ? 0 : Math.floor((end - 1) / header.chunkBytes);
      const sealedChunk = header.chunkBytes + TAG_BYTES;
      for (let batchStart = firstChunk; batchStart <= lastChunk; batchStart += READ_BATCH_CHUNKS) {
        const batchEnd = Math.min(lastChunk, batchStart + READ_BATCH_CHUNKS - 1);
        const offset = HEADER_BYTES + batchStart * sealedChunk;
        const length = Math.min(size, HEADER_BYTES + (batchEnd + 1) * sealedChunk) - offset;
        const sealed = Buffer.allocUnsafe(length);
        const read = await handle.read(sealed, 0, length, offset);
        if (read.bytesRead !== length) throw new BlobDamagedError(blobId, 'truncated');
        for (let index = batchStart; index <= batchEnd; index++) {
          const from = (index - batchStart) * sealedChunk;
          const piece = sealed.subarray(from, Math.min(length, from + sealedChunk));
          const plain = openChunk(key, header, index, index === layout.chunks - 1, piece);
          if (!plain) throw new BlobDamagedError(blobId, index === layout.chunks - 1 ? 'truncated' : 'altered');
          const chunkStart = index * header.chunkBytes;
          const sliceFrom = Math.max(0, start - chunkStart);
          const sliceTo = Math.min(plain.length, end - chunkStart);
          if (sliceTo > sliceFrom) yield plain.subarray(sliceFrom, sliceTo);
        }
      }
    } finally {
      await handle.close();
    }
  }

  async readAll(blobId: string): Promise<Buffer> {
    const parts: Buffer[] = [];
    for await (const part of this.read(blobId)) parts.push(part);
    return Buffer.concat(parts);
  }

  /**
   * Decrypts the whole blob and checks it holds exactly what the database recorded.
   * A last chunk that fails is reported as truncation only when the file is shorter than recorded.
   */
  async verify(blobId: string, expected: { bytes: number; sha256: string }): Promise<BlobProblem | null> {
    let size: number;
    try {
      size = (await stat(this.pathOf(blobId))).size;
    } catch {
      return 'missing';
    }
    const expectedSize = encryptedSize(expected.bytes, DEFAULT_CHUNK_BYTES);
    const hash = createHash('sha256');
    let total = 0;
    try {
      for await (const part of this.read(blobId)) {
        hash.update(part);
        total += part.length;
      }
    } catch (error) {
      if (!(error instanceof BlobDamagedError)) throw error;
      if (size < expectedSize) return 'truncated';
      if (size > expectedSize) return 'wrong-length';
      return error.problem === 'truncated' ? 'altered' : error.problem;
    }
    if (total !== expected.bytes) return size < expectedSize ? 'truncated' : 'wrong-length';
    if (hash.digest('hex') !== expected.sha256) return 'wrong-content';
    return null;
  }

  pin(blobIds: Iterable<string>): void {
    for (const id of blobIds) this.pinned.set(id, (this.pinned.get(id) ?? 0) + 1);
  }

  async unpin(blobIds: Iterable<string>): Promise<void> {
    for (const id of blobIds) {
      const count = (this.pinned.get(id) ?? 1) - 1;
      if (count > 0) this.pinned.set(id, count);
      else this.pinned.delete(id);
    }
    for (const id of [...this.deferredDeletes]) {
      if (!this.pinned.has(id)) {
        this.deferredDeletes.delete(id);
        await this.delete(id);
      }
    }
  }

  /** Drops a finished blob that was never committed (an upload that was not imported). */
  async discardIncoming(blobId: string): Promise<void> {
    await rm(this.incomingPathOf(blobId), { force: true });
  }

  /** Removes a blob, in place or still incoming (a run undone before its commit moved it). */
  async delete(blobId: string): Promise<void> {
    if (this.pinned.has(blobId)) {
      this.deferredDeletes.add(blobId);
      return;
    }
    await rm(this.pathOf(blobId), { force: true });
    await rm(this.incomingPathOf(blobId), { force: true });
  }

  /** Every blob id present on disk (not counting unfinished writes). */
  async listStored(): Promise<string[]> {
    const ids: string[] = [];
    for (const entry of await readdir(this.dir, { withFileTypes: true })) {
      if (!entry.isDirectory() || !/^[0-9a-f]{2}$/.test(entry.name)) continue;
      for (const file of await readdir(join(this.dir, entry.name))) {
        if (BLOB_ID.test(file) && file.startsWith(entry.name)) ids.push(file);
      }
    }
    return ids;
  }

  /**
   * Removes the unfinished writes a crash left in `incoming/`: files a writer created there (a
   * blob's name, made with O_EXCL) that no commit moved into place — the database names a blob only
   * once it is in place, or while the run that wrote it is still running (and is undone first).
   * Anything else found there is left alone. Only called while this process holds the vault lock.
   */
  async removeUnfinishedWrites(): Promise<{ removed: number }> {
    let removed = 0;
    await mkdir(this.incomingDir, { recursive: true, mode: 0o700 });
    for (const file of await readdir(this.incomingDir)) {
      if (!BLOB_ID.test(file)) continue;
      await rm(join(this.incomingDir, file), { force: true });
      removed++;
    }
    return { removed };
  }

  /** The size on disk of a stored blob (0 when it is gone). */
  async sizeOf(blobId: string): Promise<number> {
    return (await stat(this.pathOf(blobId)).catch(() => null))?.size ?? 0;
  }
}

/** Encrypts a stream of plaintext into one blob file, hashing it on the way. */
export class BlobWriter {
  private readonly hash = createHash('sha256');
  private pending: Buffer[] = [];
  private pendingBytes = 0;
  private chunkIndex = 0;
  private plainBytes = 0;
  private position = 0;
  private closed = false;

  constructor(
    readonly blobId: string,
    readonly path: string,
    private readonly handle: FileHandle,
    private readonly header: BlobHeader,
    private readonly key: Buffer,
  ) {}

  async start(): Promise<void> {
    await this.writeRaw([this.header.raw]);
  }

  /** Takes ownership of `data`: the caller must not change it afterwards. */
  async write(data: Buffer): Promise<void> {
    this.hash.update(data);
    this.plainBytes += data.length;
    // Keep the last (possibly full) chunk back: only finish() knows which chunk is the last.
    const chunk = this.header.chunkBytes;
    if (this.pendingBytes + data.length <= chunk) {
      this.pending.push(data);
      this.pendingBytes += data.length;
      return;
    }
    const out: Buffer[] = [];
    let offset = 0;
    if (this.pendingBytes) {
      // The chunk held back is completed from the start of `data` (one chunk copied, not all of
      // `data`: an import writes 1 MiB pieces, and it is always holding one back).
      offset = chunk - this.pendingBytes;
      const first = Buffer.concat([...this.pending, data.subarray(0, offset)], chunk);
      out.push(...sealChunk(this.key, this.header, this.chunkIndex++, false, first));
    }
    // Then straight from the caller's buffer, keeping back 1 to `chunk` bytes (more data follows it).
    const sealable = offset + Math.floor((data.length - offset - 1) / chunk) * chunk;
    for (; offset < sealable; offset += chunk) {
      out.push(...sealChunk(this.key, this.header, this.chunkIndex++, false, data.subarray(offset, offset + chunk)));
    }
    const rest = data.subarray(sealable);
    this.pending = [rest];
    this.pendingBytes = rest.length;
    await this.writeRaw(out);
  }

  /** Seals the last chunk and (unless told not to, see BlobStore.commit) syncs the file to disk. */
  async finish({ durable = true } = {}): Promise<WrittenBlob> {
    const last = Buffer.concat(this.pending, this.pendingBytes);
    this.pending = [];
    await this.writeRaw(sealChunk(this.key, this.header, this.chunkIndex++, true, last));
    try {
      if (durable) await this.handle.sync();
      await this.handle.close();
    } catch (error) {
      throw describeIoError(error, 'a file in the vault');
    } finally {
      this.closed = true;
    }
    return { blobId: this.blobId, bytes: this.plainBytes, sha256: this.hash.digest('hex') };
  }

  async abort(): Promise<void> {
    if (!this.closed) {
      this.closed = true;
      await this.handle.close().catch(() => undefined);
    }
    await rm(this.path, { force: true });
  }

  private async writeRaw(pieces: Buffer[]): Promise<void> {
    try {
      let remaining = pieces;
      while (remaining.length) {
        const { bytesWritten } = await this.handle.writev(remaining, this.position);
        this.position += bytesWritten;
        remaining = skipWritten(remaining, bytesWritten);
      }
    } catch (error) {
      throw describeIoError(error, 'a file in the vault');
    }
  }
}

/** What is left of `pieces` after the first `written` bytes went out (writev may write less). */
function skipWritten(pieces: Buffer[], written: number): Buffer[] {
  let index = 0;
  while (index < pieces.length && written >= pieces[index]!.length) written -= pieces[index++]!.length;
  if (index === pieces.length) return [];
  return [pieces[index]!.subarray(written), ...pieces.slice(index + 1)];
}

async function syncDirectory(path: string): Promise<void> {
  // Makes the rename itself durable; not every platform lets a folder be opened for this.
  if (process.platform === 'win32') return;
  const handle = await open(path, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

export { syncDirectory };
