import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { MedvaultError } from '../errors';
import { defaultVaultDir } from '../paths';
import { changeKeyImages, snapshotFrame } from '../usecases/studies';
import { openVault, type Vault } from '../usecases/vaults';
import { editFrom, filterFrom, list, show, tag } from './documentCommands';
import {
  appealRequestFrom,
  disclosuresCommand,
  exportAppeal,
  exportSecondOpinion,
  secondOpinionRequestFrom,
} from './exportCommand';
import { importCommand, ocrCommand } from './importCommands';
import { describeKeyImages, keyImagesRequestFrom } from './keyImagesCommand';
import { EXIT, OPTIONS, credentialFrom, type Io, type Values } from './options';
import { pagesOption, requireScanner, scanFromScanner, scanRequestFromArgs } from './scanCommands';
import { snapshotRequestFrom } from './snapshotCommand';
import { backup, changePassphrase, clean, init, owner, rescue, restore, verify } from './vaultCommands';

export { EXIT };

const USAGE = `Usage: medvault <command> [options]

Commands:
  init                                  create a vault (prints the recovery key once)
  import PATH... [--json] [--skip-ocr]  import files and folders; the text of images and of PDFs
                                        without one is then read by OCR (--skip-ocr: later)
  import --scan [--title T] IMAGE[@90]... [--json]
                                        one scanned document (a PDF, text read by OCR) from page
                                        images in this order; @90, @180, @270 turn a page clockwise
  scan [--title T] [--pages N] [--json] scan pages with the scanner (SANE scanimage) into one document
  list [--json] [--category C] [--type T] [--from YYYY-MM-DD] [--to YYYY-MM-DD]
       [--provider P] [--tag T] [--text QUERY] [--needs-review]
  show ID [--json]                      one document, with its files
  key-images ID [--add SOP_UID[:FRAME]]... [--remove SOP_UID[:FRAME]]... [--json]
                                        a study's key images (marked in the viewer or here; FRAME
                                        from 1, default 1), in the order marked: what packets show
  tag ID [--type T] [--date YYYY-MM-DD|unknown] [--provider P] [--title S]
         [--add-tag T]... [--remove-tag T]... [--reviewed]
                                        correct a document; --reviewed accepts its suggestions
  snapshot ID [--series N] [--instance N] [--frame N] [--window C,W] --out FILE.png [--json]
                                        render one DICOM image of a study to a PNG (positions from 1
                                        in the viewer's order, default the first; the file's window)
  export appeal --out FILE.pdf --ids ID,ID,... --dob YYYY-MM-DD [--patient-name N]
         [--recipient-name N] [--recipient-org O] [--recipient-address A] [--member-id M]
         [--claim C] [--dates-of-service S] [--denial-date YYYY-MM-DD]
         [--statement S | --statement-file F] [--include-psychotherapy-notes]
         [--include-not-covered] [--json]
                                        an appeal packet: one PDF (cover letter, index, the
                                        documents in this order), recorded in the disclosure log;
                                        the name defaults to the vault's owner
  export new-provider --out FILE.pdf --ids ID,ID,... --dob YYYY-MM-DD [--patient-name N]
         [--recipient-name N] [--recipient-org O] [--recipient-address A]
         [--include-psychotherapy-notes] [--include-not-covered] [--json]
                                        the same one PDF with a general cover, for a new provider
  export second-opinion --out FOLDER|FILE.zip --ids ID,ID,... [--zip] [--dob YYYY-MM-DD]
         [--patient-name N] [--deidentify] [--recipient-name N] [--recipient-org O]
         [--include-psychotherapy-notes] [--include-not-covered] [--json]
                                        a disc-style folder or zip (IHE PDI) of the studies' DICOM
                                        files, the PDF reports and a summary PDF of every record
                                        (needs the name and --dob; none when de-identified),
                                        recorded in the disclosure log
  disclosures [--json] [--csv FILE]     every packet made: when, to whom, why, which documents
  ocr [--json]                          read the text of the images and PDFs still waiting for OCR
  verify [--json]                       check the database and every file's integrity, and list
                                        stored files no document names (kept: see clean)
  clean [--yes] [--json]                say how many stored files no document names; --yes removes them
  rescue [--json]                       rebuild a database that cannot be opened from the vault's
                                        record cards and files (the old one is kept aside)
  passphrase                            change the passphrase
  owner [--name N] [--patient-id ID] [--clear]
                                        whose vault this is (imports warn about other patients)
  backup --out FILE                     write an encrypted backup of the vault
  restore FILE --vault DIR              restore a backup into a new folder

Options:
  --vault DIR        the vault folder (else $MEDVAULT_VAULT, else the app's folder)
  --recovery-key     unlock with the recovery key instead of the passphrase
  --json             machine-readable output on stdout

The passphrase is read from $MEDVAULT_PASSPHRASE or asked for in the terminal; the recovery key
from $MEDVAULT_RECOVERY_KEY or asked for; a new passphrase from $MEDVAULT_NEW_PASSPHRASE or asked
for twice. Secrets are never taken as arguments.`;

