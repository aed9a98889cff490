import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { hkdf } from './keys';

/**
 * The encrypted blob file format: a header, then the plaintext in fixed-size chunks, each sealed
 * with AES-256-GCM under a key of its own file.
 *
 *   header  = "MVBLOB01" | chunkSize (u32 BE) | salt (32 bytes)
 *   chunk i = AES-GCM(fileKey, nonce(i, isLast), chunk, aad = header) ciphertext | tag (16)
 *   fileKey = HKDF(blobKey, salt, "medvault blob file v1 " + blobId)
 *
 * The nonce carries the chunk index and a last-chunk flag (the STREAM construction), so chunks
 * cannot be reordered, and a file cut at any point fails authentication. Binding the blob id into
 * the key means files cannot be swapped under each other's names either. A byte range is read by
 * decrypting only the chunks it touches.
 */
export const BLOB_MAGIC = Buffer.from('MVBLOB01', 'ascii');
export const HEADER_BYTES = BLOB_MAGIC.length + 4 + 32;
export const TAG_BYTES = 16;
export const DEFAULT_CHUNK_BYTES = 64 * 1024;

export interface BlobHeader {
  chunkBytes: number;
  salt: Buffer;
  raw: Buffer;
}

export function newHeader(chunkBytes = DEFAULT_CHUNK_BYTES): BlobHeader {
  const salt = randomBytes(32);
  const raw = Buffer.alloc(HEADER_BYTES);
  BLOB_MAGIC.copy(raw, 0);
  raw.writeUInt32BE(chunkBytes, BLOB_MAGIC.length);
  salt.copy(raw, BLOB_MAGIC.length + 4);
  return { chunkBytes, salt, raw };
}

export function parseHeader(raw: Buffer): BlobHeader | null {
  if (raw.length < HEADER_BYTES || !raw.subarray(0, BLOB_MAGIC.length).equals(BLOB_MAGIC)) return null;
  const chunkBytes = raw.readUInt32BE(BLOB_MAGIC.length);
  if (chunkBytes < 1024 || chunkBytes > 16 * 1024 * 1024) return null;
  const salt = Buffer.from(raw.subarray(BLOB_MAGIC.length + 4, HEADER_BYTES));
  return { chunkBytes, salt, raw: Buffer.from(raw.subarray(0, HEADER_BYTES)) };
}

export function fileKey(blobKey: Buffer, header: BlobHeader, blobId: string): Buffer {
  return hkdf(blobKey, `medvault blob file v1 ${blobId}`, header.salt);
}

function nonce(index: number, isLast: boolean): Buffer {
  const n = Buffer.alloc(12);
  n.writeUIntBE(index, 0, 6);
  n[11] = isLast ? 1 : 0;
  return n;
}

/** Seals one chunk; returns its ciphertext and tag as two pieces, to be written one after the other. */
export function sealChunk(
  key: Buffer,
  header: BlobHeader,
  index: number,
  isLast: boolean,
  plain: Buffer,
): [Buffer, Buffer] {
  const cipher = createCipheriv('aes-256-gcm', key, nonce(index, isLast));
  cipher.setAAD(header.raw);
  const body = cipher.update(plain);
  cipher.final();
  return [body, cipher.getAuthTag()];
}

/** Returns the plaintext, or null if the chunk was altered, moved, or cut short. */
export function openChunk(
  key: Buffer,
  header: BlobHeader,
  index: number,
  isLast: boolean,
  sealed: Buffer,
): Buffer | null {
  if (sealed.length < TAG_BYTES) return null;
  try {
    const decipher = createDecipheriv('aes-256-gcm', key, nonce(index, isLast));
    decipher.setAAD(header.raw);
    decipher.setAuthTag(sealed.subarray(sealed.length - TAG_BYTES));
    const body = decipher.update(sealed.subarray(0, sealed.length - TAG_BYTES));
    decipher.final();
    return body;
  } catch {
    return null;
  }
}

/** Size on disk of a blob holding `plainBytes` bytes. An empty blob is one empty last chunk. */
export function encryptedSize(plainBytes: number, chunkBytes: number): number {
  const chunks = Math.max(1, Math.ceil(plainBytes / chunkBytes));
  return HEADER_BYTES + plainBytes + chunks * TAG_BYTES;
}

/** The chunk layout implied by a file's size; null if no plaintext length gives that size. */
export function layoutFromFileSize(
  fileBytes: number,
  chunkBytes: number,
): { chunks: number; plainBytes: number } | null {
  const body = fileBytes - HEADER_BYTES;
  if (body < TAG_BYTES) return null;
  const sealedChunk = chunkBytes + TAG_BYTES;
  const chunks = Math.ceil(body / sealedChunk);
  const plainBytes = body - chunks * TAG_BYTES;
  if (plainBytes < 0 || encryptedSize(plainBytes, chunkBytes) !== fileBytes) return null;
  return { chunks, plainBytes };
}
