import { describe, expect, it } from 'vitest';
import type { VaultDocument } from '../../../shared/documents';
import {
  addDocuments,
  moveDocument,
  newDraft,
  problems,
  removeDocument,
  targetName,
  toOutput,
  toRequest,
  withPurpose,
  type PacketDraft,
} from './packetDraft';

const TODAY = '2026-11-25';

function doc(id: string, extra: Partial<VaultDocument> = {}): VaultDocument {
  return {
    id,
    title: `Document ${id}`,
    type: 'denial-letter',
    category: 'health-plan-record',
    date: '2024-03-01',
    provider: null,
    tags: [],
    source: { kind: 'file', path: `${id}.pdf` },
    mediaType: 'application/pdf',
    bytes: 1,
    importedAt: '2026-01-01T00:00:00Z',
    editedFields: [],
    suggested: {},
    needsReview: false,
    ...extra,
  } as VaultDocument;
}

function draft(): PacketDraft {
  return newDraft({
    folder: '/home/jane/Documents',
    patient: { name: 'Jane Doe', dateOfBirth: '1970-01-01' },
    today: TODAY,
  });
}

describe('the packet draft', () => {
  it('adds each document once, in order, and removes by id', () => {
    let d = addDocuments(draft(), [doc('a'), doc('b')]);
    d = addDocuments(d, [doc('b'), doc('c'), doc('c')]);
    expect(d.documents.map((x) => x.id)).toEqual(['a', 'b', 'c']);
    expect(removeDocument(d, 'b').documents.map((x) => x.id)).toEqual(['a', 'c']);
  });

  it('moves a document to where it is dropped, clamped to the list', () => {
    const d = addDocuments(draft(), [doc('a'), doc('b'), doc('c'), doc('d')]);
    expect(moveDocument(d, 3, 0).documents.map((x) => x.id)).toEqual(['d', 'a', 'b', 'c']);
    expect(moveDocument(d, 0, 2).documents.map((x) => x.id)).toEqual(['b', 'c', 'a', 'd']);
    expect(moveDocument(d, 1, 99).documents.map((x) => x.id)).toEqual(['a', 'c', 'd', 'b']);
    expect(moveDocument(d, 7, 0)).toBe(d);
  });

  it('a purpose brings its form and name, but keeps a name the patient typed', () => {
    const second = withPurpose(draft(), 'second-opinion', TODAY);
    expect(second).toMatchObject({ form: 'folder', name: `Second opinion ${TODAY}` });
    const typed = withPurpose({ ...draft(), name: 'For Dr Smith' }, 'new-provider', TODAY);
    expect(typed).toMatchObject({ form: 'pdf', name: 'For Dr Smith' });
  });

  it('sends the appeal details only with an appeal, and de-identification only for a disc', () => {
    const d = { ...addDocuments(draft(), [doc('a')]), deidentify: true };
    expect(toRequest(d).appeal).toBeDefined();
    expect(toOutput(d).deidentify).toBe(false);
    const disc = withPurpose(d, 'second-opinion', TODAY);
    expect(toRequest(disc).appeal).toBeUndefined();
    expect(toOutput(disc)).toMatchObject({ form: 'folder', deidentify: true });
  });

  it('says what is missing before writing', () => {
    expect(problems(draft())).toEqual(['Choose at least one document.']);
    const therapy = addDocuments(draft(), [doc('t', { category: 'psychotherapy-note', type: 'psychotherapy-note' })]);
    expect(problems(therapy)).toEqual(['Every document chosen is left out; choose others.']);
    expect(problems({ ...therapy, includePsychotherapyNotes: true })).toEqual([]);
    const noDob = { ...addDocuments(draft(), [doc('a')]), patient: { name: 'Jane', dateOfBirth: '' } };
    expect(problems(noDob)).toEqual(["Enter the patient's date of birth: every page is stamped with it."]);
    const disc = withPurpose(addDocuments(draft(), [doc('a')]), 'second-opinion', TODAY);
    expect(problems(disc)).toEqual(['A disc folder or zip is for imaging studies: add a study, or choose a PDF.']);
    expect(problems(addDocuments(disc, [doc('s', { type: 'imaging-study', category: 'medical-record' })]))).toEqual([]);
    expect(problems({ ...addDocuments(draft(), [doc('a')]), name: 'a/b' })).toEqual([
      'The packet’s name cannot contain a slash.',
    ]);
  });

  it('names the file as it will be written', () => {
    expect(targetName({ ...draft(), name: 'Appeal' })).toBe('Appeal.pdf');
    expect(targetName({ ...draft(), name: 'Appeal.PDF' })).toBe('Appeal.PDF');
    expect(targetName({ ...draft(), form: 'zip', name: 'Disc' })).toBe('Disc.zip');
    expect(targetName({ ...draft(), form: 'folder', name: 'Disc' })).toBe('Disc');
  });
});
