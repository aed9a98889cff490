import { basename, sep } from 'node:path';
import type { DicomStudySummary, SuggestionBases } from '../../../../shared/documents';
import {
  insertDicomInstances,
  instancesOfStudy,
  storedInstances,
  studyDocumentOf,
  type StoredInstanceRef,
} from '../../documents/dicomInstances';
import { appendDocumentFiles, insertDocument, refreshStudySummary } from '../../documents/repository';
import type { PdfTextExtractor } from '../pdf/PdfTextExtractor';
import {
  UnreadableFileError,
  type FileOutcome,
  type FoundFile,
  type GatheredResult,
  type ImportContext,
  type ImportPlan,
  type Importer,
  type StagedFile,
} from '../types';
import { isDicomdirName, readDicomdir } from './dicomdir';
import {
  DicomReadError,
  ENCAPSULATED_PDF_SOP_CLASS,
  SR_SOP_CLASS_PREFIX,
  parseDicomInstance,
  sniffDicom,
  type DicomInstance,
  type DicomLayout,
} from './parseDicom';
import { MedvaultError } from '../../errors';
import { partOf } from '../fileInMemory';

/** DICOM files up to this size are held whole to read them; larger ones from their first 256 KiB. */
const MAX_HELD_BYTES = 64 * 1024 * 1024;
const DICOM_MEDIA_TYPE = 'application/dicom';

interface GatheredInstance {
  file: FoundFile;
  staged: StagedFile;
  instance: DicomInstance;
}

/**
 * Hospital discs, USB sticks and loose DICOM files. Every instance is stored byte for byte; the
 * instances of one study become one `imaging-study` document (its series and instances recorded
 * in `dicom_instances`), whatever folders they came from. An instance already in the vault is
 * recognised by its SOP Instance UID. Encapsulated PDFs and structured reports become
 * `imaging-report` documents linked to their study.
 */
export class DicomImporter implements Importer {
  readonly name = 'dicom';
  private readonly studies = new Map<string, GatheredInstance[]>();
  /** SOP Instance UIDs per study in the vault (with their document and the SHA-256 of their file). */
  private readonly instancesByStudy = new Map<string, Promise<Map<string, StoredInstanceRef>>>();
  /** SOP Instance UIDs taken in this run, whatever their study, with the SHA-256 of their file. */
  private readonly seen = new Map<string, StoredInstanceRef>();

  constructor(private readonly pdf: PdfTextExtractor) {}

  async plan(files: readonly FoundFile[]): Promise<ImportPlan> {
    const plan: ImportPlan = { skip: [], failed: [], disc: false };
    for (const file of files) {
      if (!isDicomdirName(file.path)) continue;
      // The DICOMDIR is the disc's index, not a record. The tree is walked anyway, so it only
      // tells what should be there: what it lists and is missing is reported.
      plan.skip.push(file);
      plan.disc = true;
      const reading = await readDicomdir(file, files);
      plan.failed.push(...reading.problems);
    }
    return plan;
  }

  accepts(file: FoundFile, head: Buffer): boolean {
    return !isDicomdirName(file.path) && sniffDicom(head) !== null;
  }

