/**
 * DICOM RLE Lossless (PS3.5 Annex G): a 64-byte header of segment offsets, then one PackBits
 * segment per byte plane — for each sample, its most significant byte first.
 */

export interface RleLayout {
  rows: number;
  columns: number;
  samplesPerPixel: number;
  bitsAllocated: number;
  /** 0: samples interleaved per pixel (R G B R G B…); 1: one plane per sample. */
  planarConfiguration: number;
}

/**
 * Decodes one RLE frame into the native layout of the same image (little-endian bytes for 16 bits),
 * so the result is read exactly as an uncompressed frame is.
 */
export function decodeRle(frame: Uint8Array, layout: RleLayout): Uint8Array {
  const { rows, columns, samplesPerPixel, bitsAllocated, planarConfiguration } = layout;
  const bytesPerSample = bitsAllocated / 8;
  if (bitsAllocated !== 8 && bitsAllocated !== 16 && bitsAllocated !== 32) {
    throw new RangeError(`RLE with ${bitsAllocated} bits allocated is not supported`);
  }
  if (frame.length < 64) throw new RangeError('the RLE header is cut short');
  const header = new DataView(frame.buffer, frame.byteOffset, 64);
  const segments = header.getUint32(0, true);
  if (segments !== samplesPerPixel * bytesPerSample) {
    throw new RangeError(`the RLE frame has ${segments} segments where ${samplesPerPixel * bytesPerSample} are needed`);
  }
  const pixels = rows * columns;
  const out = new Uint8Array(pixels * samplesPerPixel * bytesPerSample);
  const segmentBytes = new Uint8Array(pixels);
  for (let s = 0; s < segments; s++) {
    const start = header.getUint32(4 + s * 4, true);
    const next = s + 1 < segments ? header.getUint32(8 + s * 4, true) : frame.length;
    if (start < 64 || next > frame.length || next < start) throw new RangeError('an RLE segment offset is wrong');
    unpackBits(frame.subarray(start, next), segmentBytes);
    const sample = Math.floor(s / bytesPerSample);
    // Segment 0 of a sample is its most significant byte; stored little endian, that is the last byte.
    const byteInSample = bytesPerSample - 1 - (s % bytesPerSample);
    if (planarConfiguration === 1) {
      const planeStart = sample * pixels * bytesPerSample;
      for (let p = 0; p < pixels; p++) out[planeStart + p * bytesPerSample + byteInSample] = segmentBytes[p]!;
    } else {
      const stride = samplesPerPixel * bytesPerSample;
      const offset = sample * bytesPerSample + byteInSample;
      for (let p = 0; p < pixels; p++) out[p * stride + offset] = segmentBytes[p]!;
    }
  }
  return out;
}

/** PackBits: n in 0..127 copies n+1 bytes, n in -127..-1 repeats the next byte 1-n times, -128 is a no-op. */
export function unpackBits(input: Uint8Array, output: Uint8Array): void {
  let i = 0;
  let o = 0;
  output.fill(0);
  while (i < input.length && o < output.length) {
    const n = (input[i++]! << 24) >> 24;
    if (n >= 0) {
      const end = Math.min(i + n + 1, input.length);
      while (i < end && o < output.length) output[o++] = input[i++]!;
    } else if (n !== -128) {
      const value = input[i++] ?? 0;
      for (let k = 0; k < 1 - n && o < output.length; k++) output[o++] = value;
    }
  }
}
