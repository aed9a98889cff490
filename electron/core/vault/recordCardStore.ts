import { randomBytes } from 'node:crypto';
import { constants as fsConstants } from 'node:fs';
import { mkdir, open, readFile, readdir, rename, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { openCard, sealCard } from '../crypto/cardCipher';
import { parseCardName, type CardName } from '../db/recordCardsPending';
import { describeIoError } from '../errors';
import { syncDirectory } from './blobStore';

export const RECORDS_DIR = 'records';

const FOLDER: Record<'document' | 'disclosure', string> = { document: 'documents', disclosure: 'disclosures' };
const CARD_SUFFIX = '.card';
const UNFINISHED = /^[0-9a-f]{32}\.tmp$/;

export type CardRead = { ok: true; plain: Buffer } | { ok: false; problem: 'missing' | 'damaged' };

/**
 * The sealed record cards on disk: `records/documents/<id>.card`, `records/disclosures/<id>.card`
 * and `records/settings.card`. A card is written whole to `records/incoming/`, synced, and renamed
 * over the old one, so a card on disk is always one complete version.
 */
export class RecordCardStore {
  private readonly incomingDir: string;

  constructor(
    readonly dir: string,
    private readonly key: Buffer,
  ) {
    this.incomingDir = join(dir, 'incoming');
  }

  static async initialize(dir: string): Promise<void> {
    for (const folder of ['incoming', ...Object.values(FOLDER)]) {
      await mkdir(join(dir, folder), { recursive: true, mode: 0o700 });
    }
  }

  /** Whether the folder is there at all (a vault restored from a backup, or made before cards, has none). */
  async exists(): Promise<boolean> {
    return (await stat(this.dir).catch(() => null))?.isDirectory() ?? false;
  }

  pathOf(name: CardName): string {
    const parsed = parseCardName(name);
    if (!parsed) throw new Error(`Not a record card name: ${name}`);
    if (parsed.kind === 'settings') return join(this.dir, `settings${CARD_SUFFIX}`);
    return join(this.dir, FOLDER[parsed.kind], `${parsed.id}${CARD_SUFFIX}`);
  }

  /** Seals and writes the cards, each whole and synced before it replaces the one before. */
  async write(cards: readonly { name: CardName; plain: Buffer }[]): Promise<void> {
    if (!cards.length) return;
    await RecordCardStore.initialize(this.dir);
    const staged: { from: string; to: string }[] = [];
    try {
      for (const { name, plain } of cards) {
        const from = join(this.incomingDir, `${randomBytes(16).toString('hex')}.tmp`);
        const handle = await open(from, fsConstants.O_WRONLY | fsConstants.O_CREAT | fsConstants.O_EXCL, 0o600);
        staged.push({ from, to: this.pathOf(name) });
        try {
          await handle.writeFile(sealCard(this.key, name, plain));
          await handle.sync();
        } finally {
          await handle.close();
        }
      }
      for (const { from, to } of staged) await rename(from, to);
      for (const folder of new Set(staged.map(({ to }) => join(to, '..')))) await syncDirectory(folder);
    } catch (error) {
      for (const { from } of staged) await rm(from, { force: true }).catch(() => undefined);
      throw describeIoError(error, 'a record card of the vault');
    }
  }

  /** Removes the cards of what no longer exists (an import run undone). */
  async remove(names: readonly CardName[]): Promise<void> {
    try {
      for (const name of names) await rm(this.pathOf(name), { force: true });
    } catch (error) {
      throw describeIoError(error, 'a record card of the vault');
    }
  }

  async read(name: CardName): Promise<CardRead> {
    let sealed: Buffer;
    try {
      sealed = await readFile(this.pathOf(name));
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { ok: false, problem: 'missing' };
      throw describeIoError(error, 'a record card of the vault');
    }
    const plain = openCard(this.key, name, sealed);
    return plain ? { ok: true, plain } : { ok: false, problem: 'damaged' };
  }

  /** Every card on disk, by name; files that are not cards are left out (and left alone). */
  async list(): Promise<CardName[]> {
    const names: CardName[] = [];
    if ((await stat(join(this.dir, `settings${CARD_SUFFIX}`)).catch(() => null))?.isFile()) names.push('settings');
    for (const [kind, folder] of Object.entries(FOLDER) as ['document' | 'disclosure', string][]) {
      const files = await readdir(join(this.dir, folder)).catch(() => [] as string[]);
      for (const file of files.sort()) {
        if (!file.endsWith(CARD_SUFFIX)) continue;
        const name = `${kind}/${file.slice(0, -CARD_SUFFIX.length)}` as CardName;
        if (parseCardName(name)) names.push(name);
      }
    }
    return names;
  }

  /** Removes what a crash left half-written in `records/incoming/` (only names this store makes). */
  async removeUnfinishedWrites(): Promise<void> {
    const files = await readdir(this.incomingDir).catch(() => [] as string[]);
    for (const file of files) if (UNFINISHED.test(file)) await rm(join(this.incomingDir, file), { force: true });
  }
}
