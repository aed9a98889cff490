/**
 * The `medvault` command's words and exit codes, held still: one fixed vault (the paper records and
 * HL7's C-CDA samples from tests/fixtures, a two-study disc written by dcmtk), every command run on
 * it in order — successes, refusals and data problems — and the whole transcript compared with
 * tests/fixtures/cli/transcript.txt. Whatever moves inside the core, a script over the CLI sees the
 * same output. What differs between runs (random ids, UIDs, hashes, times, the temporary folder) is
 * replaced by stable placeholders; everything else must match to the character.
 *
 * After an intended change of output: MEDVAULT_WRITE_TRANSCRIPT=1 npx vitest run tests/cliTranscript.test.ts
 * rewrites the file, and the diff is reviewed like code.
 */
import { copyFile, mkdir, readFile, readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../electron/core/cli/main';
import { makeDisc } from './support/dicomFixtures';
import { tempDir } from './support/fixtures';
import { PASSPHRASE } from './support/vault';

const FIXTURES = fileURLToPath(new URL('./fixtures/', import.meta.url));
const TRANSCRIPT = join(FIXTURES, 'cli', 'transcript.txt');

let root: string;
let cleanup: () => Promise<void>;
const transcript: string[] = [];

interface Ran {
  code: number;
  stdout: string;
  stderr: string;
}

async function medvault(args: string[], env: Record<string, string> = {}): Promise<Ran> {
  let stdout = '';
  let stderr = '';
  const code = await main(args, {
    out: (text) => (stdout += text.endsWith('\n') ? text : `${text}\n`),
    err: (text) => (stderr += text.endsWith('\n') ? text : `${text}\n`),
    env: { MEDVAULT_PASSPHRASE: PASSPHRASE, ...env },
  });
  return { code, stdout, stderr };
}

/** Runs a command and writes it, its exit code and its output into the transcript. */
async function record(args: string[], env: Record<string, string> = {}): Promise<Ran> {
  const ran = await medvault(args, env);
  transcript.push(
    [
      `$ medvault ${args.map((arg) => (/[\s"]/.test(arg) ? JSON.stringify(arg) : arg)).join(' ')}`,
      `[exit ${ran.code}]`,
      ran.stdout && `--- stdout\n${ran.stdout.trimEnd()}`,
      ran.stderr && `--- stderr\n${ran.stderr.trimEnd()}`,
    ]
      .filter(Boolean)
      .join('\n'),
  );
  return ran;
}

/** Placeholders for what changes from run to run; ids numbered by where they stand in `list`. */
function normalise(text: string, ids: Map<string, string>): string {
  let out = text.replaceAll(root, '<ROOT>');
  for (const [id, name] of ids) out = out.replaceAll(id, name);
  return out
    .replace(/Recovery key: .*/g, 'Recovery key: <RECOVERY KEY>')
    .replace(/"recoveryKey":"[^"]*"/g, '"recoveryKey":"<RECOVERY KEY>"')
    .replace(/\b\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d+)?Z\b/g, '<TIME>')
    .replace(/\b\d+(?:\.\d+){3,}\b/g, '<UID>')
    .replace(/\b[0-9a-f]{12,64}\b/g, '<HEX>')
    .replace(/\b\d+ bytes\b/g, '<N> bytes')
    .replace(/"(bytes|bytesChecked)":\d+/g, '"$1":<N>')
    .replace(/"(importRunId|runId)":"[^"]*"/g, '"$1":"<RUN>"');
}

