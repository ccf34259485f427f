// The kiosk key's public surface: the host imports from here.
export { createPassphraseSealer, MIN_PASSPHRASE_LENGTH } from './passphrase-sealer.js';
export { createSystemdCredsSealer, systemdCredsAvailable } from './systemd-creds-sealer.js';
export type { KeySealer, SealerKind, SealError, UnsealError } from './sealer.js';
export {
  createKioskKey,
  loadKioskKey,
  readKioskKeyInfo,
  wipeKioskKey,
  keyFingerprint,
  KIOSK_KEY_FILE,
  type KioskKeys,
  type KioskKeyInfo,
  type KioskKeyError,
} from './kiosk-key.js';
export { SEALING_COST, PIN_COST, CARD_COST, TEST_COST, type ScryptCost } from './kdf.js';
export { writeFileAtomic, readFileIfExists, wipeFile, type FileError } from './atomic-file.js';
