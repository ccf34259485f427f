// How the kiosk's stored ballots become the devnet's transactions: a cast ballot is its
// signed envelope as a `ballot` tx; a challenged one carries envelope and reveal, signed with
// the reveal's signature (the app reuses the ballot module's signatures unchanged). Lives with
// the demo composition while the transaction format is the devnet's own.
import { z } from 'zod';
import { decodeEnvelope, decodeSignedEnvelope } from '../ballot/index.js';
import { encodeTx } from '../devnet/app/index.js';
import { decodeCanonical } from '../protocol/encoding.js';
import type { PendingBallot } from '../store/index.js';

const bytes = z.custom<Uint8Array>((b) => b instanceof Uint8Array);
const ChallengedSchema = z.strictObject({
  envelope: bytes,
  signature: bytes,
  reveal: bytes,
  revealSignature: bytes,
});

/** Throws on bytes the kiosk itself did not write: the store holds only what it sealed. */
export function devnetTxOf(b: PendingBallot): Uint8Array {
  if (b.kind === 'cast') {
    const signed = decodeSignedEnvelope(b.envelope);
    if (!signed.ok) throw new Error(`stored ballot ${b.kioskSeq} is not a signed envelope`);
    const env = decodeEnvelope(signed.value.bytes);
    if (!env.ok) throw new Error(`stored ballot ${b.kioskSeq} has a malformed envelope`);
    return encodeTx({
      body: {
        kind: 'ballot',
        electionId: env.value.electionId,
        kioskId: env.value.kioskId,
        nullifier: env.value.nullifier,
        ballotId: b.ballotId,
        envelope: signed.value.bytes,
      },
      signature: signed.value.signature,
    });
  }
  const raw = decodeCanonical(b.envelope);
  const c = raw.ok ? ChallengedSchema.safeParse(raw.value) : undefined;
  if (c === undefined || !c.success) throw new Error(`stored challenge ${b.kioskSeq} is malformed`);
  const env = decodeEnvelope(c.data.envelope);
  if (!env.ok) throw new Error(`stored challenge ${b.kioskSeq} has a malformed envelope`);
  return encodeTx({
    body: {
      kind: 'ballot-challenge',
      electionId: env.value.electionId,
      kioskId: env.value.kioskId,
      ballotId: b.ballotId,
      envelope: c.data.envelope,
      reveal: c.data.reveal,
    },
    signature: c.data.revealSignature,
  });
}