  async importFile(file: FoundFile, head: Buffer, context: ImportContext): Promise<FileOutcome> {
    if (isDirectoryRecord(head)) {
      // A DICOMDIR under another name (a copy, a backup): the disc's index, not a record.
      return { kind: 'skipped', reason: 'A copy of a disc index (DICOMDIR), not a record: it was skipped.' };
    }
    const layout = sniffDicom(head)!;
    // Reports carry their content after the header (a PDF, a text tree): those are read whole.
    // Images are filed from their header alone; the pixel data is only stored.
    const isReport = head.includes(ENCAPSULATED_PDF_SOP_CLASS) || head.includes(SR_SOP_CLASS_PREFIX);
    const staged = await context.stage(file, {
      keepBytesUpTo: isReport ? MAX_HELD_BYTES : 0,
      findDuplicate: false, // instances are deduplicated by SOP Instance UID below
    });
    let instance: DicomInstance;
    try {
      instance = this.parse(staged, file, layout);
    } catch (error) {
      // A header longer than the part looked at: read the staged file back whole, if it is not huge.
      if (!(error instanceof DicomReadError) || staged.bytes || file.bytes > MAX_HELD_BYTES) throw unreadable(error);
      try {
        instance = parseDicomInstance(await context.readStaged(staged), file.bytes, layout);
      } catch (retryError) {
        throw unreadable(retryError);
      }
    }
    for (const warning of instance.warnings) context.warn(file, warning);
    context.notePatient(instance.patientName, instance.patientId);

    const prior =
      this.seen.get(instance.sopInstanceUid) ??
      (await this.knownInstances(instance.studyInstanceUid, context)).get(instance.sopInstanceUid);
    if (prior) {
      // "Already in the vault" means the same bytes; the same UID with other bytes (another
      // transfer syntax, a corrected re-send) is kept too, as a file of its own, and said so.
      if (prior.sha256 === staged.blob.sha256) {
        await context.discard(staged);
        return { kind: 'duplicate', documentId: prior.documentId };
      }
      return this.commitConflict(file, staged, instance, context);
    }
    this.seen.set(instance.sopInstanceUid, { documentId: null, sha256: staged.blob.sha256 });

    if (instance.encapsulatedPdf || instance.reportText !== null) {
      return { kind: 'imported', documentId: await this.commitReport(file, staged, instance, context) };
    }
    // Held until the study is committed: only the encrypted file and the metadata, not the bytes.
    staged.bytes = null;
    staged.head = Buffer.alloc(0);
    context.hold(staged);
    const study = this.studies.get(instance.studyInstanceUid) ?? [];
    study.push({ file, staged, instance });
    this.studies.set(instance.studyInstanceUid, study);
    return { kind: 'gathered' };
  }

  private parse(staged: StagedFile, file: FoundFile, layout: DicomLayout): DicomInstance {
    return parseDicomInstance(staged.bytes ?? staged.head, file.bytes, layout);
  }

  /** One query per study, not per instance: a disc holds thousands of instances of a few studies. */
  private knownInstances(studyUid: string, context: ImportContext): Promise<Map<string, StoredInstanceRef>> {
    let known = this.instancesByStudy.get(studyUid);
    if (!known) {
      known = context.read((q) => instancesOfStudy(q, studyUid));
      this.instancesByStudy.set(studyUid, known);
    }
    return known;
  }

  /** Each study becomes a document, or joins the one already in the vault, in one transaction. */
  async finish(context: ImportContext): Promise<GatheredResult> {
    const result: Required<GatheredResult> = { documents: [], duplicates: 0, failed: [] };
    for (const [studyUid, all] of this.studies) {
      context.signal.throwIfAborted();
      // An instance stored meanwhile under another study (a UID reused across studies) is not
      // added to this one: identical, it is a duplicate; different, a file of its own.
      const elsewhere = await context.read((q) =>
        storedInstances(
          q,
          all.map((item) => item.instance.sopInstanceUid),
        ),
      );
      const gathered: GatheredInstance[] = [];
      for (const item of all) {
        const stored = elsewhere.get(item.instance.sopInstanceUid);
        if (!stored) gathered.push(item);
        else if (stored.sha256 === item.staged.blob.sha256) {
          await context.discard(item.staged);
          result.duplicates++;
        } else {
          const outcome = await this.commitConflict(item.file, item.staged, item.instance, context);
          if (outcome.kind === 'imported') result.documents.push(outcome.documentId);
        }
      }
      if (gathered.length === 0) continue;
      gathered.sort(byPosition);
      let documentId: string;
      try {
        documentId = await context.commitFiles(
          gathered.map((item) => item.staged),
          async (tx, blobIdOf) => {
            let id = await studyDocumentOf(tx, studyUid);
            if (!id) {
              const first = gathered[0]!.instance;
              id = await insertDocument(tx, {
                title: studyTitle(gathered.map((item) => item.instance)),
                type: 'imaging-study',
                date: first.studyDate,
                provider: first.institutionName,
                basis: dicomBasis(first, 'DICOM study'),
                sourceKind: context.sourceKind,
                sourcePath: commonFolder(gathered.map((item) => item.file.path)),
                mediaType: DICOM_MEDIA_TYPE,
                bytes: 0,
                runId: context.runId,
                files: [],
                text: searchText(gathered.map((item) => item.instance)),
                dicom: summaryOf(studyUid, first),
              });
            }
            await appendDocumentFiles(
              tx,
              id,
              gathered.map((item) => ({
                blobId: blobIdOf(item.staged),
                originalPath: item.file.path,
                mediaType: DICOM_MEDIA_TYPE,
              })),
              context.runId,
            );
            await insertDicomInstances(
              tx,
              id,
              gathered.map((item) => ({ blobId: blobIdOf(item.staged), instance: item.instance })),
            );
            await refreshStudySummary(tx, id);
            return id;
          },
        );
      } catch (error) {
        // One study that cannot be stored is reported for each of its files; the run goes on
        // (a full disk or a damaged vault still stops it, and cancelling still undoes it).
        if (context.signal.aborted || isFatal(error)) throw error;
        const reason = `Its study could not be stored (${error instanceof Error ? error.message : String(error)}).`;
        for (const item of gathered) result.failed.push({ path: item.file.path, reason });
        continue;
      }
      result.documents.push(documentId);
    }
    this.studies.clear();
    return result;
  }

