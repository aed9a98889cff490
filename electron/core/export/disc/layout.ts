import { createHash } from 'node:crypto';

/**
 * The packet's layout as IHE PDI has it: 8.3 upper-case names without extension under `DICOM/`,
 * the documents in `DOCS/`, `README.TXT`, `INDEX.HTM` and a `MANIFEST` of SHA-256 checksums at
 * the root. Nothing executable, nothing that starts by itself.
 */

export const DICOM_FOLDER = 'DICOM';
export const DOCS_FOLDER = 'DOCS';

function numbered(prefix: string, value: number): string {
  const digits = 8 - prefix.length;
  if (value < 0 || value >= 10 ** digits) throw new Error(`Too many entries for ${prefix} names.`);
  return `${prefix}${String(value).padStart(digits, '0')}`;
}

/**
 * File ID components for every instance: `DICOM/STnnnnnn/SEnnnnnn/IMnnnnnn`, numbered from 1 in
 * the order given (studies, their series, their instances), so the names are deterministic and
 * cannot collide.
 */
export function assignDicomPaths(seriesCounts: readonly (readonly number[])[]): string[][][][] {
  return seriesCounts.map((series, study) =>
    series.map((instances, seriesIndex) =>
      Array.from({ length: instances }, (_, instance) => [
        DICOM_FOLDER,
        numbered('ST', study + 1),
        numbered('SE', seriesIndex + 1),
        numbered('IM', instance + 1),
      ]),
    ),
  );
}

/** 8.3 names for the documents: `SUMMARY.PDF`, then `REPORTnn.PDF` in the order given. */
export function assignDocumentNames(
  reports: number,
  withSummary: boolean,
): { summary: string | null; reports: string[] } {
  if (reports > 99) throw new Error('A packet holds at most 99 reports.');
  return {
    summary: withSummary ? `${DOCS_FOLDER}/SUMMARY.PDF` : null,
    reports: Array.from({ length: reports }, (_, i) => `${DOCS_FOLDER}/REPORT${String(i + 1).padStart(2, '0')}.PDF`),
  };
}

const EXECUTABLE_EXTENSIONS = /\.(exe|bat|cmd|com|scr|js|jse|vbs|vbe|wsf|wsh|msi|ps1|lnk|pif|dll|sh|app|jar|hta|cpl)$/i;

/** True for a name that must never be written into a packet: autorun files and executables. */
export function isForbiddenName(relativePath: string): boolean {
  const name = relativePath.split('/').pop() ?? '';
  return /^autorun\.inf$/i.test(name) || /^desktop\.ini$/i.test(name) || EXECUTABLE_EXTENSIONS.test(name);
}

/** Throws when any path is forbidden, not 8.3 upper case, or given twice. */
export function checkPacketNames(relativePaths: readonly string[]): void {
  const seen = new Set<string>();
  for (const path of relativePaths) {
    if (isForbiddenName(path)) throw new Error(`"${path}" would be executable or start by itself; not written.`);
    for (const part of path.split('/')) {
      if (!/^[A-Z0-9_]{1,8}(\.[A-Z0-9_]{1,3})?$/.test(part)) throw new Error(`"${path}" is not an 8.3 name.`);
    }
    if (seen.has(path)) throw new Error(`"${path}" is written twice.`);
    seen.add(path);
  }
}

export interface ReadmeInput {
  made: string;
  deidentified: boolean;
  studies: number;
  /** Documents in DOCS/, the summary included. */
  reports: number;
  /** DOCS/SUMMARY.PDF is there. */
  summary?: boolean;
  /** Titles of the documents that are only in the summary (neither DICOM nor PDF). */
  inSummary?: readonly string[];
}

