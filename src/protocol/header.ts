// Block headers, commits and light blocks: the shape CometBFT's light client verifies, so a
// CometBFT-backed network can later serve kiosks through an adapter. Everything hashed or
// signed is canonical CBOR (encodeCanonical's bytes, via the fast path in cbor-record.ts)
// under a TAG, never JSON or ad-hoc concatenation.
import { z } from 'zod';
import { bytesSchema, Hash32Schema } from './bytes.js';
import { recordEncoder } from './cbor-record.js';
import { PUBLIC_KEY_SIZE, SIGNATURE_SIZE, type Ed25519Signer } from './ed25519.js';
import { encodeCanonical } from './encoding.js';
import { TAG, taggedHash } from './hash.js';
import { MAX_VALIDATORS, ValidatorSetSchema } from './validators.js';

export const ChainIdSchema = z.string().regex(/^[a-z0-9][a-z0-9._-]{0,49}$/, 'bad chain id');
export const HeightSchema = z.int().positive();
/** Milliseconds since the Unix epoch, like Clock.now(). */
export const TimeSchema = z.int().nonnegative();

export const HeaderSchema = z.strictObject({
  chainId: ChainIdSchema,
  height: HeightSchema,
  time: TimeSchema,
  /** headerHash of height - 1; 32 zero bytes at the first height. */
  lastBlockId: Hash32Schema,
  /** RFC 6962 root over the block's transactions (ballot envelopes). */
  dataHash: Hash32Schema,
  validatorsHash: Hash32Schema,
  nextValidatorsHash: Hash32Schema,
  /** Root of the keyed state tree after executing the previous block (state-tree.ts). */
  appHash: Hash32Schema,
});
export type Header = z.infer<typeof HeaderSchema>;

/** lastBlockId of the first block. */
export const GENESIS_LAST_BLOCK_ID: Uint8Array = new Uint8Array(32);

// Byte-identical to encodeCanonical of the same record (cbor-record.ts; tests check).
const encodeHeaderRecord = recordEncoder([
  'chainId',
  'height',
  'time',
  'lastBlockId',
  'dataHash',
  'validatorsHash',
  'nextValidatorsHash',
  'appHash',
]);
const encodeVoteRecord = recordEncoder(['chainId', 'height', 'round', 'blockId']);

/** The canonical CBOR of a header (only its eight fields, whatever else the object has). */
export function encodeHeader(h: Header): Uint8Array {
  return encodeHeaderRecord(h);
}

/** The block id: taggedHash(TAG.headerHash, canonical header). */
export function headerHash(h: Header): Uint8Array {
  return taggedHash(TAG.headerHash, encodeHeader(h));
}

export const CommitSigSchema = z.strictObject({
  pubKey: bytesSchema(PUBLIC_KEY_SIZE),
  signature: bytesSchema(SIGNATURE_SIZE),
});
export type CommitSig = z.infer<typeof CommitSigSchema>;

/**
 * The precommits for one block. Signatures name their signer by public key, not by index:
 * the same commit is counted against two different sets when skipping, and a key missing
 * from a set simply carries no power there. Absent validators are just not listed.
 */
export const CommitSchema = z.strictObject({
  height: HeightSchema,
  round: z
    .int()
    .nonnegative()
    .max(2 ** 31),
  blockId: Hash32Schema,
  signatures: z.array(CommitSigSchema).max(MAX_VALIDATORS),
});
export type Commit = z.infer<typeof CommitSchema>;

/**
 * What a validator signs: a 32-byte digest over the canonical vote, domain-separated by
 * TAG.headerVote, so a vote can never be replayed as any other signed object of the kiosk,
 * nor on another chain, height or round.
 */
export function voteSignBytes(
  chainId: string,
  height: number,
  round: number,
  blockId: Uint8Array,
): Uint8Array {
  return taggedHash(TAG.headerVote, encodeVoteRecord({ chainId, height, round, blockId }));
}

/**
 * Domain tag of the consensus messages that are not commit signatures (proposals, prevotes,
 * nil precommits). Distinct from TAG.headerVote, so none of them can ever be counted as a
 * commit signature by a light client; only a precommit for a block signs voteSignBytes.
 */
export const CONSENSUS_MSG_TAG = TAG.consensusMsg;

/** What a consensus message other than a block precommit signs (see consensusSignBytes). */
export type ConsensusSigned =
  | { type: 'proposal'; height: number; round: number; blockId: Uint8Array; validRound: number }
  | { type: 'prevote'; height: number; round: number; blockId: Uint8Array | null }
  | { type: 'precommit-nil'; height: number; round: number };

/**
 * Sign bytes of a proposal, a prevote (for a block or nil) or a nil precommit: a digest over
 * the canonical record, with the message type inside it so no kind can stand for another.
 */
export function consensusSignBytes(chainId: string, m: ConsensusSigned): Uint8Array {
  const record = {
    chainId,
    type: m.type,
    height: m.height,
    round: m.round,
    blockId: m.type === 'precommit-nil' ? null : m.blockId,
    validRound: m.type === 'proposal' ? m.validRound : null,
  };
  return taggedHash(CONSENSUS_MSG_TAG, encodeCanonical(record));
}

export const SignedHeaderSchema = z.strictObject({ header: HeaderSchema, commit: CommitSchema });
export type SignedHeader = z.infer<typeof SignedHeaderSchema>;

/** A signed header with the sets its hashes commit to: everything a light client needs. */
export const LightBlockSchema = z.strictObject({
  header: HeaderSchema,
  commit: CommitSchema,
  validatorSet: ValidatorSetSchema,
  nextValidatorSet: ValidatorSetSchema,
});
export type LightBlock = z.infer<typeof LightBlockSchema>;

/** Signs a commit for `header` with each signer (devnet and tests). */
export function signCommit(header: Header, signers: readonly Ed25519Signer[], round = 0): Commit {
  const blockId = headerHash(header);
  const msg = voteSignBytes(header.chainId, header.height, round, blockId);
  return {
    height: header.height,
    round,
    blockId,
    signatures: signers.map((s) => ({ pubKey: s.publicKey, signature: s.sign(msg) })),
  };
}
