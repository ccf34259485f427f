// The devnet's consensus messages and stored blocks. Everything that crosses a process
// boundary has a zod schema and travels as canonical CBOR (decodeWire), like every other
// wire type of the kiosk.
import { z } from 'zod';
import { bytesSchema, Hash32Schema } from '../../protocol/bytes.js';
import { PUBLIC_KEY_SIZE, SIGNATURE_SIZE } from '../../protocol/ed25519.js';
import { CommitSchema, HeaderSchema, HeightSchema } from '../../protocol/header.js';
import { ValidatorSetSchema } from '../../protocol/validators.js';

/** Most transactions in one block (bounds proposal size and execution time). */
export const MAX_BLOCK_TXS = 1000;
/** Largest transaction accepted into the mempool (a ballot envelope is well below). */
export const MAX_TX_BYTES = 512 * 1024;

export const RoundSchema = z.int().nonnegative().max(10_000);
const TxBytesSchema = bytesSchema(undefined, MAX_TX_BYTES);

/** A block: its header, the validators' commit, and the transactions dataHash covers. */
export const BlockSchema = z.strictObject({
  header: HeaderSchema,
  commit: CommitSchema,
  txs: z.array(TxBytesSchema).max(MAX_BLOCK_TXS),
});
export type Block = z.infer<typeof BlockSchema>;

export const ProposalSchema = z.strictObject({
  kind: z.literal('proposal'),
  round: RoundSchema,
  header: HeaderSchema,
  txs: z.array(TxBytesSchema).max(MAX_BLOCK_TXS),
  /** The proposer's signature over voteSignBytes of the block: its own vote. */
  pubKey: bytesSchema(PUBLIC_KEY_SIZE),
  signature: bytesSchema(SIGNATURE_SIZE),
});
export type Proposal = z.infer<typeof ProposalSchema>;

export const VoteSchema = z.strictObject({
  kind: z.literal('vote'),
  height: HeightSchema,
  round: RoundSchema,
  blockId: Hash32Schema,
  pubKey: bytesSchema(PUBLIC_KEY_SIZE),
  signature: bytesSchema(SIGNATURE_SIZE),
});
export type Vote = z.infer<typeof VoteSchema>;

/** A transaction relayed to the other validators' mempools. */
export const TxGossipSchema = z.strictObject({ kind: z.literal('tx'), tx: TxBytesSchema });

export const ConsensusMsgSchema = z.discriminatedUnion('kind', [
  ProposalSchema,
  VoteSchema,
  TxGossipSchema,
]);
export type ConsensusMsg = z.infer<typeof ConsensusMsgSchema>;

/**
 * A devnet validator-set change: authority-signed (the app's authority key), carried as a
 * block transaction. Included in block h, it takes effect at h + 2 (header h + 1 announces
 * it in nextValidatorsHash), as CometBFT's EndBlock updates do.
 */
export const ValidatorUpdateBodySchema = z.strictObject({
  kind: z.literal('devnet-validator-set'),
  /** Distinguishes otherwise equal updates (a set may be restored later). */
  nonce: z.int().nonnegative().max(Number.MAX_SAFE_INTEGER),
  validatorSet: ValidatorSetSchema,
});
export type ValidatorUpdateBody = z.infer<typeof ValidatorUpdateBodySchema>;

export const ValidatorUpdateTxSchema = z.strictObject({
  validatorUpdate: ValidatorUpdateBodySchema,
  signature: bytesSchema(SIGNATURE_SIZE),
});
export type ValidatorUpdateTx = z.infer<typeof ValidatorUpdateTxSchema>;

/** What the devnet is started from; identical on every validator. */
export const GenesisSchema = z.strictObject({
  chainId: z.string(),
  /** Lower bound for the first header's time, ms. */
  time: z.int().nonnegative(),
  validatorSet: ValidatorSetSchema,
  authority: bytesSchema(PUBLIC_KEY_SIZE),
});
export type Genesis = z.infer<typeof GenesisSchema>;
