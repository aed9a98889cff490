import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import { removeEmbindEval } from '../electron/build/cornerstoneNoEval';

describe('the DICOM codecs without eval', () => {
  it('takes every embind `new Function` out of the pinned loader and gives each codec its inlined wasm', async () => {
    const path = createRequire(import.meta.url).resolve('cornerstone-wado-image-loader');
    const source = await readFile(path, 'utf8');
    expect(source).toMatch(/new Function\("body"/);
    const patched = removeEmbindEval(source);
    expect(patched).not.toMatch(/new Function\("body"/);
    expect(patched).not.toMatch(/new Function\("requireRegisteredType"/);
    expect(patched).not.toMatch(/\(Function,\w+\)\.apply\(null,\w+\)/);
    expect(patched.match(/wasmBinary:\(function\(__u\)/g)).toHaveLength(4);
    // What is left is only webpack's and core-js's guarded global lookups, never reached in a browser.
    for (const match of patched.matchAll(/new Function\("([^"]*)"/g)) expect(match[1]).toBe('return this');
  });

  it('refuses a bundle it was not written for', () => {
    expect(() => removeEmbindEval('var x = 1;')).toThrow(/patterns not found/);
  });
});
