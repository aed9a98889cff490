/**
 * Files that reach the app without a path: dropped on the window in browser mode, or scanned.
 * Each is encrypted into the vault's `incoming/` folder as it arrives (never plain on disk) and
 * read from there by the import that takes it; what no import took is swept on the next open.
 */
import type { RandomAccess } from '../import/archive/randomAccess';
import type { FoundFile } from '../import/types';
import type { Vault } from '../vault/Vault';

/** An encrypted file waiting in `incoming/`. */
export interface StagedUpload {
  blobId: string;
  name: string;
  bytes: number;
}

export async function stageUpload(
  vault: Vault,
  name: string,
  body: AsyncIterable<Buffer | Uint8Array>,
): Promise<StagedUpload> {
  const writer = await vault.blobs.createWriter();
  try {
    for await (const chunk of body) await writer.write(Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk));
    const written = await writer.finish();
    return { blobId: written.blobId, name: cleanName(name), bytes: written.bytes };
  } catch (error) {
    await writer.abort();
    throw error;
  }
}

/** The upload as an import sees a file: read in order, or at any offset (a zip's directory). */
export function uploadAsFile(vault: Vault, upload: StagedUpload): FoundFile {
  return {
    path: upload.name,
    relativePath: upload.name,
    bytes: upload.bytes,
    content: {
      chunks: () => vault.blobs.read(upload.blobId, {}, 'incoming'),
      randomAccess: async () => uploadAccess(vault, upload),
    },
  };
}

export function discardUploads(vault: Vault, uploads: readonly StagedUpload[]): Promise<unknown> {
  return Promise.all(uploads.map((upload) => vault.blobs.discardIncoming(upload.blobId)));
}

function cleanName(name: string): string {
  const base = name.split(/[\\/]/).pop() ?? '';
  // Control characters could forge lines in reports; drop them.
  const printable = [...base].filter((char) => char >= ' ' && char !== '\u007f').join('');
  return printable.slice(0, 255) || 'dropped file';
}

/** Decrypts only the chunks a read touches. */
function uploadAccess(vault: Vault, upload: StagedUpload): RandomAccess {
  return {
    size: upload.bytes,
    read: async (offset, length) => {
      const end = Math.min(upload.bytes, offset + length);
      if (end <= offset) return Buffer.alloc(0);
      const parts: Buffer[] = [];
      for await (const part of vault.blobs.read(upload.blobId, { start: offset, end }, 'incoming')) parts.push(part);
      return Buffer.concat(parts);
    },
    close: async () => {},
  };
}
