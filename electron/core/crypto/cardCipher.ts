import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { gunzipSync, gzipSync } from 'node:zlib';

/**
 * A record card sealed whole: magic, nonce, AES-256-GCM ciphertext of the gzipped JSON, tag. The
 * card's name is the additional data, so a card copied under another document's name fails to
 * open instead of giving that document the wrong record.
 */
export const CARD_MAGIC = Buffer.from('MVCARD01', 'ascii');
const NONCE_BYTES = 12;
const TAG_BYTES = 16;
/** A card holds metadata and extracted text; far past any real one, a decompression bomb. */
export const MAX_CARD_PLAIN_BYTES = 256 * 1024 * 1024;

export function sealCard(key: Buffer, name: string, plain: Buffer): Buffer {
  const nonce = randomBytes(NONCE_BYTES);
  const cipher = createCipheriv('aes-256-gcm', key, nonce);
  cipher.setAAD(Buffer.from(`medvault record card v1 ${name}`, 'utf8'));
  const body = Buffer.concat([cipher.update(gzipSync(plain, { level: 6 })), cipher.final()]);
  return Buffer.concat([CARD_MAGIC, nonce, body, cipher.getAuthTag()]);
}

/** The card's plaintext, or null when it is not a card, was altered, cut, or belongs to another name. */
export function openCard(key: Buffer, name: string, sealed: Buffer): Buffer | null {
  if (sealed.length < CARD_MAGIC.length + NONCE_BYTES + TAG_BYTES) return null;
  if (!sealed.subarray(0, CARD_MAGIC.length).equals(CARD_MAGIC)) return null;
  const nonce = sealed.subarray(CARD_MAGIC.length, CARD_MAGIC.length + NONCE_BYTES);
  const body = sealed.subarray(CARD_MAGIC.length + NONCE_BYTES, sealed.length - TAG_BYTES);
  try {
    const decipher = createDecipheriv('aes-256-gcm', key, nonce);
    decipher.setAAD(Buffer.from(`medvault record card v1 ${name}`, 'utf8'));
    decipher.setAuthTag(sealed.subarray(sealed.length - TAG_BYTES));
    const zipped = Buffer.concat([decipher.update(body), decipher.final()]);
    return gunzipSync(zipped, { maxOutputLength: MAX_CARD_PLAIN_BYTES });
  } catch {
    return null;
  }
}
