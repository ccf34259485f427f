// The devnet's consensus messages and stored blocks. Everything that crosses a process
// boundary has a zod schema and travels as canonical CBOR (decodeWire), like every other
// wire type of the kiosk.
import { z } from 'zod';
import { bytesSchema, Hash32Schema } from '../../protocol/bytes.js';
import { PUBLIC_KEY_SIZE, SIGNATURE_SIZE, type Ed25519Signer } from '../../protocol/ed25519.js';
import {
  CommitSchema,
  consensusSignBytes,
  HeaderSchema,
  headerHash,
  HeightSchema,
} from '../../protocol/header.js';
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

/** A round that has not happened: a proposal's validRound when it carries no earlier POL. */
export const NO_ROUND = -1;
const ValidRoundSchema = z.int().min(NO_ROUND).max(10_000);
/** Most prevotes a proposal relays as its proof of lock (a devnet set is far smaller). */
export const MAX_POL_VOTES = 256;

// A vote names a block by its id or, with null, votes nil. A precommit for a block signs
// voteSignBytes (it is a commit signature); every other vote signs consensusSignBytes.
const voteFields = {
  height: HeightSchema,
  round: RoundSchema,
  blockId: Hash32Schema.nullable(),
  pubKey: bytesSchema(PUBLIC_KEY_SIZE),
  signature: bytesSchema(SIGNATURE_SIZE),
};

export const PrevoteSchema = z.strictObject({ kind: z.literal('prevote'), ...voteFields });
export type Prevote = z.infer<typeof PrevoteSchema>;

export const PrecommitSchema = z.strictObject({ kind: z.literal('precommit'), ...voteFields });
export type Precommit = z.infer<typeof PrecommitSchema>;

export type Vote = Prevote | Precommit;

/**
 * Proposal(h, r, block, validRound), signed by proposerOf(h, r) over consensusSignBytes.
 * With validRound >= 0 it re-proposes a block that had > 2/3 prevotes in that round and
 * relays those prevotes (`pol`), so a validator that missed them can still check the rule.
 */
export const ProposalSchema = z.strictObject({
  kind: z.literal('proposal'),
  round: RoundSchema,
  validRound: ValidRoundSchema,
  header: HeaderSchema,
  txs: z.array(TxBytesSchema).max(MAX_BLOCK_TXS),
  pol: z.array(PrevoteSchema).max(MAX_POL_VOTES),
  pubKey: bytesSchema(PUBLIC_KEY_SIZE),
  signature: bytesSchema(SIGNATURE_SIZE),
});
export type Proposal = z.infer<typeof ProposalSchema>;

/** A proposal for (header, txs) in `round`, signed by `signer` (the round's proposer). */
export function signProposal(
  signer: Ed25519Signer,
  p: Pick<Proposal, 'round' | 'validRound' | 'header' | 'txs' | 'pol'>,
): Proposal {
  const { header } = p;
  return {
    kind: 'proposal',
    ...p,
    pubKey: signer.publicKey,
    signature: signer.sign(
      consensusSignBytes(header.chainId, {
        type: 'proposal',
        height: header.height,
        round: p.round,
        blockId: headerHash(header),
        validRound: p.validRound,
      }),
    ),
  };
}

/** A transaction relayed to the other validators' mempools. */
export const TxGossipSchema = z.strictObject({ kind: z.literal('tx'), tx: TxBytesSchema });

export const ConsensusMsgSchema = z.discriminatedUnion('kind', [
  ProposalSchema,
  PrevoteSchema,
  PrecommitSchema,
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
