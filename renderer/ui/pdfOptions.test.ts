import { describe, expect, it } from 'vitest';
import { PDF_VIEW_OPTIONS } from './pdfOptions';

describe('the options the viewer opens PDFs with', () => {
  it('never evaluates code and never renders XFA forms', () => {
    expect(PDF_VIEW_OPTIONS).toMatchObject({ isEvalSupported: false, enableXfa: false });
    // A bound on the pixels of any one image, and pages read by range, not the whole file ahead.
    expect(PDF_VIEW_OPTIONS.maxImageSize).toBeGreaterThan(0);
    expect(PDF_VIEW_OPTIONS).toMatchObject({ disableStream: true, disableAutoFetch: true });
    // Nothing that would turn on scripting, or fetch other files for the document.
    expect(Object.keys(PDF_VIEW_OPTIONS)).not.toEqual(
      expect.arrayContaining([
        expect.stringMatching(/scripting|docBaseUrl|withCredentials|worker|cMapUrl|standardFontDataUrl|wasmUrl/i),
      ]),
    );
  });
});
