/**
 * The importers a run offers files to, side by side behind one interface (`Importer`, types.ts),
 * in the order they are asked. A new importer is its folder here and its line below.
 */
import { CcdaImporter } from './ccda/CcdaImporter';
import { DicomImporter } from './dicom/DicomImporter';
import { FhirImporter } from './fhir/FhirImporter';
import { FileImporter } from './files/FileImporter';
import { PdfTextExtractor } from './pdf/PdfTextExtractor';
import { OcrEngine } from './scan/OcrEngine';
import { ScanImporter } from './scan/ScanImporter';
import type { Importer } from './types';
import { XdmPlanner } from './xdm/XdmPlanner';

/** DICOM first (a DICOM file may carry a JPEG or PDF inside), then CDA, then plain files; one pdf.js pool. */
export function defaultImporters(): Importer[] {
  const pdf = new PdfTextExtractor();
  const ocr = new OcrEngine(); // one tesseract worker for the run's scans, images and text-less PDFs
  return [
    new ScanImporter(ocr), // takes only the run's scan requests, never a file found on disk
    new XdmPlanner(),
    new DicomImporter(pdf),
    new CcdaImporter(pdf),
    new FhirImporter(pdf),
    new FileImporter({ pdf, ocr }),
  ];
}
