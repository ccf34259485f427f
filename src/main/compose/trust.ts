// The kiosk's trust from the host configuration: the pinned authority keys and the sealer
// the configuration names. A missing configuration or passphrase is not fatal: the host
// starts, and provisioning says why it cannot proceed (docs/composition.md).
import { fromHex } from '../../protocol/hash.js';
import { err } from '../../shared/result.js';
import { createPassphraseSealer, createSystemdCredsSealer, type KeySealer } from '../keys/index.js';
import type { KioskTrust } from '../kiosk-composition.js';
import { describeConfigError, readHostConfig } from './config.js';

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

export function trustFromConfig(
  configPath: string,
  env: Readonly<Record<string, string | undefined>>,
): KioskTrust {
  const c = readHostConfig(configPath);
  if (!c.ok) {
    const reason = describeConfigError(c.error);
    return { kind: 'unavailable', reason, sealer: unavailableSealer(reason) };
  }
  const authorityKeys = c.value.authorityKeys.map((k) => fromHex(k));
  if (c.value.sealer === 'systemd-creds') {
    return { kind: 'configured', authorityKeys, sealer: createSystemdCredsSealer() };
  }
  const passphrase = env[PASSPHRASE_ENV];
  const sealer = passphrase === undefined ? null : createPassphraseSealer({ passphrase });
  if (sealer === null || !sealer.ok) {
    const reason =
      sealer === null
        ? `the kiosk key is passphrase-sealed: set ${PASSPHRASE_ENV}`
        : 'the passphrase is too short to be the kiosk passphrase';
    return { kind: 'unavailable', reason, sealer: unavailableSealer(reason) };
  }
  return { kind: 'configured', authorityKeys, sealer: sealer.value };
}
