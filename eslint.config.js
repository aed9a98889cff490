// ESLint flat config. Besides the usual checks it enforces the project's layers by folder
// ("layers by folder, enforced by lint, not memory"):
//   shared/**         pure: no Node builtins, no `electron`, nothing from electron/, no DOM or Node globals
//   renderer/**       the UI: no Node builtins, no `electron`, nothing from the electron/ folder
//   electron/core/**  the vault core: plain Node, never `electron`
// and, with eslint-plugin-boundaries, which folder may import which (docs/ARCHITECTURE.md's
// picture): inside the core, kernel < base (crypto, db, vault, documents, classify) <
// import, export, backup, readable, imaging < usecases < cli/service < server < the Electron shell.
import { builtinModules } from 'node:module';
import js from '@eslint/js';
import boundaries from 'eslint-plugin-boundaries';
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
    // The server runs in plain Node (browser mode) as well as in Electron's utility process.
    files: ['electron/core/**', 'electron/server/**'],
    rules: layer([ELECTRON_PACKAGE]),
  },

  ...architecture(),
);

/** The layers as eslint-plugin-boundaries elements; the first pattern that matches a file wins. */
function architecture() {
  const elements = [
    { type: 'shared', pattern: 'shared/**', partialMatch: false },
    // A renderer feature is its folder; others reach it only through its index.
    { type: 'feature', pattern: 'renderer/features/*', partialMatch: false, capture: ['feature'] },
    { type: 'ui', pattern: 'renderer/{ui,lib,api,styles}/**', partialMatch: false },
    { type: 'renderer', pattern: 'renderer/**', partialMatch: false },
    { type: 'cli', pattern: 'electron/core/cli/**', partialMatch: false },
    { type: 'service', pattern: 'electron/core/service/**', partialMatch: false },
    { type: 'usecases', pattern: 'electron/core/usecases/**', partialMatch: false },
    { type: 'io', pattern: 'electron/core/{import,export,backup,readable,imaging}/**', partialMatch: false },
    { type: 'base', pattern: 'electron/core/{crypto,db,vault,documents,classify,fhir}/**', partialMatch: false },
    { type: 'kernel', pattern: 'electron/core' },
    { type: 'server', pattern: 'electron/server/**', partialMatch: false },
    { type: 'main', pattern: 'electron/main/**', partialMatch: false },
    { type: 'preload', pattern: 'electron/preload/**', partialMatch: false },
    { type: 'build', pattern: 'electron/build/**', partialMatch: false },
  ];
  const may = (from, to) => ({
    from: { element: { type: from } },
    allow: { to: { element: { types: { anyOf: to } } } },
  });
  return [
    {
      files: ['shared/**', 'renderer/**', 'electron/**'],
      plugins: { boundaries },
      settings: {
        'boundaries/elements': elements,
        'boundaries/include': ['shared/**', 'renderer/**', 'electron/**'],
        'import/resolver': { node: { extensions: ['.ts', '.tsx', '.js', '.mjs', '.d.mts'] } },
      },
      rules: {
        'boundaries/dependencies': [
          'error',
          {
            default: 'disallow',
            policies: [
              may('shared', ['shared']),
              may('renderer', ['renderer', 'feature', 'ui', 'shared']),
              may('ui', ['ui', 'shared']),
              may('feature', ['ui', 'shared']),
              {
                from: { element: { type: 'feature' } },
                allow: {
                  to: { element: { type: 'feature', captured: { feature: '{{ from.captured.feature }}' } } },
                },
              },
              {
                from: { element: { type: 'feature' } },
                allow: { to: { element: { type: 'feature', fileInternalPath: 'index.{ts,tsx}' } } },
              },
              may('kernel', ['kernel', 'shared']),
              may('base', ['base', 'kernel', 'shared']),
              may('io', ['io', 'base', 'kernel', 'shared']),
              may('usecases', ['usecases', 'io', 'base', 'kernel', 'shared']),
              // The two front doors reach the core only through its use cases.
              may('cli', ['cli', 'usecases', 'kernel', 'shared']),
              may('service', ['service', 'usecases', 'kernel', 'shared']),
              may('server', ['server', 'service', 'kernel', 'shared']),
              may('main', ['main', 'server', 'shared']),
              may('preload', ['main', 'shared']),
              may('build', ['build']),
            ],
          },
        ],
      },
    },
  ];
}
