import { describe, expect, it } from 'vitest';
import { key, signTx, type ElectionRecord, type TxOutcome } from '../../../src/devnet/app/index.js';
import { TAG, taggedHash } from '../../../src/protocol/hash.js';
import {
  acceptingDeps,
  ballotTx,
  bytes32,
  Chain,
  challengeTx,
  DAY,
  electionBody,
  envelope,
  expectOk,
  expectRejected,
  rejectingDeps,
  signer,
  windowFrom,
  withUnit,
} from './harness.js';

function setup() {
  const chain = new Chain();
  const u = withUnit(chain, 'village');
  expectOk(chain.one(chain.auth(electionBody(chain, 'e1', 'village', { kind: 'general' }))));
  return { chain, ...u };
}

describe('ballot acceptance', () => {
  it('accepts a valid ballot: nullifier and ballot recorded, election counts it', () => {
    const { chain, kiosk, kioskId } = setup();
    const n = bytes32('voter-1');
    const tx = ballotTx('e1', kioskId, kiosk, n);
    expectOk(chain.one(tx));
    expect(chain.get(key.nullifier('e1', n))).toMatchObject({
      kioskId,
      ballotId: tx.body.kind === 'ballot' ? tx.body.ballotId : null,
    });
    expect(chain.get<ElectionRecord>(key.election('e1')).cast).toBe(1);
  });

  it('rejects a ballot from an unregistered kiosk', () => {
    const { chain } = setup();
    const rogue = signer('rogue');
    expectRejected(chain.one(ballotTx('e1', 'k-rogue', rogue, bytes32('v'))), 'unregistered-kiosk');
  });

  it('rejects a ballot signed by another key than the kiosk’s', () => {
    const { chain, kioskId } = setup();
    expectRejected(
      chain.one(ballotTx('e1', kioskId, signer('impostor'), bytes32('v'))),
      'bad-signature',
    );
  });

  it('rejects a ballot whose envelope was changed after signing', () => {
    const { chain, kiosk, kioskId } = setup();
    const tx = ballotTx('e1', kioskId, kiosk, bytes32('v'));
    if (tx.body.kind !== 'ballot') throw new Error();
    const other = envelope('e1', kioskId, bytes32('v'), 'tampered');
    const forged = {
      ...tx,
      body: { ...tx.body, envelope: other, ballotId: taggedHash(TAG.ballotId, other) },
    };
    expectRejected(chain.one(forged), 'bad-signature');
  });

  it('rejects a ballot from a kiosk of another unit', () => {
    const { chain } = setup();
    const town = withUnit(chain, 'town');
    expectRejected(
      chain.one(ballotTx('e1', town.kioskId, town.kiosk, bytes32('v'))),
      'kiosk-wrong-unit',
    );
  });

  it('rejects a ballot from a revoked kiosk', () => {
    const { chain, kiosk, kioskId } = setup();
    expectOk(chain.one(chain.auth({ kind: 'kiosk-revoke', kioskId })));
    expectRejected(chain.one(ballotTx('e1', kioskId, kiosk, bytes32('v'))), 'kiosk-revoked');
  });

  it('rejects ballots before the window opens and after it closes', () => {
    const chain = new Chain();
    const { kiosk, kioskId } = withUnit(chain);
    const w = { opens: chain.timeS + DAY, closes: chain.timeS + 2 * DAY };
    expectOk(chain.one(chain.auth(electionBody(chain, 'e1', 'village', { kind: 'general' }, w))));
    expectRejected(chain.one(ballotTx('e1', kioskId, kiosk, bytes32('early'))), 'outside-window');
    expectOk(chain.one(ballotTx('e1', kioskId, kiosk, bytes32('on-time')), w.opens));
    expectOk(chain.one(ballotTx('e1', kioskId, kiosk, bytes32('last-second')), w.closes - 1));
    const late = expectRejected(
      chain.one(ballotTx('e1', kioskId, kiosk, bytes32('late')), w.closes),
      'outside-window',
    );
    expect(late).toMatchObject({ now: w.closes, closes: w.closes });
    expect(chain.get<ElectionRecord>(key.election('e1')).status).toBe('closed');
  });

  it('rejects a ballot for an unknown election', () => {
    const { chain, kiosk, kioskId } = setup();
    expectRejected(chain.one(ballotTx('nope', kioskId, kiosk, bytes32('v'))), 'unknown-election');
  });

  it('first included wins: a later ballot with the same nullifier is rejected and recorded for staff', () => {
    const { chain, kiosk, kioskId } = setup();
    const n = bytes32('voter-1');
    const first = ballotTx('e1', kioskId, kiosk, n, 'first');
    const second = ballotTx('e1', kioskId, kiosk, n, 'second');
    const r = chain.block([first, second]);
    expectOk(r.outcomes[0] as TxOutcome);
    expectRejected(r.outcomes[1] as TxOutcome, 'duplicate-nullifier');
    if (second.body.kind !== 'ballot' || first.body.kind !== 'ballot') throw new Error();
    expect(chain.get(key.duplicate('e1', second.body.ballotId))).toMatchObject({
      kioskId,
      firstBallotId: first.body.ballotId,
    });
    expect(chain.get(key.ballot('e1', second.body.ballotId))).toBeUndefined();
    const e = chain.get<ElectionRecord>(key.election('e1'));
    expect([e.cast, e.duplicates]).toEqual([1, 1]);
    expect(r.notices.map((x) => x.event)).toContain('devnet.ballot.duplicate');
  });

  it('a resubmitted ballot is "already included", not a duplicate', () => {
    const { chain, kiosk, kioskId } = setup();
    const tx = ballotTx('e1', kioskId, kiosk, bytes32('v'));
    expectOk(chain.one(tx));
    expectRejected(chain.one(tx), 'already-included');
    expect(chain.state.list('duplicate/')).toEqual([]);
  });

  it('rejects a ballot whose ballotId is not the hash of its envelope', () => {
    const { chain, kiosk, kioskId } = setup();
    const env = envelope('e1', kioskId, bytes32('v'));
    const tx = signTx(
      {
        kind: 'ballot',
        electionId: 'e1',
        kioskId,
        nullifier: bytes32('v'),
        ballotId: bytes32('x'),
        envelope: env,
      },
      kiosk,
    );
    expectRejected(chain.one(tx), 'ballot-id-mismatch');
  });

  it('delegates the cryptography: a rejecting verifier rejects, a claim that differs from the envelope is rejected', () => {
    const { chain, kiosk, kioskId } = setup();
    chain.deps = rejectingDeps;
    const r = expectRejected(
      chain.one(ballotTx('e1', kioskId, kiosk, bytes32('v'))),
      'ballot-invalid',
    );
    expect(r).toMatchObject({ reason: 'bad-selection-proof' });
    chain.deps = acceptingDeps;
    // Envelope names voter-a, the tx claims voter-b.
    const env = envelope('e1', kioskId, bytes32('voter-a'));
    const lying = signTx(
      {
        kind: 'ballot',
        electionId: 'e1',
        kioskId,
        nullifier: bytes32('voter-b'),
        ballotId: taggedHash(TAG.ballotId, env),
        envelope: env,
      },
      kiosk,
    );
    expect(expectRejected(chain.one(lying), 'ballot-invalid')).toMatchObject({
      reason: 'claim-mismatch',
    });
  });
});

