/** Media types recognised by content. Names lie (`.DCM`, no extension, `scan.pdf.jpg`); bytes don't. */
export type SniffedType = 'application/pdf' | 'image/jpeg' | 'image/png' | 'image/tiff' | 'text/plain';

const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
const TEXT_EXTENSIONS = /\.(txt|text|md|csv)$/i;

export function sniffMediaType(name: string, head: Buffer): SniffedType | null {
  // PDF readers accept the header anywhere in the first kilobyte.
  if (head.subarray(0, 1024).includes('%PDF-')) return 'application/pdf';
  if (head.length >= 3 && head[0] === 0xff && head[1] === 0xd8 && head[2] === 0xff) return 'image/jpeg';
  if (head.subarray(0, 8).equals(PNG_SIGNATURE)) return 'image/png';
  if (head.length >= 4) {
    const le = head[0] === 0x49 && head[1] === 0x49 && (head[2] === 0x2a || head[2] === 0x2b) && head[3] === 0x00;
    const be = head[0] === 0x4d && head[1] === 0x4d && head[2] === 0x00 && (head[3] === 0x2a || head[3] === 0x2b);
    if (le || be) return 'image/tiff';
  }
  if (TEXT_EXTENSIONS.test(name) && looksLikeText(head)) return 'text/plain';
  return null;
}

/** UTF-8 (with or without BOM) and no control bytes other than whitespace. */
export function looksLikeText(bytes: Buffer): boolean {
  if (bytes.length === 0) return false;
  for (const byte of bytes) {
    if (byte < 0x09 || (byte > 0x0d && byte < 0x20 && byte !== 0x1b)) return false;
  }
  // The head may cut a multi-byte character at its end; allow that.
  const text = new TextDecoder('utf-8', { fatal: false }).decode(bytes);
  const replacement = text.indexOf('\ufffd');
  return replacement === -1 || replacement >= text.length - 1;
}
