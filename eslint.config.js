// ESLint flat config. Besides the usual checks it enforces the project's layers by folder
// ("layers by folder, enforced by lint, not memory"):
//   shared/**         pure: no Node builtins, no `electron`, nothing from electron/, no DOM or Node globals
//   renderer/**       the UI: no Node builtins, no `electron`, nothing from the electron/ folder
//   electron/core/**  the vault core: plain Node, never `electron`
import { builtinModules } from 'node:module';
import js from '@eslint/js';
import { defineConfig } from 'eslint/config';
import globals from 'globals';
import tseslint from 'typescript-eslint';

// Bare names only: the prefix-only builtins (node:test, node:sqlite, ...) are caught by `^node:`.
const nodeBuiltins = builtinModules.filter((name) => !name.startsWith('node:'));
const escape = (text) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** Import patterns for no-restricted-imports (each a regular expression over the import source). */
const NODE_BUILTIN = {
  regex: `^(node:.*|(${nodeBuiltins.map(escape).join('|')})(/.*)?)$`,
  message: 'Node builtins are not allowed in this layer (shared/ and renderer/ run without Node).',
};
const ELECTRON_PACKAGE = {
  regex: '^electron(/.*)?$',
  message: 'The `electron` package belongs to the Electron shell (main and preload), not to this layer.',
};
const ELECTRON_FOLDER = {
  // A path into the project's electron/ folder ('../electron/core/...'), not the package itself.
  regex: '^.+/electron(/.*)?$',
  message: 'Nothing from the electron/ folder in this layer: the renderer reaches it over the preload bridge.',
};

/**
 * The same sources caught in `import()` and `require()`, which no-restricted-imports does not see.
 * (esquery's regex literals cannot contain "/", so it is written as \x2F.)
 */
const dynamicImportBans = (patterns) =>
  patterns.flatMap(({ regex, message }) => {
    const source = `/${regex.replaceAll('/', '\\x2F')}/`;
    return [
      { selector: `ImportExpression[source.value=${source}]`, message },
      { selector: `CallExpression[callee.name='require'][arguments.0.value=${source}]`, message },
    ];
  });

const layer = (patterns) => ({
  'no-restricted-imports': ['error', { patterns }],
  'no-restricted-syntax': ['error', ...dynamicImportBans(patterns)],
});

const DOM_GLOBALS = ['window', 'document', 'navigator', 'localStorage', 'sessionStorage'].map((name) => ({
  name,
  message: 'shared/ is pure: no DOM globals.',
}));
const NODE_GLOBALS = ['process', 'Buffer', 'global', 'require', '__dirname', '__filename'].map((name) => ({
  name,
  message: 'shared/ is pure: no Node globals.',
}));

export default defineConfig(
  {
    ignores: ['node_modules/', 'out/', 'dist/', '.bench/', 'test-results/', 'playwright-report/', 'tmp/'],
  },
  js.configs.recommended,
  {
    files: ['**/*.ts', '**/*.tsx', '**/*.mts', '**/*.cts'],
    extends: [tseslint.configs.recommended],
  },
  {
    rules: {
      'no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrorsIgnorePattern: '^_' },
      ],
    },
  },
  {
    files: ['**/*.ts', '**/*.tsx', '**/*.mts', '**/*.cts'],
    rules: {
      'no-unused-vars': 'off',
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrorsIgnorePattern: '^_' },
      ],
    },
  },

  // Node code: the core, the CLI launcher, tests, benchmarks and the root config files.
  {
    files: ['electron/**', 'bin/**', 'tests/**', 'bench/**', '*.{js,mjs,cjs,ts}'],
    languageOptions: { globals: { ...globals.node } },
  },

  // Layer rules.
  {
    files: ['shared/**'],
    languageOptions: { globals: {} },
    rules: {
      ...layer([NODE_BUILTIN, ELECTRON_PACKAGE, ELECTRON_FOLDER]),
      'no-restricted-globals': ['error', ...DOM_GLOBALS, ...NODE_GLOBALS],
    },
  },
  {
    files: ['renderer/**'],
    languageOptions: { globals: { ...globals.browser } },
    rules: layer([NODE_BUILTIN, ELECTRON_PACKAGE, ELECTRON_FOLDER]),
  },
  {
    files: ['electron/core/**'],
    rules: layer([ELECTRON_PACKAGE]),
  },
);
