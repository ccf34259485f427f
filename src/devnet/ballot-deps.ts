// The app's verifiers (AppDeps) backed by the real ballot module, for one validator: the
// devnet checks every ballot's proofs, opens every challenge, and verifies every tally's
// decryption proofs against the cast envelopes, exactly as a public verifier would.
// Envelopes live in the blocks (dataHash), not in the app state, so the tally check reads
// them back from this validator's own chain store.
import { toHex } from '../protocol/hash.js';
import { ballotVerifiers, decodeTx, type AppDeps } from './app/index.js';
import type { ChainStore } from './consensus/store.js';

/** The envelope of a ballot this validator included, or undefined. */
export function envelopeFromChain(
  store: Pick<ChainStore, 'ballotStatus' | 'block'>,
  electionId: string,
  ballotId: Uint8Array,
): Uint8Array | undefined {
  const status = store.ballotStatus(toHex(ballotId));
  if (status?.kind !== 'included') return undefined;
  const txBytes = store.block(status.height)?.txs[status.index];
  if (txBytes === undefined) return undefined;
  const tx = decodeTx(txBytes);
  if (!tx.ok || tx.value.body.kind !== 'ballot' || tx.value.body.electionId !== electionId) {
    return undefined;
  }
  return tx.value.body.envelope;
}

export function ballotModuleDeps(store: Pick<ChainStore, 'ballotStatus' | 'block'>): AppDeps {
  return ballotVerifiers({
    envelopeOf: (electionId, ballotId) => envelopeFromChain(store, electionId, ballotId),
  });
}