  /**
   * A DICOM file whose SOP Instance UID is stored already with other bytes: kept whole as a
   * document of its own (not an instance of the study, which keeps the copy it had), and flagged.
   */
  private async commitConflict(
    file: FoundFile,
    staged: StagedFile,
    instance: DicomInstance,
    context: ImportContext,
  ): Promise<FileOutcome> {
    context.warn(
      file,
      `Its SOP Instance UID (${instance.sopInstanceUid}) is already in the vault with different contents (another transfer syntax, or a corrected re-send): it was kept as a file of its own, not added to its study.`,
    );
    const outcome = await context.commitDocument(staged, {
      title: `${instance.modality ?? 'DICOM'} image — another copy of instance ${instance.instanceNumber ?? instance.sopInstanceUid}`,
      type: 'other-record',
      date: instance.studyDate,
      provider: instance.institutionName,
      basis: dicomBasis(instance, 'DICOM instance whose UID is already stored with other contents'),
      sourceKind: context.sourceKind,
      sourcePath: file.path,
      mediaType: DICOM_MEDIA_TYPE,
      text: searchText([instance]),
    });
    return outcome;
  }

  /** An encapsulated PDF (the PDF first, for viewing; the DICOM file as it was) or a structured report. */
  private async commitReport(
    file: FoundFile,
    staged: StagedFile,
    instance: DicomInstance,
    context: ImportContext,
  ): Promise<string> {
    let text = instance.reportText ?? '';
    const toCommit: StagedFile[] = [staged];
    let pdfBlob: { staged: StagedFile } | { blobId: string } | null = null;
    if (instance.encapsulatedPdf) {
      const pdf = instance.encapsulatedPdf;
      const pdfFile = partOf(file, ' (PDF inside)', pdf);
      const stagedPdf = await context.stage(pdfFile, { keepBytesUpTo: 0 });
      if (stagedPdf.existing) {
        pdfBlob = { blobId: stagedPdf.existing.blobId }; // the same PDF is already stored: share it
      } else {
        pdfBlob = { staged: stagedPdf };
        toCommit.push(stagedPdf);
      }
      const extracted = await this.pdf.extract(pdf);
      if (extracted.kind === 'text') text = extracted.text;
      if (extracted.kind === 'text') for (const warning of extracted.warnings) context.warn(file, warning);
    }
    return context.commitFiles(toCommit, async (tx, blobIdOf) => {
      const files = [{ blobId: blobIdOf(staged), originalPath: file.path, mediaType: DICOM_MEDIA_TYPE }];
      if (pdfBlob) {
        // The PDF comes first: it is what the viewer shows; the DICOM file is kept as it was.
        const blobId = 'staged' in pdfBlob ? blobIdOf(pdfBlob.staged) : pdfBlob.blobId;
        // Not a file of its own on the disc: named after the DICOM file that carried it.
        files.unshift({ blobId, originalPath: `${file.path} (PDF inside)`, mediaType: 'application/pdf' });
      }
      const id = await insertDocument(tx, {
        title: reportTitle(instance),
        type: 'imaging-report',
        date: instance.studyDate,
        provider: instance.institutionName,
        basis: dicomBasis(instance, instance.encapsulatedPdf ? 'DICOM encapsulated PDF' : 'DICOM structured report'),
        sourceKind: context.sourceKind,
        sourcePath: file.path,
        mediaType: files[0]!.mediaType,
        bytes: 0,
        runId: context.runId,
        files,
        text,
        dicom: summaryOf(instance.studyInstanceUid, instance),
      });
      await insertDicomInstances(tx, id, [{ blobId: blobIdOf(staged), instance }]);
      await refreshStudySummary(tx, id);
      return id;
    });
  }
}

