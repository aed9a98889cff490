import type { FoundFile } from './types';

const PIECE = 1024 * 1024;

/** Bytes already in memory as a file's content, handed to `stage` in 1 MiB pieces. */
export function inMemory(bytes: Buffer): NonNullable<FoundFile['content']> {
  return {
    async *chunks() {
      for (let offset = 0; offset < bytes.length; offset += PIECE) yield bytes.subarray(offset, offset + PIECE);
    },
  };
}

/**
 * A file that exists only inside another one (the PDF in a C-CDA or a DICOM instance, a FHIR
 * attachment): named after its container, with `suffix` saying which part it is.
 */
export function partOf(container: FoundFile, suffix: string, bytes: Buffer): FoundFile {
  return {
    path: `${container.path}${suffix}`,
    relativePath: `${container.relativePath}${suffix}`,
    bytes: bytes.length,
    content: inMemory(bytes),
  };
}
