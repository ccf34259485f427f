// The host configuration `serve` reads (host.json), where the kiosk key's passphrase comes
// from (the systemd credential before the environment), and which export folder is used.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { HOST_CONFIG_FORMAT, readHostConfig } from '../../../src/main/compose/config.js';
import { DEFAULT_EXPORT_DIR, resolveExportDir } from '../../../src/main/compose/export-dir.js';
import {
  PASSPHRASE_CREDENTIAL,
  PASSPHRASE_ENV,
  passphraseOf,
  trustFromConfig,
} from '../../../src/main/compose/trust.js';
import { tempDir } from './fixtures.js';

const KEY = 'ab'.repeat(32);

function configFile(value: unknown): string {
  const { dir } = tempDir();
  const path = join(dir, 'host.json');
  writeFileSync(path, JSON.stringify(value));
  return path;
}

describe('host configuration', () => {
  it('accepts an optional absolute export folder and refuses a relative one', () => {
    const base = { format: HOST_CONFIG_FORMAT, authorityKeys: [KEY], sealer: 'passphrase' };
    const c = readHostConfig(configFile({ ...base, exportDir: '/media/usb0' }));
    expect(c.ok && c.value.exportDir).toBe('/media/usb0');
    expect(readHostConfig(configFile(base)).ok).toBe(true);
    expect(readHostConfig(configFile({ ...base, exportDir: 'media/usb0' }))).toMatchObject({
      ok: false,
      error: { kind: 'invalid', fields: ['exportDir'] },
    });
  });

  it('takes the passphrase from the systemd credential before the environment', () => {
    const { dir } = tempDir();
    const creds = join(dir, 'creds');
    mkdirSync(creds);
    writeFileSync(join(creds, PASSPHRASE_CREDENTIAL), 'from the credential store\n');
    expect(
      passphraseOf({ CREDENTIALS_DIRECTORY: creds, [PASSPHRASE_ENV]: 'from the environment' }),
    ).toBe('from the credential store');
    // Not passed to this service (another unit's directory, or none): the environment.
    expect(
      passphraseOf({ CREDENTIALS_DIRECTORY: dir, [PASSPHRASE_ENV]: 'from the environment' }),
    ).toBe('from the environment');
    expect(passphraseOf({})).toBeUndefined();
  });

  it('is unavailable, with the reason, when no passphrase reaches a passphrase-sealed host', () => {
    const path = configFile({
      format: HOST_CONFIG_FORMAT,
      authorityKeys: [KEY],
      sealer: 'passphrase',
    });
    const t = trustFromConfig(path, {});
    expect(t.kind).toBe('unavailable');
    expect(t.kind === 'unavailable' && t.reason).toContain(PASSPHRASE_CREDENTIAL);
    const { dir } = tempDir();
    writeFileSync(join(dir, PASSPHRASE_CREDENTIAL), 'a long enough kiosk passphrase');
    const ok = trustFromConfig(path, { CREDENTIALS_DIRECTORY: dir });
    expect(ok.kind).toBe('configured');
    expect(
      ok.kind === 'configured' && ok.authorityKeys.map((k) => Buffer.from(k).toString('hex')),
    ).toEqual([KEY]);
  });
});

describe('export folder', () => {
  const none = () => false;
  it('prefers --export-dir, then host.json, then the drive mount point if present', () => {
    expect(resolveExportDir({ flag: '/a', config: '/b', exists: () => true })).toEqual({
      dir: '/a',
      source: 'flag',
    });
    expect(resolveExportDir({ flag: undefined, config: '/b', exists: () => true })).toEqual({
      dir: '/b',
      source: 'config',
    });
    const seen: string[] = [];
    expect(
      resolveExportDir({
        flag: undefined,
        config: undefined,
        exists: (p) => (seen.push(p), true),
      }),
    ).toEqual({ dir: DEFAULT_EXPORT_DIR, source: 'default' });
    expect(seen).toEqual(['/media/veche-export']);
    expect(resolveExportDir({ flag: undefined, config: undefined, exists: none })).toEqual({
      dir: undefined,
      source: 'none',
    });
  });
});