describe('challenged ballots', () => {
  it('records a challenge, which is never counted and blocks the envelope from being cast', () => {
    const { chain, kiosk, kioskId } = setup();
    const tx = ballotTx('e1', kioskId, kiosk, bytes32('v'));
    if (tx.body.kind !== 'ballot') throw new Error();
    const id = tx.body.ballotId;
    expectOk(chain.one(challengeTx('e1', kioskId, kiosk, tx.body.envelope)));
    expect(chain.get(key.challenged('e1', id))).toMatchObject({
      kioskId,
      envelope: tx.body.envelope,
    });
    expectRejected(chain.one(tx), 'ballot-challenged');
    const e = chain.get<ElectionRecord>(key.election('e1'));
    expect([e.cast, e.challenged]).toEqual([0, 1]);
    // The voter starts again: the nullifier is still free.
    expectOk(chain.one(ballotTx('e1', kioskId, kiosk, bytes32('v'), 'second try')));
  });

  it('rejects a challenge of a cast ballot, a repeat, a bad reveal, a wrong ballotId and a wrong signer', () => {
    const { chain, kiosk, kioskId } = setup();
    const cast = ballotTx('e1', kioskId, kiosk, bytes32('v'));
    if (cast.body.kind !== 'ballot') throw new Error();
    expectOk(chain.one(cast));
    expectRejected(
      chain.one(challengeTx('e1', kioskId, kiosk, cast.body.envelope)),
      'already-cast',
    );
    const other = envelope('e1', kioskId, bytes32('w'));
    expectRejected(chain.one(challengeTx('e1', kioskId, signer('x'), other)), 'bad-signature');
    expectRejected(
      chain.one(challengeTx('e1', kioskId, kiosk, other, bytes32('another ballot'))),
      'challenge-invalid',
    );
    const ch = challengeTx('e1', kioskId, kiosk, other);
    if (ch.body.kind !== 'ballot-challenge') throw new Error();
    expectRejected(
      chain.one(signTx({ ...ch.body, ballotId: bytes32('not the hash') }, kiosk)),
      'ballot-id-mismatch',
    );
    expectOk(chain.one(ch));
    expectRejected(chain.one(ch), 'already-challenged');
    chain.deps = rejectingDeps;
    const third = envelope('e1', kioskId, bytes32('z'));
    expect(
      expectRejected(chain.one(challengeTx('e1', kioskId, kiosk, third)), 'challenge-invalid'),
    ).toMatchObject({ reason: 'bad-nonce' });
  });
});

