/**
 * The layers of docs/ARCHITECTURE.md are enforced by the lint (eslint.config.js, with
 * eslint-plugin-boundaries): an import that crosses a layer the wrong way fails `npm run lint`.
 * Each case is linted as if it were a file in that folder, importing a module that exists.
 */
import { ESLint } from 'eslint';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../', import.meta.url));
const eslint = new ESLint({ cwd: ROOT });

async function problems(file: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(`${code}\nexport const probe = [x];\n`, { filePath: `${ROOT}${file}` });
  return result!.messages.filter((m) => m.severity === 2).map((m) => `${m.ruleId}: ${m.message}`);
}

describe('the layers, as the lint enforces them', () => {
  it.each([
    // The CLI and the app's service reach the core only through the use cases.
    ['electron/core/cli/probe.ts', "import { Vault as x } from '../vault/Vault';", 'boundaries/dependencies'],
    ['electron/core/cli/probe.ts', "import { runImport as x } from '../import/runImport';", 'boundaries/dependencies'],
    ['electron/core/service/probe.ts', "import { readSetting as x } from '../db/settings';", 'boundaries/dependencies'],
    ['electron/core/service/probe.ts', "import { main as x } from '../cli/main';", 'boundaries/dependencies'],
    // Lower layers never reach up.
    [
      'electron/core/db/probe.ts',
      "import { listDocuments as x } from '../usecases/documents';",
      'boundaries/dependencies',
    ],
    [
      'electron/core/documents/probe.ts',
      "import { runImport as x } from '../import/runImport';",
      'boundaries/dependencies',
    ],
    [
      'electron/core/import/probe.ts',
      "import { dispatch as x } from '../service/dispatch';",
      'boundaries/dependencies',
    ],
    ['electron/core/errors-probe.ts', "import { Vault as x } from './vault/Vault';", 'boundaries/dependencies'],
    ['electron/server/probe.ts', "import { Vault as x } from '../core/vault/Vault';", 'boundaries/dependencies'],
    ['electron/server/probe.ts', "import { app as x } from 'electron';", 'no-restricted-imports'],
    ['shared/probe.ts', "import { App as x } from '../renderer/App';", 'boundaries/dependencies'],
    ['renderer/probe.ts', "import { readFile as x } from 'node:fs/promises';", 'no-restricted-imports'],
    [
      'renderer/probe.ts',
      "import { dispatch as x } from '../electron/core/service/dispatch';",
      'no-restricted-imports',
    ],
    ['electron/core/vault/probe.ts', "import { app as x } from 'electron';", 'no-restricted-imports'],
    // A renderer feature reaches another only through its index; shared widgets never reach a feature.
    [
      'renderer/features/packet/probe.ts',
      "import { Toolbar as x } from '../search/Toolbar';",
      'boundaries/dependencies',
    ],
    ['renderer/ui/probe.ts', "import { Library as x } from '../features/library';", 'boundaries/dependencies'],
    ['renderer/lib/probe.ts', "import { useImport as x } from '../features/import';", 'boundaries/dependencies'],
  ])('%s: %s is refused', async (file, code, rule) => {
    const found = await problems(file, code);
    expect(
      found.some((p) => p.startsWith(`${rule}:`)),
      found.join('\n') || 'no problem reported',
    ).toBe(true);
  });

  it.each([
    ['electron/core/cli/probe.ts', "import { listDocuments as x } from '../usecases/documents';"],
    ['electron/core/service/probe.ts', "import { getFacets as x } from '../usecases/documents';"],
    ['electron/core/usecases/probe.ts', "import { runImport as x } from '../import/runImport';"],
    ['electron/core/export/probe.ts', "import { getDocument as x } from '../documents/repository';"],
    ['electron/server/probe.ts', "import { dispatch as x } from '../core/service/dispatch';"],
    ['renderer/probe.ts', "import { isIsoDate as x } from '../shared/documents';"],
    ['renderer/features/packet/probe.ts', "import { Toolbar as x } from '../search';"],
    ['renderer/features/packet/probe.ts', "import { toRequest as x } from './packetDraft';"],
    ['renderer/features/library/probe.ts', "import { EmptyState as x } from '../../ui/EmptyState';"],
  ])('%s: %s is allowed', async (file, code) => {
    expect(await problems(file, code)).toEqual([]);
  });
});
