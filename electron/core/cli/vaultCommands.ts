/** `medvault init`, `verify`, `clean`, `rescue`, `passphrase`, `owner`, `backup` and `restore`: the vault itself. */
import { rescueComplete, rescueDetails, rescueHeadline } from '../../../shared/rescueText';
import { MedvaultError } from '../errors';
import { getOwner, setOwner } from '../usecases/owner';
import {
  backUp,
  changePassphrase as rekey,
  createVault,
  removeUnreferencedFiles,
  rescueVault,
  restoreBackup,
  unreferencedFiles,
  verifyVault,
  type Vault,
} from '../usecases/vaults';
import { EXIT, credentialFrom, newPassphrase, plural, type Io, type Values } from './options';

export async function init(dir: string, values: Values, io: Io): Promise<number> {
  const passphrase = io.env.MEDVAULT_PASSPHRASE ?? (await newPassphrase(io));
  const { vault, recoveryKey } = await createVault(dir, passphrase);
  await vault.close();
  if (values.json) {
    io.out(JSON.stringify({ vault: dir, recoveryKey }));
  } else {
    io.out(
      [
        `Created a vault at ${dir}.`,
        '',
        `Recovery key: ${recoveryKey}`,
        '',
        'Write the recovery key down and keep it somewhere safe, away from this computer.',
        'It opens the vault if the passphrase is forgotten, and it is shown only this once.',
      ].join('\n'),
    );
  }
  return EXIT.ok;
}

export async function verify(vault: Vault, values: Values, io: Io): Promise<number> {
  const report = await verifyVault(vault);
  if (values.json) {
    io.out(JSON.stringify(report));
  } else {
    const lines: string[] = [];
    if (report.ok) {
      lines.push(
        `The vault is intact: the database and ${plural(report.blobsChecked, 'file')} (${plural(report.documents, 'document')}) check out.`,
      );
    } else {
      lines.push('The vault has problems:');
      if (report.database !== 'ok') lines.push(`  database: ${report.database}`);
      for (const problem of report.problems) lines.push(`  ${problem.message}`);
    }
    if (report.unreferenced.length > 0) lines.push(unreferencedSentence(report.unreferenced));
    io.out(lines.join('\n'));
  }
  return report.ok ? EXIT.ok : EXIT.dataProblem;
}

function unreferencedSentence(files: readonly { bytes: number }[]): string {
  const bytes = files.reduce((sum, file) => sum + file.bytes, 0);
  const one = files.length === 1;
  return `${plural(files.length, 'stored file')} (${formatBytes(bytes)}) ${one ? 'belongs' : 'belong'} to no document; ${one ? 'it is' : 'they are'} kept until "medvault clean --yes" removes ${one ? 'it' : 'them'}.`;
}

/**
 * Stored files no document names are never removed on Medvault's own judgement: this says how
 * many there are, and removes them only with --yes.
 */
export async function clean(vault: Vault, values: Values, io: Io): Promise<number> {
  if (!values.yes) {
    const files = await unreferencedFiles(vault);
    if (values.json) io.out(JSON.stringify({ unreferenced: files.length, removed: 0 }));
    else if (files.length === 0) io.out('Every stored file belongs to a document: there is nothing to remove.');
    else io.out(unreferencedSentence(files));
    return EXIT.ok;
  }
  const removed = await removeUnreferencedFiles(vault);
  if (values.json) io.out(JSON.stringify({ unreferenced: removed.length, removed: removed.length }));
  else if (removed.length === 0) io.out('Every stored file belongs to a document: nothing was removed.');
  else
    io.out(
      `Removed ${plural(removed.length, 'stored file')} (${formatBytes(removed.reduce((sum, file) => sum + file.bytes, 0))}) that belonged to no document.`,
    );
  return EXIT.ok;
}

/**
 * Rebuilds a database that cannot be opened from the record cards. Exit 0 when everything came
 * back, 2 when a card, or a file a card names, could not be.
 */
export async function rescue(dir: string, values: Values, io: Io): Promise<number> {
  const credential = await credentialFrom(values, io);
  const { vault, report } = await rescueVault(dir, credential, { evenIfReadable: values['even-if-readable'] });
  await vault.close();
  const complete = rescueComplete(report);
  if (values.json) io.out(JSON.stringify(report));
  else {
    io.out(
      [
        `The vault at ${dir} was rebuilt from its record cards: ${rescueHeadline(report)}`,
        ...rescueDetails(report).map((line) => `  ${line}`),
        'Run "medvault verify" to check every file.',
      ].join('\n'),
    );
  }
  return complete ? EXIT.ok : EXIT.dataProblem;
}

function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} bytes`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KiB`;
  return `${(bytes / 1024 / 1024).toFixed(1)} MiB`;
}

export async function changePassphrase(vault: Vault, io: Io): Promise<number> {
  await rekey(vault, await newPassphrase(io));
  io.out('The passphrase was changed. The recovery key is unchanged and still opens the vault.');
  return EXIT.ok;
}

export async function owner(vault: Vault, values: Values, io: Io): Promise<number> {
  const changing = values.clear || values.name !== undefined || values['patient-id'] !== undefined;
  const result = changing
    ? await setOwner(vault, values.clear ? null : { name: values.name ?? null, id: values['patient-id'] ?? null })
    : await getOwner(vault);
  if (values.json) io.out(JSON.stringify(result));
  else if (!result) io.out('No owner is set: imports do not check whose records they are.');
  else
    io.out(`The vault's owner: ${[result.name, result.id && `patient ID ${result.id}`].filter(Boolean).join(', ')}.`);
  return EXIT.ok;
}

export async function backup(vault: Vault, values: Values, io: Io): Promise<number> {
  if (!values.out) throw new MedvaultError('invalid-argument', 'Usage: medvault backup --out FILE');
  const result = await backUp(vault, values.out);
  io.out(
    values.json
      ? JSON.stringify(result)
      : `Wrote an encrypted backup of ${plural(result.documents, 'document')} to ${result.path}.`,
  );
  return EXIT.ok;
}

export async function restore(file: string, dir: string, values: Values, io: Io): Promise<number> {
  const result = await restoreBackup(file, dir, await credentialFrom(values, io));
  io.out(
    values.json
      ? JSON.stringify({ vault: dir, ...result })
      : `Restored ${plural(result.documents, 'document')} into ${dir}.`,
  );
  return EXIT.ok;
}
