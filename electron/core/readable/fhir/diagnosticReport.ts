/** A DiagnosticReport: its results as a table, its conclusion and its narrative. */
import {
  arr,
  codeAndDisplay,
  conceptText,
  type FhirObject,
  period,
  quantity,
  reference,
  str,
  when,
} from '../../fhir/fhirValues';
import { Fields, listOf, MAX_ROWS, more, section, table } from './blocks';
import type { ReadableDocument, ReadableSection } from '../../../../shared/readable';
import { attachmentSentence } from './documentReference';
export function readDiagnosticReport(report: FhirObject): ReadableDocument {
  const header = new Fields();
  header.add('Report', codeAndDisplay(report.code));
  header.add('Status', str(report.status));
  header.add('Category', arr(report.category).map(conceptText).filter(Boolean).join(', '));
  header.add('Patient', reference(report.subject));
  header.add('Effective', when(report.effectiveDateTime) ?? period(report.effectivePeriod));
  header.add('Issued', when(report.issued));
  header.add('Performer', arr(report.performer).map(reference).filter(Boolean).join('; '));
  header.add('Interpreted by', arr(report.resultsInterpreter).map(reference).filter(Boolean).join('; '));

  const sections: ReadableSection[] = [];
  const conclusion = [
    ...(str(report.conclusion) ? [{ kind: 'paragraph' as const, text: str(report.conclusion)! }] : []),
    ...listOf(arr(report.conclusionCode).map(codeAndDisplay)),
  ];
  if (conclusion.length) sections.push(section('Conclusion', conclusion));

  // Results are references; those to observations contained in the report can be read in full.
  const contained = new Map(arr(report.contained).map((resource) => [`#${str(resource.id) ?? ''}`, resource]));
  const results = arr(report.result).slice(0, MAX_ROWS);
  if (results.length) {
    const rows = results.map((result) => {
      const observation = contained.get(str(result.reference) ?? '');
      if (!observation) return [reference(result) ?? '', '', '', ''];
      return [
        conceptText(observation.code) ?? reference(result) ?? '',
        observationValue(observation),
        arr(observation.referenceRange)
          .map((range) => str(range.text) ?? [quantity(range.low), quantity(range.high)].filter(Boolean).join(' – '))
          .filter(Boolean)
          .join('; '),
        arr(observation.interpretation).map(conceptText).filter(Boolean).join(', '),
      ];
    });
    const used = [true, ...[1, 2, 3].map((column) => rows.some((row) => row[column]))];
    sections.push(
      section('Results', [
        ...table(
          null,
          ['Test', 'Value', 'Reference range', 'Interpretation'].filter((_, index) => used[index]),
          rows.map((row) => row.filter((_, index) => used[index])),
        ),
        ...more(arr(report.result).length, 'result'),
      ]),
    );
  }
  const forms = arr(report.presentedForm).map(attachmentSentence);
  if (forms.length)
    sections.push(
      section(
        'Report document',
        forms.map((text) => ({ kind: 'paragraph', text })),
      ),
    );
  return {
    title: conceptText(report.code) ?? 'Diagnostic report',
    header: header.list,
    sections,
  };
}

function observationValue(observation: FhirObject): string {
  return (
    quantity(observation.valueQuantity) ??
    conceptText(observation.valueCodeableConcept) ??
    str(observation.valueString) ??
    str(observation.valueBoolean) ??
    str(observation.valueInteger) ??
    ''
  );
}
