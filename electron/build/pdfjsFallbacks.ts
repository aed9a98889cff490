/**
 * A Vite plugin for the renderer: pdf.js's JPEG 2000 decoder in plain JavaScript, emitted as
 * `pdfjs/openjpeg_nowasm_fallback.js` next to the UI. The viewer runs pdf.js without WebAssembly
 * (renderer/features/document/pdfOptions.ts); for a JPEG 2000 image (common in scanned records)
 * pdf.js's worker then imports this file from `wasmUrl` by its fixed name — from our own origin, so
 * nothing is fetched from elsewhere. Without it such images are left blank.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Plugin } from 'vite';

export const PDFJS_FALLBACK = 'openjpeg_nowasm_fallback.js';

/** `wasmDir`: pdfjs-dist's wasm/ folder. */
export function pdfjsFallbacks(wasmDir: string): Plugin {
  return {
    name: 'medvault-pdfjs-fallbacks',
    apply: 'build',
    async generateBundle() {
      this.emitFile({
        type: 'asset',
        fileName: `pdfjs/${PDFJS_FALLBACK}`,
        source: await readFile(join(wasmDir, PDFJS_FALLBACK)),
      });
    },
  };
}