export async function main(argv: string[], io: Io = defaultIo()): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({ args: argv, options: OPTIONS, allowPositionals: true, strict: true });
  } catch (error) {
    io.err(`medvault: ${(error as Error).message.split('\n')[0]}\n${USAGE.split('\n')[0]}`);
    return EXIT.userError;
  }
  const { values, positionals } = parsed;
  const [command, ...args] = positionals;
  if (values.help || !command || command === 'help') {
    io.out(USAGE);
    return command || values.help ? EXIT.ok : EXIT.userError;
  }
  const vaultDir = resolve(values.vault ?? (io.env.MEDVAULT_VAULT || defaultVaultDir(io.env)));
  try {
    switch (command) {
      case 'init':
        return await init(vaultDir, values, io);
      case 'import': {
        if (values.scan) {
          const scan = await scanRequestFromArgs(args, values.title);
          return await withVault(vaultDir, values, io, (vault) => importCommand(vault, [], values, io, [scan]));
        }
        return await withVault(vaultDir, values, io, (vault) => importCommand(vault, args, values, io));
      }
      case 'scan': {
        const pages = pagesOption(values.pages);
        await requireScanner(io.env); // said before the passphrase is asked for
        return await withVault(vaultDir, values, io, async (vault) => {
          const scan = await scanFromScanner(pages, values.title, io.env, io.err);
          return importCommand(vault, [], values, io, [scan]);
        });
      }
      case 'list': {
        // Arguments are checked before the (deliberately slow) unlock.
        const filter = filterFrom(values);
        return await withVault(vaultDir, values, io, (vault) => list(vault, filter, values, io));
      }
      case 'show':
        return await withVault(vaultDir, values, io, (vault) => show(vault, one(args, 'show ID'), values, io));
      case 'tag': {
        const id = one(args, 'tag ID');
        const edit = editFrom(values);
        return await withVault(vaultDir, values, io, (vault) => tag(vault, id, edit, values, io));
      }
      case 'key-images': {
        const request = keyImagesRequestFrom(args, values);
        return await withVault(vaultDir, values, io, async (vault) => {
          const result = await changeKeyImages(vault, request);
          io.out(values.json ? JSON.stringify(result) : describeKeyImages(result));
          return EXIT.ok;
        });
      }
      case 'snapshot': {
        const request = snapshotRequestFrom(args, values);
        return await withVault(vaultDir, values, io, async (vault) => {
          const result = await snapshotFrame(vault, request);
          io.out(
            values.json
              ? JSON.stringify(result)
              : `Wrote ${result.width} × ${result.height} pixels (series ${result.series}, instance ${result.instance}, frame ${result.frame} of ${result.frames}) to ${result.path}.`,
          );
          return EXIT.ok;
        });
      }
      case 'export': {
        if (args[0] === 'second-opinion' && args.length === 1) {
          const disc = secondOpinionRequestFrom(values);
          return await withVault(vaultDir, values, io, (vault) => exportSecondOpinion(vault, disc, values, io));
        }
        const prepared = await appealRequestFrom(args, values);
        return await withVault(vaultDir, values, io, (vault) => exportAppeal(vault, prepared, values, io));
      }
      case 'disclosures':
        return await withVault(vaultDir, values, io, (vault) => disclosuresCommand(vault, values, io));
      case 'ocr':
        return await withVault(vaultDir, values, io, (vault) => ocrCommand(vault, values, io));
      case 'verify':
        return await withVault(vaultDir, values, io, (vault) => verify(vault, values, io));
      case 'clean':
        return await withVault(vaultDir, values, io, (vault) => clean(vault, values, io));
      case 'rescue':
        return await rescue(vaultDir, values, io);
      case 'passphrase':
        return await withVault(vaultDir, values, io, (vault) => changePassphrase(vault, io));
      case 'owner':
        return await withVault(vaultDir, values, io, (vault) => owner(vault, values, io));
      case 'backup':
        return await withVault(vaultDir, values, io, (vault) => backup(vault, values, io));
      case 'restore':
        return await restore(one(args, 'restore FILE'), vaultDir, values, io);
      default:
        throw new MedvaultError('invalid-argument', `Unknown command "${command}" (see "medvault --help").`);
    }
  } catch (error) {
    if (error instanceof MedvaultError) {
      io.err(`medvault: ${error.message}`);
      if (error.code === 'database-unusable') return EXIT.databaseUnusable;
      return error.isUserError ? EXIT.userError : EXIT.dataProblem;
    }
    // Not one of ours: say what failed in one line; the stack stays out of the patient's way.
    io.err(`medvault: Something went wrong: ${(error as Error)?.message ?? String(error)}`);
    return EXIT.dataProblem;
  }
}

function defaultIo(): Io {
  return {
    out: (text) => process.stdout.write(text.endsWith('\n') ? text : `${text}\n`),
    err: (text) => process.stderr.write(text.endsWith('\n') ? text : `${text}\n`),
    env: process.env,
  };
}

function one(args: string[], usage: string): string {
  if (args.length !== 1) throw new MedvaultError('invalid-argument', `Usage: medvault ${usage}`);
  return args[0]!;
}

async function withVault(
  dir: string,
  values: Values,
  io: Io,
  work: (vault: Vault) => Promise<number>,
): Promise<number> {
  const vault = await openVault(dir, await credentialFrom(values, io));
  try {
    return await work(vault);
  } finally {
    await vault.close();
  }
}
