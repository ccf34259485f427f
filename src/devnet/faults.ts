// Fault switches: how a devnet validator misbehaves on purpose, so the kiosk's light node
// can be tested against every failure DESIGN §5 names. Consensus reads `stalled` and
// `clockSkewMs`; the light-node server (rpc.ts) reads the serving faults; forged and
// byzantine light blocks are built by the helpers below. Crash/restart and validator-set
// rotation are operations on the devnet handle (devnet.ts), not switches.
import { z } from 'zod';
import { call } from '../net/reqres.js';
import type { NetNode } from '../net/node.js';
import { defineProtocol } from '../net/protocol.js';
import type { NetError } from '../net/errors.js';
import { bytesSchema, Hash32Schema } from '../protocol/bytes.js';
import { encodeCanonical, type Canonical } from '../protocol/encoding.js';
import { verifyEd25519, type Ed25519Signer } from '../protocol/ed25519.js';
import { TAG, taggedHash } from '../protocol/hash.js';
import type { Result } from '../shared/result.js';
import { signCommit, type Header, type LightBlock } from '../protocol/header.js';
import type { InclusionProof } from '../protocol/merkle.js';
import { makeValidatorSet, validatorSetHash, type ValidatorSet } from '../protocol/validators.js';

export interface FaultSwitches {
  /** Neither proposes nor votes (still up, still serves). Others time out past it. */
  stalled: boolean;
  /** Added to the validator's clock when it stamps or checks header times. */
  clockSkewMs: number;
  /** Serves light blocks whose header was altered after signing (appHash flipped). */
  forgeHeaders: boolean;
  /** Serves inclusion proofs with a corrupted audit path. */
  badProofs: boolean;
  /** Accepts submissions but answers with an error instead of the receipt. */
  dropReceipts: boolean;
}

export const NO_FAULTS: Readonly<FaultSwitches> = Object.freeze({
  stalled: false,
  clockSkewMs: 0,
  forgeHeaders: false,
  badProofs: false,
  dropReceipts: false,
});

export const noFaults = (): FaultSwitches => ({ ...NO_FAULTS });

function flipFirstByte(b: Uint8Array): Uint8Array {
  const out = b.slice();
  out[0] = (out[0] as number) ^ 0xff;
  return out;
}

/** A forged header: the honest commit, but the header says another appHash. */
export function forgeLightBlock(block: LightBlock): LightBlock {
  return { ...block, header: { ...block.header, appHash: flipFirstByte(block.header.appHash) } };
}

/** An inclusion proof that cannot verify (first sibling changed; the index kept). */
export function corruptProof(proof: InclusionProof): InclusionProof {
  const [first, ...rest] = proof.path;
  if (first === undefined) {
    // A single-leaf tree has no path: claim a larger tree instead.
    return { ...proof, size: proof.size + 1, path: [new Uint8Array(32)] };
  }
  return { ...proof, path: [flipFirstByte(first), ...rest] };
}

/**
 * A conflicting light block for `honest`'s height, signed by `byzantine` (the keys of
 * validators that misbehave). Its appHash differs. When `ownSet` is true the header names
 * a validator set of just the byzantine keys (the light-client attack: with >= 1/3 of the
 * trusted power they pass the skipping check, and > 2/3 of "their" set); otherwise it keeps
 * the honest set, so it needs > 2/3 of the honest set's power to verify.
 */
export function conflictingLightBlock(
  honest: LightBlock,
  byzantine: readonly Ed25519Signer[],
  ownSet: boolean,
): LightBlock {
  const set: ValidatorSet = ownSet
    ? makeValidatorSet(byzantine.map((s) => ({ pubKey: s.publicKey, power: 1 })))
    : honest.validatorSet;
  const nextSet = ownSet ? set : honest.nextValidatorSet;
  const header: Header = {
    ...honest.header,
    appHash: Hash32Schema.parse(flipFirstByte(honest.header.appHash)),
    validatorsHash: validatorSetHash(set),
    nextValidatorsHash: validatorSetHash(nextSet),
  };
  return {
    header,
    commit: signCommit(header, byzantine),
    validatorSet: set,
    nextValidatorSet: nextSet,
  };
}

