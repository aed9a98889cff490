/** One file of a run: its first bytes read, the first importer that accepts it, and why not when none does. */
import { open } from 'node:fs/promises';
import { MedvaultError, describeIoError } from '../errors';
import { UnreadableFileError, type FileOutcome, type FoundFile, type ImportContext, type Importer } from './types';

const HEAD_BYTES = 4096;

export async function importOne(file: FoundFile, importers: Importer[], context: ImportContext): Promise<FileOutcome> {
  const head = file.scan ? Buffer.alloc(0) : await readHead(file);
  const importer = importers.find((candidate) => candidate.accepts(file, head));
  if (!importer) throw new UnreadableFileError(describeUnsupported(file));
  return importer.importFile(file, head, context);
}

async function readHead(file: FoundFile): Promise<Buffer> {
  if (file.content) {
    const parts: Buffer[] = [];
    let length = 0;
    for await (const chunk of file.content.chunks()) {
      parts.push(chunk);
      length += chunk.length;
      if (length >= HEAD_BYTES) break;
    }
    return Buffer.concat(parts).subarray(0, HEAD_BYTES);
  }
  let handle;
  try {
    handle = await open(file.path, 'r');
  } catch (error) {
    throw describeIoError(error, 'this file');
  }
  try {
    const buffer = Buffer.alloc(Math.min(HEAD_BYTES, file.bytes));
    const { bytesRead } = await handle.read(buffer, 0, buffer.length, 0);
    return buffer.subarray(0, bytesRead);
  } catch (error) {
    throw describeIoError(error, 'this file');
  } finally {
    await handle.close();
  }
}

function describeUnsupported(file: FoundFile): string {
  if (file.bytes === 0) return 'The file is empty.';
  return 'Not a file type Medvault imports (PDF, JPEG, PNG, TIFF, plain text, DICOM, C-CDA, zip or disc image).';
}

export function reasonFor(error: unknown): string {
  if (error instanceof UnreadableFileError || error instanceof MedvaultError) return error.message;
  return `The file could not be read (${(error as Error)?.message ?? String(error)}).`;
}
