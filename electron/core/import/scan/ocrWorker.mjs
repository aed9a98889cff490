/**
 * The script of tesseract.js's worker thread, wrapped: before tesseract's own script loads (and
 * captures `fetch`), fetching is replaced by a refusal, so OCR cannot reach the network whatever
 * its options say — Medvault is offline, its language data comes from the installed packages.
 * Tesseract's console chatter ("Invalid resolution", "Too few characters") is dropped too: the
 * CLI's output is the patient's, and failures come back as rejected jobs anyway.
 * Plain JavaScript, started as is (like pdfTextWorker.mjs).
 */
globalThis.fetch = async (url) => {
  throw new Error(`Medvault reads its OCR data from disk and never downloads (refused: ${String(url)}).`);
};
for (const method of ['log', 'info', 'warn', 'error', 'debug']) console[method] = () => undefined;

await import('tesseract.js/src/worker-script/node/index.js');