// ---- /veche/devnet-admin/1: the switches of a validator running as its own process -------
// Only the devnet authority may flip them (a kiosk on the same network must not be able to
// stall a validator). The body names the chain and the validator, and carries a nonce that
// must grow, so a captured request cannot be replayed; it is signed like the authority's
// other devnet messages (tagged hash of the canonical body).

const DAY_MS = 24 * 3600 * 1000;

export const FaultPatchSchema = z.strictObject({
  stalled: z.boolean().optional(),
  clockSkewMs: z.int().min(-DAY_MS).max(DAY_MS).optional(),
  forgeHeaders: z.boolean().optional(),
  badProofs: z.boolean().optional(),
  dropReceipts: z.boolean().optional(),
});
export type FaultPatch = z.infer<typeof FaultPatchSchema>;

const AdminBodySchema = z.strictObject({
  kind: z.literal('devnet-faults'),
  chainId: z.string().min(1).max(64),
  validator: z.int().min(0).max(63),
  nonce: z.int().min(1).max(Number.MAX_SAFE_INTEGER),
  switches: FaultPatchSchema,
});
export type AdminBody = z.infer<typeof AdminBodySchema>;

const SwitchesSchema = z.strictObject({
  stalled: z.boolean(),
  clockSkewMs: z.int(),
  forgeHeaders: z.boolean(),
  badProofs: z.boolean(),
  dropReceipts: z.boolean(),
});

export const ADMIN_PROTOCOL = defineProtocol({
  id: '/veche/devnet-admin/1',
  request: z.strictObject({ body: AdminBodySchema, signature: bytesSchema(64) }),
  response: z.discriminatedUnion('status', [
    z.strictObject({ status: z.literal('ok'), switches: SwitchesSchema }),
    z.strictObject({
      status: z.literal('refused'),
      reason: z.enum(['bad-signature', 'wrong-chain', 'wrong-validator', 'stale-nonce']),
    }),
  ]),
  maxRequestBytes: 1024,
  maxResponseBytes: 1024,
  rateLimit: { burst: 10, perSecond: 5, maxConcurrent: 1 },
});
export type AdminRequest = z.infer<typeof ADMIN_PROTOCOL.request>;
export type AdminResponse = z.infer<typeof ADMIN_PROTOCOL.response>;

export const adminMessage = (body: AdminBody): Uint8Array =>
  taggedHash(TAG.devnetTx, encodeCanonical(body as unknown as Canonical));

/** The validator's side: checks the request and, if it holds, patches `faults`. */
export function adminHandler(o: {
  chainId: string;
  validator: number;
  authority: Uint8Array;
  faults: FaultSwitches;
  onChange?: (patch: FaultPatch) => void;
}): (req: AdminRequest) => AdminResponse {
  let lastNonce = 0;
  return (req) => {
    if (!verifyEd25519(o.authority, adminMessage(req.body), req.signature)) {
      return { status: 'refused', reason: 'bad-signature' };
    }
    if (req.body.chainId !== o.chainId) return { status: 'refused', reason: 'wrong-chain' };
    if (req.body.validator !== o.validator) {
      return { status: 'refused', reason: 'wrong-validator' };
    }
    if (req.body.nonce <= lastNonce) return { status: 'refused', reason: 'stale-nonce' };
    lastNonce = req.body.nonce;
    const p = req.body.switches;
    if (p.stalled !== undefined) o.faults.stalled = p.stalled;
    if (p.clockSkewMs !== undefined) o.faults.clockSkewMs = p.clockSkewMs;
    if (p.forgeHeaders !== undefined) o.faults.forgeHeaders = p.forgeHeaders;
    if (p.badProofs !== undefined) o.faults.badProofs = p.badProofs;
    if (p.dropReceipts !== undefined) o.faults.dropReceipts = p.dropReceipts;
    o.onChange?.(p);
    return { status: 'ok', switches: { ...o.faults } };
  };
}

/** The authority's side: sets switches of validator `validator` at `addr`. */
export function setRemoteFaults(
  node: NetNode,
  addr: string,
  o: { chainId: string; validator: number; nonce: number; switches: FaultPatch },
  authority: Ed25519Signer,
): Promise<Result<AdminResponse, NetError>> {
  const body: AdminBody = { kind: 'devnet-faults', ...o };
  return call(node, addr, ADMIN_PROTOCOL, { body, signature: authority.sign(adminMessage(body)) });
}
