/**
 * The packaging config (electron-builder.yml), read as electron-builder reads it: the fuses that
 * close the ways into a running Medvault (plain-Node mode, NODE_OPTIONS, --inspect) and that tie
 * the app to its own checked asar. Packaging itself needs the Electron binary, which cannot be
 * downloaded here; what it is told to do is checked instead.
 */
import { readFile } from 'node:fs/promises';
import { load } from 'js-yaml';
import { describe, expect, it } from 'vitest';
import type { Configuration } from 'electron-builder';

const config = load(await readFile(new URL('../electron-builder.yml', import.meta.url), 'utf8')) as Configuration;

describe('the packaged app', () => {
  it('flips every fuse that would let other code in', () => {
    expect(config.electronFuses).toEqual({
      runAsNode: false,
      enableCookieEncryption: true,
      enableNodeOptionsEnvironmentVariable: false,
      enableNodeCliInspectArguments: false,
      enableEmbeddedAsarIntegrityValidation: true,
      onlyLoadAppFromAsar: true,
      loadBrowserProcessSpecificV8Snapshot: false,
      grantFileProtocolExtraPrivileges: false,
    });
  });

  it('packs the app into an asar (which the integrity fuse checks), only native addons outside it', () => {
    expect(config.asar).toBe(true);
    expect(config.asarUnpack).toContain('**/*.node');
  });
});
