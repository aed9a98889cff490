/**
 * A structural check of an image before it goes into the vault: enough to tell a damaged or
 * mislabelled file from a real image, from its first bytes and its last few, without decoding
 * pixels or holding the file.
 */
export type ImageCheck = { ok: true; truncated: boolean } | { ok: false; reason: string };

export function checkImage(
  mediaType: 'image/jpeg' | 'image/png' | 'image/tiff',
  head: Buffer,
  tail: Buffer,
  fileBytes: number,
): ImageCheck {
  switch (mediaType) {
    case 'image/png':
      return checkPng(head, tail);
    case 'image/jpeg':
      return checkJpeg(head, tail, fileBytes);
    case 'image/tiff':
      return checkTiff(head, fileBytes);
  }
}

function checkPng(head: Buffer, tail: Buffer): ImageCheck {
  if (head.length < 33 || head.toString('latin1', 12, 16) !== 'IHDR') {
    return { ok: false, reason: 'The PNG image is damaged (its header chunk is missing).' };
  }
  if (head.readUInt32BE(16) === 0 || head.readUInt32BE(20) === 0) {
    return { ok: false, reason: 'The PNG image is damaged (it declares no pixels).' };
  }
  return { ok: true, truncated: !tail.includes('IEND') };
}

function checkJpeg(head: Buffer, tail: Buffer, fileBytes: number): ImageCheck {
  const truncated = !tail.includes(Buffer.from([0xff, 0xd9]));
  let offset = 2;
  while (offset + 4 <= head.length) {
    if (head[offset] !== 0xff) {
      return { ok: false, reason: 'The JPEG image is damaged (its header is not valid).' };
    }
    const marker = head[offset + 1]!;
    if (marker === 0xff) {
      offset++; // fill byte
      continue;
    }
    // SOF0..SOF15, except DHT (C4), JPG (C8) and DAC (CC): the frame header with the image size.
    if (marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc) {
      return { ok: true, truncated };
    }
    if (marker === 0xd9 || marker === 0xda) break; // end, or scan data before any frame header
    offset += 2 + head.readUInt16BE(offset + 2);
  }
  // Metadata segments can run past what we looked at; only a file that ended there is damaged.
  if (offset + 4 > head.length && head.length < fileBytes) return { ok: true, truncated };
  return { ok: false, reason: 'The JPEG image is damaged (it has no image frame).' };
}

function checkTiff(head: Buffer, fileBytes: number): ImageCheck {
  if (head.length < 8) return { ok: false, reason: 'The TIFF image is damaged (it is too short).' };
  const little = head[0] === 0x49;
  const read16 = (at: number) => (little ? head.readUInt16LE(at) : head.readUInt16BE(at));
  const read32 = (at: number) => (little ? head.readUInt32LE(at) : head.readUInt32BE(at));
  if (read16(2) === 0x2b) return { ok: true, truncated: false }; // BigTIFF: accepted as is
  const ifd = read32(4);
  if (ifd < 8 || ifd + 2 > fileBytes) {
    return { ok: false, reason: 'The TIFF image is damaged (its first page directory is outside the file).' };
  }
  // The directory may sit at the end of a large file, beyond the bytes looked at.
  if (ifd + 2 > head.length) return { ok: true, truncated: false };
  const entries = read16(ifd);
  if (entries === 0 || ifd + 2 + entries * 12 > fileBytes) {
    return { ok: false, reason: 'The TIFF image is damaged (its first page directory is cut short).' };
  }
  return { ok: true, truncated: false };
}
