// The kiosk's trust from the host configuration: the pinned authority keys and the sealer
// the configuration names. A missing configuration or passphrase is not fatal: the host
// starts, and provisioning says why it cannot proceed (docs/composition.md).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fromHex } from '../../protocol/hash.js';
import { err, type Result } from '../../shared/result.js';
import { createPassphraseSealer, createSystemdCredsSealer, type KeySealer } from '../keys/index.js';
import type { KioskTrust } from '../kiosk-composition.js';
import {
  describeConfigError,
  readHostConfig,
  type HostConfig,
  type HostConfigError,
} from './config.js';

/** The passphrase of a passphrase-sealed key: systemd LoadCredential or the environment,
 * never a command-line argument that `ps` would show. */
export const PASSPHRASE_ENV = 'VECHE_KEY_PASSPHRASE';

/** A sealer that cannot seal or unseal, with the reason: the key stays unavailable. */
export function unavailableSealer(message: string): KeySealer {
  return {
    kind: 'passphrase',
    seal: () => Promise.resolve(err({ kind: 'unavailable', message })),
    unseal: () => Promise.resolve(err({ kind: 'unavailable', message })),
  };
}

/** The systemd credential carrying the kiosk key's passphrase on the appliance
 * (veche-host.service `LoadCredentialEncrypted=`; docs/keys.md). */
export const PASSPHRASE_CREDENTIAL = 'veche-kiosk-passphrase';

type Env = Readonly<Record<string, string | undefined>>;

/** The credential first (systemd put it in a private ramfs for this service alone), then the
 * environment. An unreadable credential is not fatal: the caller says the key is unavailable. */
export function passphraseOf(env: Env): string | undefined {
  const dir = env['CREDENTIALS_DIRECTORY'];
  if (dir !== undefined && dir !== '') {
    try {
      const p = readFileSync(join(dir, PASSPHRASE_CREDENTIAL), 'utf8').replace(/\r?\n$/, '');
      if (p !== '') return p;
    } catch {
      // Not passed to this service: the environment may still carry it (development).
    }
  }
  return env[PASSPHRASE_ENV];
}

export function trustFromConfig(configPath: string, env: Env): KioskTrust {
  return trustFromHostConfig(readHostConfig(configPath), env);
}

export function trustFromHostConfig(c: Result<HostConfig, HostConfigError>, env: Env): KioskTrust {
  if (!c.ok) {
    const reason = describeConfigError(c.error);
    return { kind: 'unavailable', reason, sealer: unavailableSealer(reason) };
  }
  const authorityKeys = c.value.authorityKeys.map((k) => fromHex(k));
  if (c.value.sealer === 'systemd-creds') {
    return { kind: 'configured', authorityKeys, sealer: createSystemdCredsSealer() };
  }
  const passphrase = passphraseOf(env);
  const sealer = passphrase === undefined ? null : createPassphraseSealer({ passphrase });
  if (sealer === null || !sealer.ok) {
    const reason =
      sealer === null
        ? `the kiosk key is passphrase-sealed: no credential ${PASSPHRASE_CREDENTIAL} and no ${PASSPHRASE_ENV}`
        : 'the passphrase is too short to be the kiosk passphrase';
    return { kind: 'unavailable', reason, sealer: unavailableSealer(reason) };
  }
  return { kind: 'configured', authorityKeys, sealer: sealer.value };
}
