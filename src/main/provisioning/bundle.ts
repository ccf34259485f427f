// Verifying the authority-signed provisioning bundle. Order matters: the signature against a
// pinned authority key comes first, so nothing in an unsigned blob is ever interpreted beyond
// the outer envelope; then the shape; then that it names this kiosk and this enrollment; then
// that the roll secret opens (a bundle that imports must be a bundle that works).
import { decodeCanonical, encodeCanonical } from '../../protocol/encoding.js';
import { verifyEd25519, type Ed25519Signer } from '../../protocol/ed25519.js';
import { taggedHash } from '../../protocol/hash.js';
import { equalBytes } from '../../protocol/bytes.js';
import { err, ok, type Result } from '../../shared/result.js';
import type { KioskKeys } from '../keys/kiosk-key.js';
import { openSealedBox } from './sealed-box.js';
import {
  BUNDLE_FORMAT_V1,
  ProvisioningBundleSchema,
  SIG_TAG,
  SIGNED_BUNDLE_FORMAT,
  SignedBundleSchema,
  type ProvisioningBundle,
} from './schemas.js';

export type BundleError =
  | { readonly kind: 'malformed'; readonly message: string }
  | { readonly kind: 'untrusted-authority' }
  | { readonly kind: 'bad-signature' }
  | { readonly kind: 'invalid'; readonly fields: readonly string[] }
  /** A correctly signed bundle of a format this kiosk no longer reads (v1 lacks the roll
   * parameters, so a kiosk provisioned from it could never vote): the authority re-issues. */
  | { readonly kind: 'unsupported-format'; readonly format: string }
  /** The bundle is for another kiosk key. */
  | { readonly kind: 'wrong-kiosk' }
  /** The bundle answers another (older) enrollment, or there is no enrollment pending. */
  | { readonly kind: 'stale-nonce' }
  | { readonly kind: 'roll-secret-unreadable' };

export interface VerifiedBundle {
  readonly bundle: ProvisioningBundle;
  readonly authorityKey: Uint8Array;
  /** In memory only; persisted solely inside the sealed box. */
  readonly rollSecret: Uint8Array;
}

/** The authority's side: sign a bundle (used by the authority tool and the test authority). */
export function signBundle(bundle: ProvisioningBundle, authority: Ed25519Signer): Uint8Array {
  const bytes = encodeCanonical(ProvisioningBundleSchema.parse(bundle));
  return encodeCanonical({
    format: SIGNED_BUNDLE_FORMAT,
    bundle: bytes,
    authorityKey: authority.publicKey,
    signature: authority.sign(taggedHash(SIG_TAG.bundle, bytes)),
  });
}

export function verifyBundle(
  signedBytes: Uint8Array,
  opts: {
    /** Pinned in the image/config; never taken from the bundle itself. */
    authorityKeys: readonly Uint8Array[];
    kiosk: Pick<KioskKeys, 'signingKey' | 'boxKey' | 'agree'>;
    /** The pending enrollment's nonce; null when re-checking an already imported record. */
    expectedNonce: Uint8Array | null;
  },
): Result<VerifiedBundle, BundleError> {
  const outer = decodeCanonical(signedBytes);
  if (!outer.ok) return err({ kind: 'malformed', message: outer.error.kind });
  const signed = SignedBundleSchema.safeParse(outer.value);
  if (!signed.success) return err({ kind: 'malformed', message: 'not a signed bundle' });
  const { bundle: bytes, authorityKey, signature } = signed.data;
  if (!opts.authorityKeys.some((k) => equalBytes(k, authorityKey))) {
    return err({ kind: 'untrusted-authority' });
  }
  if (!verifyEd25519(authorityKey, taggedHash(SIG_TAG.bundle, bytes), signature)) {
    return err({ kind: 'bad-signature' });
  }
  const inner = decodeCanonical(bytes);
  if (!inner.ok) return err({ kind: 'malformed', message: inner.error.kind });
  const format = formatOf(inner.value);
  if (format === BUNDLE_FORMAT_V1) return err({ kind: 'unsupported-format', format });
  const parsed = ProvisioningBundleSchema.safeParse(inner.value);
  if (!parsed.success) {
    return err({
      kind: 'invalid',
      fields: parsed.error.issues.map((i) => i.path.map(String).join('.') || '$'),
    });
  }
  const bundle = parsed.data;
  if (
    !equalBytes(bundle.kiosk.signingKey, opts.kiosk.signingKey) ||
    !equalBytes(bundle.kiosk.boxKey, opts.kiosk.boxKey)
  ) {
    return err({ kind: 'wrong-kiosk' });
  }
  if (
    opts.expectedNonce !== null &&
    !equalBytes(bundle.kiosk.enrollmentNonce, opts.expectedNonce)
  ) {
    return err({ kind: 'stale-nonce' });
  }
  const secret = openSealedBox(bundle.rollSecret, opts.kiosk, {
    chainId: bundle.chainId,
    kioskSigningKey: bundle.kiosk.signingKey,
    enrollmentNonce: bundle.kiosk.enrollmentNonce,
  });
  if (!secret.ok) return err({ kind: 'roll-secret-unreadable' });
  return ok({ bundle, authorityKey, rollSecret: secret.value });
}

function formatOf(v: unknown): string | undefined {
  if (typeof v !== 'object' || v === null || !('format' in v)) return undefined;
  return typeof v.format === 'string' ? v.format : undefined;
}