/** DICOM says what it is outright; its date and institution are tags the modality filled in. */
function dicomBasis(instance: DicomInstance, what: string): SuggestionBases {
  return {
    type: { confidence: 1, reason: what },
    ...(instance.studyDate && { date: { confidence: 0.95, reason: 'DICOM Study Date (0008,0020)' } }),
    ...(instance.institutionName && { provider: { confidence: 0.85, reason: 'DICOM Institution Name (0008,0080)' } }),
  };
}

/**
 * Whether the file's meta header names the Media Storage Directory SOP Class (PS3.10's DICOMDIR):
 * the class UID, not followed by more of a UID, near the start where group 0002 is.
 */
function isDirectoryRecord(head: Buffer): boolean {
  return /1\.2\.840\.10008\.1\.3\.10(?![0-9.])/.test(head.subarray(0, 1024).toString('latin1'));
}

/** What stops the whole run rather than one study: the vault cannot take more. */
function isFatal(error: unknown): boolean {
  return error instanceof MedvaultError && (error.code === 'disk-full' || error.code === 'vault-damaged');
}

function unreadable(error: unknown): Error {
  return error instanceof DicomReadError ? new UnreadableFileError(error.message) : (error as Error);
}

function byPosition(a: GatheredInstance, b: GatheredInstance): number {
  const x = a.instance;
  const y = b.instance;
  return (
    (x.seriesNumber ?? 1e9) - (y.seriesNumber ?? 1e9) ||
    x.seriesInstanceUid.localeCompare(y.seriesInstanceUid) ||
    (x.instanceNumber ?? 1e9) - (y.instanceNumber ?? 1e9) ||
    x.sopInstanceUid.localeCompare(y.sopInstanceUid)
  );
}

function summaryOf(studyUid: string, instance: DicomInstance): DicomStudySummary {
  return {
    studyInstanceUid: studyUid,
    modalities: instance.modality ? [instance.modality] : [],
    seriesCount: 0,
    instanceCount: 0,
    patientName: instance.patientName,
    patientId: instance.patientId,
    studyDescription: instance.studyDescription,
  };
}

/** `CT — Chest with contrast`, from the modalities and the study description. */
function studyTitle(instances: DicomInstance[]): string {
  const modalities = [...new Set(instances.map((i) => i.modality).filter(Boolean))].join('/') || 'Imaging';
  const description = instances.find((i) => i.studyDescription)?.studyDescription;
  return description ? `${modalities} — ${description}` : `${modalities} study`;
}

function reportTitle(instance: DicomInstance): string {
  const kind = instance.encapsulatedPdf ? 'Report' : 'Structured report';
  const about = instance.studyDescription ?? instance.seriesDescription;
  return about ? `${kind} — ${about}` : `${instance.modality ?? 'Imaging'} ${kind.toLowerCase()}`;
}

/** What a study is found by: its descriptions, body parts and modalities. */
function searchText(instances: DicomInstance[]): string {
  const words = new Set<string>();
  for (const i of instances) {
    for (const value of [i.studyDescription, i.seriesDescription, i.bodyPart, i.modality, i.institutionName]) {
      if (value) words.add(value);
    }
  }
  return [...words].join('\n');
}

/** The folder the files have in common (the disc root, or the folder given). */
function commonFolder(paths: string[]): string {
  const split = paths.map((path) => path.split(sep));
  const first = split[0] ?? [];
  let length = first.length - 1;
  for (const parts of split) {
    let i = 0;
    while (i < length && parts[i] === first[i]) i++;
    length = i;
  }
  return first.slice(0, length).join(sep) || basename(paths[0] ?? '');
}
