// Wire shapes of provisioning, checked with zod after canonical CBOR decoding (so every byte
// string is a Uint8Array and every signed value has exactly one encoding). Formats carry a
// version in their `format` field; a new version is a new literal, never a silent change.
import { z } from 'zod';
import { bytesSchema } from '../../protocol/bytes.js';
import { ChainIdSchema } from '../../protocol/header.js';
import { CheckpointSchema } from '../../sync/light/types.js';
import { RosterSchema } from '../staff/roster.js';
import { SealedBoxSchema } from './sealed-box.js';

export const ENROLLMENT_FORMAT = 'veche/enrollment/v1';
export const SIGNED_ENROLLMENT_FORMAT = 'veche/signed-enrollment/v1';
/** v2 added `roll` (the roll's scrypt parameters); v1 bundles are refused (docs/staff.md). */
export const BUNDLE_FORMAT = 'veche/provisioning-bundle/v2';
export const BUNDLE_FORMAT_V1 = 'veche/provisioning-bundle/v1';
export const SIGNED_BUNDLE_FORMAT = 'veche/signed-provisioning-bundle/v1';
export const RECORD_FORMAT = 'veche/provisioning-record/v1';

/** Signature domains (taggedHash tags). Proposed for TAG in src/protocol/hash.ts. */
export const SIG_TAG = {
  enrollment: 'veche/enrollment-sig/v1',
  bundle: 'veche/provisioning-bundle-sig/v1',
} as const;

/** Unit, polling place and kiosk ids: identifier-shaped, like the store's ids. */
export const IdSchema = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._:-]{0,63}$/);
const TimeMsSchema = z.int().nonnegative();

export const EnrollmentRequestSchema = z.strictObject({
  format: z.literal(ENROLLMENT_FORMAT),
  signingKey: bytesSchema(32),
  boxKey: bytesSchema(32),
  unit: IdSchema,
  pollingPlace: IdSchema,
  nonce: bytesSchema(32),
  createdAt: TimeMsSchema,
});
export type EnrollmentRequest = z.infer<typeof EnrollmentRequestSchema>;

/** The request's canonical bytes and the kiosk's signature over them (proof it holds the key). */
export const SignedEnrollmentSchema = z.strictObject({
  format: z.literal(SIGNED_ENROLLMENT_FORMAT),
  request: bytesSchema(undefined, 4096),
  signature: bytesSchema(64),
});

export const ValidatorPeerSchema = z.strictObject({
  /** libp2p peer id (base58btc of an identity multihash); the sync module parses it fully. */
  peerId: z.string().regex(/^[1-9A-HJ-NP-Za-km-z]{40,64}$/),
  multiaddrs: z
    .array(z.string().regex(/^\/[\x21-\x7e]{1,255}$/))
    .min(1)
    .max(8),
});
export type ValidatorPeer = z.infer<typeof ValidatorPeerSchema>;

export const UnitParamsSchema = z.strictObject({
  unitId: IdSchema,
  pollingPlace: IdSchema,
  /** The id the chain registers this kiosk under (store kioskId, envelope kioskId). */
  kioskId: IdSchema,
  /** Staff are signed out after this much inactivity. */
  staffIdleTimeoutSec: z.int().min(30).max(3600),
});
export type UnitParams = z.infer<typeof UnitParamsSchema>;

/** Bounds on the roll's scrypt cost: below 2^10 a guess is too cheap; above 256 MiB of scrypt
 * memory (128·N·r) a kiosk could not derive a voter's key within a session. */
export const ROLL_SCRYPT_MAX_MEM = 256 * 1024 * 1024;
export const RollParamsSchema = z
  .strictObject({
    /** The scrypt salt; names the published roll (docs/protocol.md §10). */
    rollId: IdSchema,
    N: z
      .int()
      .min(1 << 10)
      .max(1 << 20)
      .refine((n) => (n & (n - 1)) === 0, 'N must be a power of two'),
    r: z.int().min(1).max(32),
    p: z.int().min(1).max(16),
  })
  .refine((x) => 128 * x.N * x.r <= ROLL_SCRYPT_MAX_MEM, {
    path: ['N'],
    message: 'the scrypt memory (128·N·r) exceeds 256 MiB',
  });
export type RollParamsWire = z.infer<typeof RollParamsSchema>;

export const ProvisioningBundleSchema = z
  .strictObject({
    format: z.literal(BUNDLE_FORMAT),
    chainId: ChainIdSchema,
    issuedAt: TimeMsSchema,
    kiosk: z.strictObject({
      signingKey: bytesSchema(32),
      boxKey: bytesSchema(32),
      enrollmentNonce: bytesSchema(32),
    }),
    unit: UnitParamsSchema,
    validators: z.array(ValidatorPeerSchema).min(1).max(64),
    checkpoint: CheckpointSchema,
    roster: RosterSchema,
    rollSecret: SealedBoxSchema,
    /** Public (the roll is published with them); signed with the rest of the bundle. */
    roll: RollParamsSchema,
  })
  .refine((b) => b.checkpoint.chainId === b.chainId, {
    path: ['checkpoint', 'chainId'],
    message: 'checkpoint is for another chain',
  });
export type ProvisioningBundle = z.infer<typeof ProvisioningBundleSchema>;

export const SignedBundleSchema = z.strictObject({
  format: z.literal(SIGNED_BUNDLE_FORMAT),
  bundle: bytesSchema(undefined, 1 << 20),
  authorityKey: bytesSchema(32),
  signature: bytesSchema(64),
});

export const RecordSchema = z.strictObject({
  format: z.literal(RECORD_FORMAT),
  /** The signed bundle exactly as imported: re-verified on every load. */
  signedBundle: bytesSchema(undefined, 1 << 20),
  importedAt: TimeMsSchema,
});