describe('the medvault command, end to end on a fixed vault', () => {
  const vault = () => join(root, 'vault');
  const ids = new Map<string, string>();
  const byTitle = new Map<string, string>();

  beforeAll(async () => {
    const temp = await tempDir('medvault-transcript-');
    root = temp.path;
    cleanup = temp.cleanup;
    const records = join(root, 'records');
    await mkdir(records);
    for (const folder of ['paper', 'ccda']) {
      for (const name of await readdir(join(FIXTURES, folder))) {
        if (name !== 'README.md') await copyFile(join(FIXTURES, folder, name), join(records, name));
      }
    }
    await makeDisc(join(root, 'disc'));
  }, 120_000);

  afterAll(async () => {
    await cleanup?.();
  });

  it('says the same as it always has', { timeout: 300_000 }, async () => {
    const v = ['--vault', vault()];
    // Before any vault: usage and refusals that need no unlock.
    await record(['--help']);
    await record([]);
    await record(['frobnicate', ...v]);
    await record(['list', '--bogus']);
    await record(['list', ...v]);
    await record(['init', ...v]);
    await record(['init', ...v]);
    await record(['list', ...v]);
    await record(['list', '--from', '2024-13-01', ...v]);
    await record(['list', '--type', 'x-ray', ...v]);
    await record(['list', '--category', 'nope', ...v]);
    await record(['list', ...v], { MEDVAULT_PASSPHRASE: 'not the passphrase at all' });

    // Importing: the paper records and C-CDAs, then a disc (its viewer and autorun skipped).
    await record(['import', ...v]);
    await record(['import', join(root, 'records'), '--skip-ocr', ...v]);
    await record(['import', join(root, 'records'), ...v]);
    await record(['import', join(root, 'disc'), ...v]);
    await record(['import', join(root, 'missing-folder'), ...v]);

    const listed = JSON.parse((await medvault(['list', '--json', ...v])).stdout) as { id: string; title: string }[];
    listed.forEach((document, n) => {
      ids.set(document.id, `<doc ${n + 1}>`);
      byTitle.set(document.title, document.id);
    });
    const idOf = (pattern: RegExp) => {
      const found = [...byTitle].find(([title]) => pattern.test(title));
      if (!found) throw new Error(`No document titled like ${pattern} in ${[...byTitle.keys()].join(' | ')}`);
      return found[1];
    };
    const ct = idOf(/CHEST/i);
    const eob = idOf(/^eob/i);
    const psychotherapy = idOf(/psychotherapy/i);
    const discharge = idOf(/^discharge-summary/);
    const ccd = idOf(/^Patient Chart Summary/);

    await record(['list', ...v]);
    await record(['list', '--json', ...v]);
    await record(['list', '--category', 'billing-record', ...v]);
    await record(['list', '--type', 'imaging-study', ...v]);
    await record(['list', '--from', '2024-01-01', '--to', '2024-06-30', ...v]);
    await record(['list', '--text', 'deductible', ...v]);
    await record(['list', '--needs-review', ...v]);
    await record(['list', '--provider', 'Mercy Hospital', ...v]);
    for (const document of listed) await record(['show', document.id, ...v]);
    await record(['show', ct, '--json', ...v]);
    await record(['show', 'nosuchdocument', ...v]);
    await record(['show', ...v]);

    // Correcting.
    await record([
      'tag',
      eob,
      '--type',
      'explanation-of-benefits',
      '--date',
      '2024-03-02',
      '--add-tag',
      'appeal',
      ...v,
    ]);
    await record(['tag', eob, '--add-tag', 'Appeal', '--add-tag', 'knee', '--json', ...v]);
    await record(['tag', eob, '--remove-tag', 'knee', '--provider', 'Acme Health Plan', ...v]);
    await record(['tag', discharge, '--date', 'unknown', '--title', 'Discharge summary (hospital)', ...v]);
    await record(['tag', discharge, '--reviewed', ...v]);
    await record(['tag', eob, ...v]);
    await record(['tag', eob, '--date', 'March', ...v]);
    await record(['tag', eob, '--type', 'scroll', ...v]);
    await record(['list', '--tag', 'appeal', ...v]);

    // Whose vault this is.
    await record(['owner', ...v]);
    await record(['owner', '--name', 'Jane Doe', '--patient-id', 'MRN12345', ...v]);
    await record(['owner', '--json', ...v]);

    // A study: key images and snapshots.
    await record(['key-images', ct, ...v]);
    const study = JSON.parse((await medvault(['show', ct, '--json', ...v])).stdout) as { id: string };
    const view = JSON.parse((await medvault(['key-images', study.id, '--json', ...v])).stdout) as {
      documentId: string;
    };
    expect(view.documentId).toBe(ct);
    await record(['key-images', eob, ...v]);
    await record(['key-images', ct, '--add', '9.9.9.9', ...v]);
    await record(['key-images', ct, '--add', 'not-a-uid', ...v]);
    await record(['snapshot', ct, '--out', join(root, 'slice.png'), ...v]);
    await record(['snapshot', ct, '--series', '2', '--out', join(root, 'slice2.png'), ...v]);
    await record([
      'snapshot',
      ct,
      '--instance',
      '3',
      '--window',
      '40,400',
      '--out',
      join(root, 'slice3.png'),
      '--json',
      ...v,
    ]);
    await record(['snapshot', ct, '--out', join(root, 'slice.jpg'), ...v]);
    await record(['snapshot', ct, '--frame', '0', '--out', join(root, 'x.png'), ...v]);
    await record(['snapshot', eob, '--out', join(root, 'eob.png'), ...v]);

    // Packets.
    const appealIds = [eob, psychotherapy, ccd, ct].join(',');
    await record(['export', 'appeal', '--out', join(root, 'appeal.pdf'), '--ids', appealIds, ...v]);
    await record([
      'export',
      'appeal',
      '--out',
      join(root, 'appeal.txt'),
      '--ids',
      appealIds,
      '--dob',
      '1970-01-01',
      ...v,
    ]);
    await record(['export', 'appeal', '--out', join(root, 'appeal.pdf'), '--dob', '1970-01-01', ...v]);
    await record([
      'export',
      'appeal',
      '--out',
      join(root, 'appeal.pdf'),
      '--ids',
      appealIds,
      '--dob',
      '1970-01-01',
      '--recipient-org',
      'Acme Health Plan',
      '--member-id',
      'M-1',
      '--claim',
      'C-77',
      '--denial-date',
      '2024-04-01',
      '--statement',
      'The MRI was ordered after six weeks of therapy.',
      ...v,
    ]);
    await record([
      'export',
      'appeal',
      '--out',
      join(root, 'appeal.pdf'),
      '--ids',
      appealIds,
      '--dob',
      '1970-01-01',
      ...v,
    ]);
    await record([
      'export',
      'appeal',
      '--out',
      join(root, 'nowhere', 'a.pdf'),
      '--ids',
      eob,
      '--dob',
      '1970-01-01',
      ...v,
    ]);
    await record([
      'export',
      'new-provider',
      '--out',
      join(root, 'new.pdf'),
      '--ids',
      [ccd, psychotherapy].join(','),
      '--dob',
      '1970-01-01',
      '--include-psychotherapy-notes',
      '--patient-name',
      'Jane Q. Doe',
      ...v,
    ]);
    await record(['export', 'new-provider', '--out', join(root, 'n2.pdf'), '--ids', ccd, '--claim', 'x', ...v]);
    await record([
      'export',
      'second-opinion',
      '--out',
      join(root, 'disc-out'),
      '--ids',
      [ct, eob].join(','),
      '--dob',
      '1970-01-01',
      ...v,
    ]);
    await record(['export', 'second-opinion', '--out', join(root, 'deid.zip'), '--ids', ct, '--deidentify', ...v]);
    await record(['export', 'second-opinion', '--out', join(root, 'none'), '--ids', eob, ...v]);
    await record(['export', 'second-opinion', '--out', join(root, 'x'), '--ids', ct, '--dob', '1970', ...v]);
    await record(['export', 'fax', ...v]);
    const disclosures = JSON.parse((await medvault(['disclosures', '--json', ...v])).stdout) as { id: string }[];
    disclosures.forEach((disclosure, n) => ids.set(disclosure.id, `<disclosure ${disclosures.length - n}>`));
    await record(['disclosures', ...v]);
    await record(['disclosures', '--json', ...v]);
    await record(['disclosures', '--csv', join(root, 'log.csv'), ...v]);
    transcript.push(`--- log.csv\n${(await readFile(join(root, 'log.csv'), 'utf8')).trimEnd()}`);

    // Text, integrity, keys, backups.
    await record(['ocr', ...v]);
    await record(['ocr', '--json', ...v]);
    await record(['verify', ...v]);
    await record(['verify', '--json', ...v]);
    await record(['rescue', ...v]);
    await record(['backup', ...v]);
    await record(['backup', '--out', join(root, 'vault.mvbackup'), ...v]);
    await record(['restore', ...v]);
    await record(['restore', join(root, 'vault.mvbackup'), '--vault', join(root, 'restored')]);
    await record(['list', '--type', 'imaging-study', '--vault', join(root, 'restored')]);
    await record(['passphrase', ...v], { MEDVAULT_NEW_PASSPHRASE: 'a brand new passphrase 2024' });
    await record(['list', '--tag', 'appeal', ...v]);
    await record(['list', '--tag', 'appeal', ...v], { MEDVAULT_PASSPHRASE: 'a brand new passphrase 2024' });
    await record(['scan', ...v], { PATH: join(root, 'no-tools-here') });

    const text = `${normalise(transcript.join('\n\n'), ids)}\n`;
    if (process.env.MEDVAULT_WRITE_TRANSCRIPT === '1') {
      await mkdir(join(FIXTURES, 'cli'), { recursive: true });
      await writeFile(TRANSCRIPT, text);
    }
    const expected = await readFile(TRANSCRIPT, 'utf8');
    // Line by line, so a failure names the first line that moved.
    expect(text.split('\n')).toEqual(expected.split('\n'));
  });
});