export function readmeText(options: ReadmeInput): string {
  const lines = [
    'MEDICAL IMAGES AND REPORTS - SECOND-OPINION PACKET',
    '',
    `Made by Medvault on ${options.made}, from the patient's own records.`,
    `It holds ${options.studies} imaging ${options.studies === 1 ? 'study' : 'studies'} and ${options.reports} ${options.reports === 1 ? 'document' : 'documents'}.`,
    '',
    'WHAT IS HERE',
    '  DICOMDIR    the index of the DICOM images (DICOM Part 10 media, IHE PDI layout)',
    '  DICOM\\      the DICOM files, unchanged from the originals' +
      (options.deidentified ? ' except for de-identification' : ''),
    ...(options.summary
      ? [
          '  DOCS\\SUMMARY.PDF',
          "              a summary of the records: an index, then every document's pages and",
          "              images of each study, every page stamped with the patient's name",
        ]
      : []),
    ...(options.reports > (options.summary ? 1 : 0) ? ['  DOCS\\       the reports as PDF files'] : []),
    '  INDEX.HTM   a list of the contents, readable in any web browser',
    '  MANIFEST    a SHA-256 checksum for every file, to check nothing was changed or lost',
    '',
    'HOW TO OPEN IT',
    '  Hospitals: import the folder (or this disc or stick) into PACS through the usual',
    '  DICOM media import; it reads DICOMDIR.',
    '  Anyone: open DICOMDIR or the DICOM folder with any DICOM viewer.',
    '  The PDF files open with any PDF reader.',
    '',
    'No viewer or other software is included, and nothing on it starts by itself.',
  ];
  if (options.summary && options.inSummary && options.inSummary.length > 0) {
    lines.push(
      '',
      'RECORDS IN THE SUMMARY ONLY',
      '  These records are neither DICOM nor PDF files (such as C-CDA or FHIR documents,',
      '  images or text), so they are in SUMMARY.PDF, laid out as pages:',
      ...options.inSummary.map((title) => `  - ${title.replace(/[\r\n]+/g, ' ')}`),
    );
  }
  if (options.deidentified) {
    lines.push(
      '',
      'DE-IDENTIFIED',
      '  Names, IDs, dates and other identifying attributes were removed or replaced in the',
      '  DICOM files (DICOM PS3.15 Basic Application Level Confidentiality Profile).',
      '  Identity may still be visible in the pixels of some images, and the PDF documents',
      '  were not de-identified.',
    );
  }
  // CRLF: the file is read on Windows as often as anywhere.
  return `${lines.join('\r\n')}\r\n`;
}

export function escapeHtml(text: string): string {
  return text.replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] ?? c,
  );
}

export interface IndexStudy {
  date: string;
  description: string;
  modalities: string[];
  series: number;
  instances: number;
}

export interface IndexInput {
  patientName: string;
  patientId: string;
  made: string;
  studies: IndexStudy[];
  documents: { path: string; title: string }[];
  /** Titles of the records that are only in the summary PDF. */
  inSummary?: readonly string[];
  warnings: string[];
}

/** `INDEX.HTM`: static HTML, no scripts, no styles fetched, every text escaped. */
export function indexHtml(input: IndexInput): string {
  const rows = input.studies
    .map(
      (study) =>
        `<tr><td>${escapeHtml(study.date)}</td><td>${escapeHtml(study.description)}</td>` +
        `<td>${escapeHtml(study.modalities.join(', '))}</td><td>${study.series}</td><td>${study.instances}</td></tr>`,
    )
    .join('\n');
  const documents = input.documents
    .map((doc) => `<li><a href="${escapeHtml(doc.path)}">${escapeHtml(doc.title)}</a></li>`)
    .join('\n');
  const warnings = input.warnings.map((warning) => `<li>${escapeHtml(warning)}</li>`).join('\n');
  const inSummary = (input.inSummary ?? []).map((title) => `<li>${escapeHtml(title)}</li>`).join('\n');
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>Second-opinion packet</title>
</head>
<body>
<h1>Second-opinion packet</h1>
<p>Patient: ${escapeHtml(input.patientName)} (ID ${escapeHtml(input.patientId)})</p>
<p>Made by Medvault on ${escapeHtml(input.made)}. Import <code>DICOMDIR</code> into a PACS or open it with a DICOM viewer.</p>
<h2>Imaging studies</h2>
<table>
<tr><th>Date</th><th>Description</th><th>Modality</th><th>Series</th><th>Images</th></tr>
${rows}
</table>
<h2>Documents</h2>
<ul>
${documents || '<li>None</li>'}
</ul>
${inSummary ? `<p>In the summary only (neither DICOM nor PDF files):</p>\n<ul>\n${inSummary}\n</ul>\n` : ''}${warnings ? `<h2>Please note</h2>\n<ul>\n${warnings}\n</ul>\n` : ''}</body>
</html>
`;
}

export function sha256(bytes: Buffer): string {
  return createHash('sha256').update(bytes).digest('hex');
}

/** `MANIFEST`: one `<sha256>  <path>` line per file (the format `sha256sum -c` reads), sorted. */
export function manifestText(files: readonly { path: string; bytes: Buffer }[]): string {
  return [...files]
    .filter((file) => file.path !== 'MANIFEST')
    .sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0))
    .map((file) => `${sha256(file.bytes)}  ${file.path}\n`)
    .join('');
}
