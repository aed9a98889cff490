/**
 * electron-vite build of the Electron shell (`npm run build`, output in out/):
 *
 *   out/main/index.js          main process
 *   out/main/coreProcess.js    utility process: the core's server (electron/server + electron/core)
 *   out/main/pdfTextWorker.js  pdf.js text worker thread, next to the core bundle: the core starts it
 *                              as new URL('./pdfTextWorker.js', import.meta.url)
 *   out/main/pageImageWorker.js, pdfPageWorker.js, ocrWorker.js
 *                              the scan/OCR worker threads (electron/core/import/scan/), started the same way
 *   out/preload/index.cjs      preload, one CommonJS file (sandboxed preloads cannot load modules)
 *   out/renderer/              the React UI (renderer/index.html)
 *
 * The file has this name, not electron.vite.config.ts, so the scripts pass --config.
 */
import { resolve } from 'node:path';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'electron-vite';
import { cornerstoneNoEval } from './electron/build/cornerstoneNoEval';
import { pdfjsFallbacks } from './electron/build/pdfjsFallbacks';

const root = import.meta.dirname;

export default defineConfig({
  main: {
    build: {
      outDir: resolve(root, 'out/main'),
      // Bundle the JavaScript dependencies (zod, ...); keep only what cannot be bundled outside:
      // the SQLCipher native addon, and pdf.js (loaded by the worker thread, with its own files).
      externalizeDeps: false,
      rolldownOptions: {
        input: {
          index: resolve(root, 'electron/main/index.ts'),
          coreProcess: resolve(root, 'electron/main/coreProcess.ts'),
          pdfTextWorker: resolve(root, 'electron/core/import/pdf/pdfTextWorker.mjs'),
          // Scans and OCR (import/scan/): page images, PDF pages to OCR, tesseract.js behind its guard.
          pageImageWorker: resolve(root, 'electron/core/import/scan/pageImageWorker.mjs'),
          pdfPageWorker: resolve(root, 'electron/core/import/scan/pdfPageWorker.mjs'),
          ocrWorker: resolve(root, 'electron/core/import/scan/ocrWorker.mjs'),
        },
        // tesseract.js starts its worker and reads its data by path, and @napi-rs/canvas is native:
        // both stay in node_modules, like pdf.js.
        external: [
          '@journeyapps/sqlcipher',
          /^pdfjs-dist(\/|$)/,
          /^tesseract\.js(\/|$)/,
          /^@tesseract\.js-data\//,
          /^@napi-rs\/canvas(\/|$)/,
        ],
        output: {
          format: 'es',
          entryFileNames: '[name].js',
          chunkFileNames: 'chunks/[name]-[hash].js',
        },
      },
    },
  },
  preload: {
    build: {
      outDir: resolve(root, 'out/preload'),
      externalizeDeps: false,
      rolldownOptions: {
        input: { index: resolve(root, 'electron/preload/index.ts') },
        output: { format: 'cjs', entryFileNames: '[name].cjs', codeSplitting: false },
      },
    },
  },
  renderer: {
    root: resolve(root, 'renderer'),
    // The DICOM viewer's codecs without JS eval (electron/build/cornerstoneNoEval.ts); pdf.js's
    // JavaScript JPEG 2000 decoder, served from our origin (electron/build/pdfjsFallbacks.ts).
    plugins: [react(), cornerstoneNoEval(), pdfjsFallbacks(resolve(root, 'node_modules/pdfjs-dist/wasm'))],
    build: {
      outDir: resolve(root, 'out/renderer'),
      rolldownOptions: { input: resolve(root, 'renderer/index.html') },
    },
  },
});
