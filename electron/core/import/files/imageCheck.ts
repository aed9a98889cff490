/**
 * A structural check of an image before it goes into the vault: enough to tell a damaged or
 * mislabelled file from a real image, without decoding pixels.
 */
export type ImageCheck = { ok: true; truncated: boolean } | { ok: false; reason: string };

export function checkImage(mediaType: 'image/jpeg' | 'image/png' | 'image/tiff', bytes: Buffer): ImageCheck {
  switch (mediaType) {
    case 'image/png':
      return checkPng(bytes);
    case 'image/jpeg':
      return checkJpeg(bytes);
    case 'image/tiff':
      return checkTiff(bytes);
  }
}

function checkPng(bytes: Buffer): ImageCheck {
  if (bytes.length < 33 || bytes.toString('latin1', 12, 16) !== 'IHDR') {
    return { ok: false, reason: 'The PNG image is damaged (its header chunk is missing).' };
  }
  if (bytes.readUInt32BE(16) === 0 || bytes.readUInt32BE(20) === 0) {
    return { ok: false, reason: 'The PNG image is damaged (it declares no pixels).' };
  }
  const tail = bytes.subarray(Math.max(0, bytes.length - 32));
  return { ok: true, truncated: !tail.includes('IEND') };
}

function checkJpeg(bytes: Buffer): ImageCheck {
  let offset = 2;
  while (offset + 4 <= bytes.length) {
    if (bytes[offset] !== 0xff) {
      return { ok: false, reason: 'The JPEG image is damaged (its header is not valid).' };
    }
    const marker = bytes[offset + 1]!;
    if (marker === 0xff) {
      offset++; // fill byte
      continue;
    }
    // SOF0..SOF15, except DHT (C4), JPG (C8) and DAC (CC): the frame header with the image size.
    if (marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc) {
      const tail = bytes.subarray(Math.max(0, bytes.length - 64));
      const hasEnd = tail.includes(Buffer.from([0xff, 0xd9]));
      return { ok: true, truncated: !hasEnd };
    }
    if (marker === 0xd9 || marker === 0xda) break; // end, or scan data before any frame header
    offset += 2 + bytes.readUInt16BE(offset + 2);
  }
  return { ok: false, reason: 'The JPEG image is damaged (it has no image frame).' };
}

function checkTiff(bytes: Buffer): ImageCheck {
  if (bytes.length < 8) return { ok: false, reason: 'The TIFF image is damaged (it is too short).' };
  const little = bytes[0] === 0x49;
  const read16 = (at: number) => (little ? bytes.readUInt16LE(at) : bytes.readUInt16BE(at));
  const read32 = (at: number) => (little ? bytes.readUInt32LE(at) : bytes.readUInt32BE(at));
  if (read16(2) === 0x2b) return { ok: true, truncated: false }; // BigTIFF: accepted as is
  const ifd = read32(4);
  if (ifd < 8 || ifd + 2 > bytes.length) {
    return { ok: false, reason: 'The TIFF image is damaged (its first page directory is outside the file).' };
  }
  const entries = read16(ifd);
  if (entries === 0 || ifd + 2 + entries * 12 > bytes.length) {
    return { ok: false, reason: 'The TIFF image is damaged (its first page directory is cut short).' };
  }
  return { ok: true, truncated: false };
}
