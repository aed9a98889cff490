/** `medvault init`, `verify`, `passphrase`, `owner`, `backup` and `restore`: the vault itself. */
import { MedvaultError } from '../errors';
import { getOwner, setOwner } from '../usecases/owner';
import {
  backUp,
  changePassphrase as rekey,
  createVault,
  restoreBackup,
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
  } else if (report.ok) {
    io.out(
      `The vault is intact: the database and ${plural(report.blobsChecked, 'file')} (${plural(report.documents, 'document')}) check out.`,
    );
  } else {
    const lines = ['The vault has problems:'];
    if (report.database !== 'ok') lines.push(`  database: ${report.database}`);
    for (const problem of report.problems) lines.push(`  ${problem.message}`);
    io.out(lines.join('\n'));
  }
  return report.ok ? EXIT.ok : EXIT.dataProblem;
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
