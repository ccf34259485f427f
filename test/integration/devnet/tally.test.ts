// Tally at close through running validators: real ballots sealed by the demo kiosk, the
// window closes, guardians decrypt, and the validators verify the decryption proofs against
// the cast envelopes read back from their own chain stores. A forged count is refused.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  accumulateTally,
  combineDecryptions,
  encodePartialDecryptions,
  partialDecrypt,
  prepareBallot,
  sealBallot,
  verifyEnvelope,
  type SealedBallot,
} from '../../../src/ballot/index.js';
import { chainGenesis } from '../../../src/ballot/index.js';
import {
  encodeTx,
  key,
  signTx,
  type ElectionRecord,
  type TxBody,
} from '../../../src/devnet/app/index.js';
import { demoWorld, type DemoWorld } from '../../../src/devnet/world.js';
import { taggedHash, toHex } from '../../../src/protocol/hash.js';
import { must, testNet, type TestNet } from '../../unit/devnet-net/helpers.js';

let t: TestNet;
let world: DemoWorld;
const ELECTION = 'e-demo-referendum';
const WINDOW_S = 60;
const nowS = () => Math.floor(t.clock.now() / 1000);

beforeAll(async () => {
  t = testNet();
  world = demoWorld('tally-world', t.net.authority, nowS(), WINDOW_S / 86_400);
  for (const tx of world.txs) expect(t.net.submit(tx, 1).ok).toBe(true);
  await t.until(3);
});

afterAll(() => t?.close());

function ballotTx(sealed: SealedBallot): Uint8Array {
  return encodeTx({
    body: {
      kind: 'ballot',
      electionId: ELECTION,
      kioskId: world.kiosk.kioskId,
      nullifier: sealed.envelope.nullifier,
      ballotId: sealed.ballotId,
      envelope: sealed.signed.bytes,
    },
    signature: sealed.signed.signature,
  });
}

describe('tally at close on the running devnet', () => {
  it('accepts the honest tally with decryption proofs and refuses a forged count', async () => {
    const e = must(world.elections.find((x) => x.electionId === ELECTION));
    // Three voters: yes, no, yes.
    const picks = [[[1, 0]], [[0, 1]], [[1, 0]]] as const;
    const sealed: SealedBallot[] = [];
    let chainPrev = chainGenesis(world.kiosk.kioskId);
    picks.forEach((choices, i) => {
      const r = sealBallot({
        ctx: e.ctx,
        prepared: prepareBallot(e.ctx, 'main'),
        choices: choices.map((c) => [...c]),
        nullifier: taggedHash('veche/test-nullifier', new TextEncoder().encode(`voter-${i}`)),
        kioskId: world.kiosk.kioskId,
        kioskSeq: i,
        chainPrev,
        now: nowS(),
        signer: world.kiosk.signer,
      });
      if (!r.ok) throw new Error(JSON.stringify(r.error));
      sealed.push(r.value);
      chainPrev = r.value.confirmationCode;
    });
    for (const s of sealed) expect(t.net.submit(ballotTx(s), 0).ok).toBe(true);
    const h = t.net.validator(0).committedHeight;
    await t.until(h + 2);
    for (const s of sealed) {
      expect(t.net.validator(2).ballotStatus(toHex(s.ballotId))?.kind).toBe('included');
    }

    // Past the window: the next block closes the election.
    await t.step((WINDOW_S + 2) * 1000);
    const electionKey = key.election(ELECTION);
    const stateNow = () => {
      const v = t.net.validator(0);
      return must(v.stateAt(v.committedHeight)).get(electionKey) as ElectionRecord | undefined;
    };
    await t.until(t.net.validator(0).committedHeight + 2);
    expect(stateNow()?.status).toBe('closed');

    // The guardians' side: decrypt the homomorphic sum with 2 of 3 shares.
    const verified = sealed.map((s) => {
      const v = verifyEnvelope(e.ctx, s.signed, world.kiosk.signer.publicKey);
      if (!v.ok) throw new Error(JSON.stringify(v.error));
      return v.value;
    });
    const sum = accumulateTally(e.ctx, verified, []);
    if (!sum.ok) throw new Error(JSON.stringify(sum.error));
    const partials = [0, 1].map((i) =>
      partialDecrypt(e.ctx, sum.value, must(e.guardians.secrets[i])),
    );
    const result = combineDecryptions(e.ctx, sum.value, partials);
    if (!result.ok) throw new Error(JSON.stringify(result.error));
    const honest = result.value.contests.map((c) => ({ contestId: c.contestId, totals: c.counts }));
    expect(honest[0]?.totals).toEqual([2, 1]);

    let seq = world.txs.length;
    const tally = (contests: typeof honest) =>
      encodeTx(
        signTx(
          {
            kind: 'tally',
            seq: ++seq,
            electionId: ELECTION,
            cast: sealed.length,
            contests,
            proofs: encodePartialDecryptions(partials),
          } as unknown as TxBody,
          t.net.authority,
        ),
      );

    // A forged count with the real proofs: refused at the mempool or in the block.
    const lie = honest.map((c) => ({ ...c, totals: [3, 0] }));
    const lied = t.net.submit(tally(lie), 0);
    await t.until(t.net.validator(0).committedHeight + 2);
    expect(stateNow()?.status).toBe('closed');
    // The validator's mempool runs the same tally verification and refuses it with the reason.
    expect(lied).toEqual({
      ok: false,
      error: { kind: 'rejected', rejection: { kind: 'tally-invalid', reason: 'result-mismatch' } },
    });

    // The honest tally (a seq above anything used) is verified and applied everywhere.
    expect(t.net.submit(tally(honest), 0).ok).toBe(true);
    await t.until(t.net.validator(0).committedHeight + 2);
    expect(stateNow()).toMatchObject({ status: 'tallied', cast: 3 });
    const other = t.net.validator(3);
    expect(must(other.stateAt(other.committedHeight)).get(electionKey)).toMatchObject({
      status: 'tallied',
    });
  });
});
