/**
 * OCR after an import, through the real CLI: `medvault import` stores images at disk speed and
 * then reads their text (or leaves it for `medvault ocr` with --skip-ocr); what the text says
 * files the document, as the text of any PDF would.
 */
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { VaultDocument } from '../shared/documents';
import { describeRun, parseJson, runCli } from './support/cli';
import { tempDir, writeTree } from './support/fixtures';
import { pngOf, textPage } from './support/scanFixtures';
import type { ImportJson } from '../shared/cliOutput';

describe('reading the text of images after an import (CLI)', () => {
  let root: { path: string; cleanup: () => Promise<void> };
  let vaultDir: string;
  const cli = (args: string[]) => runCli([...args, '--vault', vaultDir]);
  const search = async (word: string) => parseJson<VaultDocument[]>(await cli(['list', '--json', '--text', word]));

  beforeAll(async () => {
    root = await tempDir();
    vaultDir = join(root.path, 'vault');
    expect((await cli(['init', '--json'])).code).toBe(0);
    await writeTree(join(root.path, 'photos'), {
      'phone photo of a letter.png': await pngOf(
        textPage(['Explanation of Benefits', 'This is not a bill', 'Date of service 03/14/2024', 'Marker wombat']),
      ),
    });
    await writeTree(join(root.path, 'later'), {
      'card.png': await pngOf(textPage(['Member card', 'Marker quokka'])),
    });
  }, 60_000);
  afterAll(() => root.cleanup());

  it('reads the text when the import is done, and files the image by it', async () => {
    const result = await cli(['import', join(root.path, 'photos'), '--json']);
    expect(result.code, describeRun(result)).toBe(0);
    expect(parseJson<ImportJson>(result)).toMatchObject({ imported: 1, textRecognized: 1, textPending: 0 });
    const [photo] = await search('wombat');
    expect(photo).toMatchObject({
      title: 'phone photo of a letter',
      mediaType: 'image/png',
      type: 'explanation-of-benefits',
      date: '2024-03-14',
      needsReview: false,
    });
    expect(photo!.suggested.type?.reason).toMatch(/Explanation of Benefits/i);
  }, 60_000);

  it('--skip-ocr leaves the text for `medvault ocr`', async () => {
    const result = await cli(['import', join(root.path, 'later'), '--json', '--skip-ocr']);
    expect(result.code, describeRun(result)).toBe(0);
    expect(parseJson<ImportJson>(result)).toMatchObject({ imported: 1, textRecognized: 0, textPending: 1 });
    expect(await search('quokka')).toEqual([]);

    const text = await cli(['ocr', '--json']);
    expect(text.code, describeRun(text)).toBe(0);
    expect(parseJson(text)).toEqual({ recognized: 1, remaining: 0, problems: [] });
    expect((await search('quokka')).map((d) => d.title)).toEqual(['card']);

    const again = await cli(['ocr']);
    expect(again.stdout.trim()).toBe('No document waits for OCR.');
  }, 60_000);
});
