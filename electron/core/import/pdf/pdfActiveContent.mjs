/**
 * What in a PDF could act rather than show: JavaScript, Launch actions (start a program, open a
 * file) and embedded files. Medvault never runs or opens any of it; the import report says the
 * file has it. Runs in the pdf.js worker thread (plain JavaScript, like the worker).
 *
 * pdf.js reports document scripts, page and form-field actions and attachments, but not a link's
 * JavaScript or Launch action, so the file's own objects are scanned too: the plain ones, and
 * those packed into compressed object streams (how most writers store them now).
 */
import { constants, inflateSync } from 'node:zlib';

const OBJECT_STREAM_BYTES = 16 * 1024 * 1024;
const SCANNED_BYTES = 64 * 1024 * 1024;

/**
 * @param {Uint8Array} data the PDF's bytes (scanned before pdf.js takes them)
 * @returns {{ javaScriptActions: number, launchActions: number, embeddedFiles: number }}
 */
export function scanPdfObjects(data) {
  try {
    return scan(data);
  } catch {
    return { javaScriptActions: 0, launchActions: 0, embeddedFiles: 0 }; // pdf.js's own findings still count
  }
}

function scan(data) {
  const bytes = Buffer.from(data.buffer, data.byteOffset, data.byteLength);
  const texts = [bytes.toString('latin1')];
  let inflated = 0;
  const objectStream = /\/Type\s*\/ObjStm\b/g;
  for (let match = objectStream.exec(texts[0]); match; match = objectStream.exec(texts[0])) {
    const keyword = texts[0].indexOf('stream', match.index);
    if (keyword < 0 || inflated >= SCANNED_BYTES) break;
    let start = keyword + 'stream'.length;
    if (texts[0][start] === '\r') start++;
    if (texts[0][start] === '\n') start++;
    try {
      const plain = inflateSync(bytes.subarray(start), {
        finishFlush: constants.Z_SYNC_FLUSH, // a stream cut short still gives what it has
        maxOutputLength: Math.min(OBJECT_STREAM_BYTES, SCANNED_BYTES - inflated),
      });
      inflated += plain.length;
      texts.push(plain.toString('latin1'));
    } catch {
      // not Flate, damaged, or too large: what pdf.js reports still counts
    }
  }
  // Stream data (images, fonts) is binary: "/EF" turns up in a JPEG by chance. Only the objects
  // themselves are searched — the object streams among them were inflated above.
  texts[0] = texts[0].replace(/\bstream\r?\n[\s\S]*?\bendstream\b/g, 'stream endstream');
  const found = { javaScriptActions: 0, launchActions: 0, embeddedFiles: 0 };
  for (const text of texts) {
    // Names may spell letters as #xx (/Java#53cript): undone first, as a PDF reader would.
    const names = text.includes('#')
      ? text.replace(/#([0-9A-Fa-f]{2})/g, (_, hex) => String.fromCharCode(parseInt(hex, 16)))
      : text;
    found.javaScriptActions += count(names, /\/S\s*\/JavaScript\b/g);
    found.launchActions += count(names, /\/S\s*\/Launch\b/g);
    found.embeddedFiles += count(names, /\/EF\b/g); // a file specification's embedded file
  }
  return found;
}

function count(text, pattern) {
  return text.match(pattern)?.length ?? 0;
}

/** What pdf.js reports, gathered from the document and each page read. */
export function newFindings() {
  return { where: new Set(), scripts: 0, attachments: [] };
}

/** @param {import('pdfjs-dist').PDFDocumentProxy} pdf */
export async function findDocumentActions(pdf, found) {
  const actions = (await pdf.getJSActions().catch(() => null)) ?? {};
  for (const [name, list] of Object.entries(actions)) {
    found.scripts += list.length;
    found.where.add(
      name === 'OpenAction' ? 'run on opening' : /^(Will|Did)/.test(name) ? 'document actions' : 'document scripts',
    );
  }
  found.attachments.push(...Object.keys((await pdf.getAttachments().catch(() => null)) ?? {}));
}

/** @param {import('pdfjs-dist').PDFPageProxy} page */
export async function findPageActions(page, found) {
  for (const list of Object.values((await page.getJSActions().catch(() => null)) ?? {})) {
    found.scripts += list.length;
    found.where.add('page actions');
  }
  for (const annotation of await page.getAnnotations().catch(() => [])) {
    for (const list of Object.values(annotation.actions ?? {})) {
      found.scripts += list.length;
      found.where.add('form fields');
    }
    // 17: a file attachment annotation (a paperclip on the page)
    if (annotation.annotationType === 17 && annotation.file?.filename) found.attachments.push(annotation.file.filename);
  }
}

/**
 * One plain object for the core (see `PdfActiveContent` in pdfTextProtocol.ts). Scripts the scan
 * finds beyond those pdf.js placed are in links or other actions.
 */
export function summarize(found, scanned) {
  const where = [...found.where];
  if (scanned.javaScriptActions > found.scripts) where.push('links or other actions');
  return {
    javaScript: where,
    launchActions: scanned.launchActions,
    embeddedFiles: Math.max(scanned.embeddedFiles, found.attachments.length),
    attachmentNames: [...new Set(found.attachments)].slice(0, 5),
  };
}
