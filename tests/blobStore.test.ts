import { randomBytes, createHash } from 'node:crypto';
import { readdir, readFile, rename, stat, truncate, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DEFAULT_CHUNK_BYTES, HEADER_BYTES, TAG_BYTES, encryptedSize } from '../electron/core/crypto/blobCipher';
import { BlobDamagedError, BlobStore } from '../electron/core/vault/blobStore';
import { tempDir } from './support/fixtures';

const CHUNK = DEFAULT_CHUNK_BYTES;

describe('encrypted blob files', () => {
  let dir: string;
  let cleanup: () => Promise<void>;
  let store: BlobStore;

  beforeEach(async () => {
    ({ path: dir, cleanup } = await tempDir());
    await BlobStore.initialize(dir);
    store = new BlobStore(dir, randomBytes(32));
  });
  afterEach(() => cleanup());

  it.each([0, 1, CHUNK - 1, CHUNK, CHUNK + 1, 3 * CHUNK, 5 * CHUNK + 12345])(
    'round-trips %i bytes and reports their size and SHA-256',
    async (size) => {
      const data = randomBytes(size);
      const written = await store.writeBuffer(data);
      expect(written.bytes).toBe(size);
      expect(written.sha256).toBe(createHash('sha256').update(data).digest('hex'));
      expect((await store.readAll(written.blobId)).equals(data)).toBe(true);
      expect((await stat(store.pathOf(written.blobId))).size).toBe(encryptedSize(size, CHUNK));
      expect(await store.verify(written.blobId, written)).toBeNull();
    },
  );

  it('reads any byte range by decrypting only what it needs', async () => {
    const data = randomBytes(4 * CHUNK + 999);
    const { blobId } = await store.writeBuffer(data);
    const ranges: [number, number][] = [
      [0, 10],
      [CHUNK - 5, CHUNK + 5],
      [2 * CHUNK, 3 * CHUNK],
      [4 * CHUNK + 100, data.length],
      [123, data.length + 500],
    ];
    for (const [start, end] of ranges) {
      const parts: Buffer[] = [];
      for await (const part of store.read(blobId, { start, end })) parts.push(part);
      expect(Buffer.concat(parts).equals(data.subarray(start, end))).toBe(true);
    }
  });

  it('names files by random ids that say nothing about the content', async () => {
    const data = Buffer.from('Discharge summary for Jane Roe');
    const a = await store.writeBuffer(data);
    const b = await store.writeBuffer(data);
    expect(a.blobId).not.toBe(b.blobId);
    expect(a.blobId).toMatch(/^[0-9a-f]{32}$/);
    expect(a.blobId).not.toContain(a.sha256.slice(0, 16));
    const onDisk = await readFile(store.pathOf(a.blobId));
    expect(onDisk.includes(data)).toBe(false);
    expect(onDisk.equals(await readFile(store.pathOf(b.blobId)))).toBe(false);
  });

  it('detects a flipped byte anywhere in the file as tampering', async () => {
    const data = randomBytes(3 * CHUNK);
    const written = await store.writeBuffer(data);
    const path = store.pathOf(written.blobId);
    for (const offset of [3, HEADER_BYTES + 10, HEADER_BYTES + CHUNK + TAG_BYTES + 7, (await stat(path)).size - 1]) {
      const original = await readFile(path);
      const altered = Buffer.from(original);
      altered[offset] = altered[offset]! ^ 0x01;
      await writeFile(path, altered);
      expect(await store.verify(written.blobId, written)).toBe('altered');
      await expect(store.readAll(written.blobId)).rejects.toBeInstanceOf(BlobDamagedError);
      await writeFile(path, original);
    }
    expect(await store.verify(written.blobId, written)).toBeNull();
  });

  it('detects truncation, whether mid-chunk or exactly at a chunk boundary', async () => {
    const data = randomBytes(3 * CHUNK);
    for (const cut of [HEADER_BYTES + CHUNK + TAG_BYTES, HEADER_BYTES + 2 * (CHUNK + TAG_BYTES), 1000, 20]) {
      const written = await store.writeBuffer(data);
      await truncate(store.pathOf(written.blobId), cut);
      expect(await store.verify(written.blobId, written)).toBe('truncated');
      await expect(store.readAll(written.blobId)).rejects.toMatchObject({ problem: 'truncated' });
    }
  });

  it('detects a file swapped in under another blob name', async () => {
    const a = await store.writeBuffer(randomBytes(1000));
    const b = await store.writeBuffer(randomBytes(1000));
    await rename(store.pathOf(b.blobId), store.pathOf(a.blobId));
    expect(await store.verify(a.blobId, a)).not.toBeNull();
  });

  it('reports a missing file as missing', async () => {
    const a = await store.writeBuffer(randomBytes(10));
    await store.delete(a.blobId);
    expect(await store.verify(a.blobId, a)).toBe('missing');
  });

  it('will not open a blob written under another key', async () => {
    const written = await store.writeBuffer(randomBytes(100));
    const other = new BlobStore(dir, randomBytes(32));
    await expect(other.readAll(written.blobId)).rejects.toBeInstanceOf(BlobDamagedError);
  });

  it('removes only unfinished writes on recovery: every stored file stays, whatever the database says', async () => {
    const kept = await store.writeBuffer(randomBytes(10));
    const unknown = await store.writeBuffer(randomBytes(10));
    const unfinished = await store.createWriter();
    await unfinished.write(randomBytes(5000));
    // Not a writer's file: left alone too.
    await writeFile(join(dir, 'incoming', 'notes.txt'), 'mine');
    const result = await store.removeUnfinishedWrites();
    expect(result.removed).toBe(1);
    expect((await store.listStored()).sort()).toEqual([kept.blobId, unknown.blobId].sort());
    expect(await readdir(join(dir, 'incoming'))).toEqual(['notes.txt']);
    await unfinished.abort();
  });

  it('reads a blob the database names while it is still incoming (an import moving it into place)', async () => {
    const writer = await store.createWriter();
    const data = randomBytes(3000);
    await writer.write(data);
    await writer.finish();
    expect((await store.readAll(writer.blobId)).equals(data)).toBe(true);
    await store.commit(writer);
    expect((await store.readAll(writer.blobId)).equals(data)).toBe(true);
    await store.delete(writer.blobId);
    await expect(store.readAll(writer.blobId)).rejects.toBeInstanceOf(BlobDamagedError);
  });

  it('defers deleting a blob that a backup has pinned', async () => {
    const a = await store.writeBuffer(randomBytes(10));
    store.pin([a.blobId]);
    await store.delete(a.blobId);
    expect(await store.listStored()).toEqual([a.blobId]);
    await store.unpin([a.blobId]);
    expect(await store.listStored()).toEqual([]);
  });

  it('writes pieces of any size, across chunk boundaries, into the same chunks as one write', async () => {
    const sizes = [1, CHUNK - 1, 2, CHUNK, CHUNK + 1, 7, 3 * CHUNK + 5, CHUNK - 7, 1024 * 1024, 1, 2 * CHUNK];
    const pieces = sizes.map((size) => randomBytes(size));
    const writer = await store.createWriter();
    for (const piece of pieces) await writer.write(piece);
    const written = await writer.finish();
    await store.commit(writer);
    const whole = Buffer.concat(pieces);
    expect((await store.readAll(written.blobId)).equals(whole)).toBe(true);
    expect((await stat(store.pathOf(written.blobId))).size).toBe(encryptedSize(whole.length, CHUNK));
    expect(await store.verify(written.blobId, written)).toBeNull();
  });

  it('streams a large file in pieces without holding it whole', async () => {
    const writer = await store.createWriter();
    const hash = createHash('sha256');
    const piece = randomBytes(1024 * 1024 + 17);
    for (let i = 0; i < 20; i++) {
      await writer.write(piece);
      hash.update(piece);
    }
    const written = await writer.finish();
    await store.commit(writer);
    expect(written.bytes).toBe(20 * piece.length);
    expect(written.sha256).toBe(hash.digest('hex'));
    expect(await store.verify(written.blobId, written)).toBeNull();
  });
});