describe('confirmation-chain heads', () => {
  const head = (kioskId: string, kioskSeq: number, h: string, by = signer(`kiosk-village`)) =>
    signTx({ kind: 'chain-head', kioskId, kioskSeq, head: bytes32(h) }, by);

  it('accepts heads that move forward by kioskSeq', () => {
    const { chain, kioskId } = setup();
    expectOk(chain.one(head(kioskId, 0, 'h0')));
    expectOk(chain.one(head(kioskId, 5, 'h5')));
    expect(chain.get(key.chainHead(kioskId))).toMatchObject({ kioskSeq: 5, head: bytes32('h5') });
  });

  it('rejects a head that does not extend the previous one, a fork, a wrong signer and an unknown kiosk', () => {
    const { chain, kioskId } = setup();
    expectOk(chain.one(head(kioskId, 5, 'h5')));
    expect(expectRejected(chain.one(head(kioskId, 4, 'h4')), 'chain-head-stale')).toMatchObject({
      last: 5,
    });
    expectRejected(chain.one(head(kioskId, 5, 'other')), 'chain-head-conflict');
    expectRejected(chain.one(head(kioskId, 5, 'h5')), 'already-included');
    expectRejected(chain.one(head(kioskId, 6, 'h6', signer('impostor'))), 'bad-signature');
    expectRejected(chain.one(head('k-nowhere', 6, 'h6')), 'unregistered-kiosk');
    expect(chain.get(key.chainHead(kioskId))).toMatchObject({ kioskSeq: 5 });
  });
});

describe('election window bookkeeping', () => {
  it('closes at the first block at or after the close time, exactly once', () => {
    const chain = new Chain();
    withUnit(chain);
    const w = windowFrom(chain, 1);
    expectOk(chain.one(chain.auth(electionBody(chain, 'e1', 'village', { kind: 'general' }, w))));
    expect(chain.block([], w.closes - 1).notices).toEqual([]);
    const r = chain.block([], w.closes);
    expect(r.notices).toEqual([{ event: 'devnet.election.closed', subject: 'election/e1' }]);
    expect(chain.block([]).notices).toEqual([]);
    expect(chain.get<ElectionRecord>(key.election('e1'))).toMatchObject({
      status: 'closed',
      closedAt: chain.height - 1,
    });
  });
});
