// How a secret is protected at rest. The kiosk key file stores only what a sealer returned;
// which sealer the kiosk uses is the technician's choice at provisioning (docs/keys.md
// compares what a stolen disk reveals with each).
import type { Result } from '../../shared/result.js';

export type SealerKind = 'passphrase' | 'systemd-creds';

export type SealError = { readonly kind: 'unavailable'; readonly message: string };

export type UnsealError =
  /** Wrong passphrase, another machine's TPM/host key, or a tampered blob: indistinguishable
   * by design (an AEAD says only "not authentic"). */
  | { readonly kind: 'auth-failed' }
  /** Not a blob this sealer wrote (truncated, other format, parameters out of range). */
  | { readonly kind: 'malformed'; readonly message: string }
  /** The sealing facility itself is missing or failed (no systemd-creds, no TPM). */
  | { readonly kind: 'unavailable'; readonly message: string };

export interface KeySealer {
  readonly kind: SealerKind;
  /** `label` names the secret's role and is bound into the blob: a blob sealed for one role
   * cannot be unsealed as another. */
  seal(plaintext: Uint8Array, label: string): Promise<Result<Uint8Array, SealError>>;
  unseal(sealed: Uint8Array, label: string): Promise<Result<Uint8Array, UnsealError>>;
}

/** Labels are file-name-safe so systemd-creds can use them as credential names too. */
export const LABEL_RE = /^[a-z0-9][a-z0-9.-]{0,63}$/;
