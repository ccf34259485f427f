// Each fault switch of DESIGN §5 against the light client: it accepts the honest chain and
// rejects (or, for >= 1/3 byzantine, detects through a witness) what it must.
import { afterEach, describe, expect, it } from 'vitest';
import { encodeTx, signTx, DEFAULT_UNIT_PARAMS } from '../../../src/devnet/app/index.js';
import { conflictingLightBlock } from '../../../src/devnet/faults.js';
import {
  answerHeaders,
  answerProof,
  answerSubmit,
  type LightServerDeps,
} from '../../../src/devnet/rpc.js';
import { type LightBlock } from '../../../src/protocol/header.js';
import { toHex } from '../../../src/protocol/hash.js';
import { verifyTxInclusion } from '../../../src/protocol/light-rpc.js';
import {
  crossCheckWitness,
  DEFAULT_TRUST_OPTIONS,
  trustFromCheckpoint,
  verifyLightBlock,
  verifyToHeight,
  type TrustedState,
} from '../../../src/sync/light/index.js';
import { ok } from '../../../src/shared/result.js';
import { must, testNet, type TestNet } from './helpers.js';
import type { Devnet } from '../../../src/devnet/devnet.js';

let t: TestNet | undefined;
afterEach(() => {
  t?.close();
  t = undefined;
});

const serverOf = (net: Devnet, i: number): LightServerDeps => ({
  validator: () => (must(net.nodes[i]).running ? net.validator(i) : undefined),
  signer: must(net.nodes[i]).signer,
  faults: must(net.nodes[i]).faults,
});

function headerAt(d: LightServerDeps, h: number): LightBlock {
  const b = answerHeaders(d, { from: h, to: h }).blocks[0];
  if (b === undefined) throw new Error(`no block ${h}`);
  return b;
}

function trustAt1(tn: TestNet): TrustedState {
  const r = trustFromCheckpoint(
    tn.net.checkpoint(1),
    must(tn.net.validator(0).lightBlock(1)),
    tn.clock.now(),
    DEFAULT_TRUST_OPTIONS,
  );
  if (!r.ok) throw new Error(JSON.stringify(r.error));
  return r.value.trusted;
}

let seq = 0;
const authorityTx = (net: Devnet) =>
  encodeTx(
    signTx(
      {
        kind: 'unit-params',
        seq: ++seq,
        unit: `u${seq}`,
        parent: null,
        params: DEFAULT_UNIT_PARAMS,
      },
      net.authority,
    ),
  );

describe('fault switches', () => {
  it('forged header: a validator serving an altered header is rejected by the light client', async () => {
    t = testNet();
    await t.until(3);
    const d = serverOf(t.net, 2);
    const honest = headerAt(d, 2);
    expect(verifyLightBlock(trustAt1(t), honest, t.clock.now(), DEFAULT_TRUST_OPTIONS).ok).toBe(
      true,
    );
    d.faults.forgeHeaders = true;
    const forged = headerAt(d, 2);
    const r = verifyLightBlock(trustAt1(t), forged, t.clock.now(), DEFAULT_TRUST_OPTIONS);
    expect(r.ok ? 'accepted' : r.error.kind).toBe('commit-block-id-mismatch');
  });

  it('fewer than 1/3 byzantine signers cannot make a conflicting header verify', async () => {
    t = testNet();
    await t.until(4);
    const honest = must(t.net.validator(0).lightBlock(4));
    const byz = [must(t.net.nodes[3]).signer];
    for (const ownSet of [false, true]) {
      const r = verifyLightBlock(
        trustAt1(t),
        conflictingLightBlock(honest, byz, ownSet),
        t.clock.now(),
        DEFAULT_TRUST_OPTIONS,
      );
      expect(r.ok).toBe(false);
      if (!r.ok)
        expect(['insufficient-voting-power', 'insufficient-trust']).toContain(r.error.kind);
    }
  });

  it('1/3 or more byzantine signers: the primary check passes, the witness cross-check yields evidence', async () => {
    t = testNet();
    await t.until(4);
    const honest = must(t.net.validator(0).lightBlock(4));
    const attack = conflictingLightBlock(
      honest,
      [must(t.net.nodes[2]).signer, must(t.net.nodes[3]).signer],
      true,
    );
    const trusted = trustAt1(t);
    // Skipping from height 1: half the trusted power signed (>= 1/3), all of "their" set.
    const primary = verifyLightBlock(trusted, attack, t.clock.now(), DEFAULT_TRUST_OPTIONS);
    expect(primary.ok).toBe(true);
    const honestServer = serverOf(t.net, 0);
    const w = await crossCheckWitness({
      trustedBefore: trusted,
      primary: attack,
      fetchWitness: async (h) => ok(headerAt(honestServer, h)),
      clock: t.clock,
      options: DEFAULT_TRUST_OPTIONS,
    });
    expect(w.ok ? 'agreed' : w.error.kind).toBe('conflict');
    if (!w.ok && w.error.kind === 'conflict') expect(w.error.evidence.height).toBe(4);
  });

  it('bad proof: a corrupted inclusion proof fails against the verified header', async () => {
    t = testNet();
    const { ballotTxFor } = await import('./ballots.js');
    const { tx, ballotId } = await ballotTxFor(t);
    expect(t.net.submit(tx, 0).ok).toBe(true);
    await t.until(t.net.validator(0).committedHeight + 2);
    const d = serverOf(t.net, 1);
    const good = answerProof(d, { ballotId });
    if (good.status !== 'included') throw new Error(JSON.stringify(good));
    const header = must(t.net.validator(0).lightBlock(good.height)).header;
    expect(verifyTxInclusion(good, header).ok).toBe(true);
    d.faults.badProofs = true;
    const bad = answerProof(d, { ballotId });
    if (bad.status !== 'included') throw new Error('expected an included answer');
    const r = verifyTxInclusion(bad, header);
    expect(r.ok ? 'verified' : r.error.kind).toBe('proof-invalid');
  });

  it('dropped receipt: the tx still commits, and resubmitting answers "included"', async () => {
    t = testNet();
    const { tx } = await (await import('./ballots.js')).ballotTxFor(t);
    const d = serverOf(t.net, 3);
    d.faults.dropReceipts = true;
    expect(() => answerSubmit(d, { tx })).toThrow(/receipt dropped/);
    await t.until(t.net.validator(0).committedHeight + 2);
    const again = answerSubmit(d, { tx });
    expect(again.status).toBe('included');
  });

  it('validator-set rotation: the light client follows the new set across the change', async () => {
    t = testNet({ standby: 1 });
    await t.until(2);
    // Drop validator 0, add the standby validator 4 with double power.
    expect(t.net.rotate([0, 1, 1, 1, 2]).ok).toBe(true);
    const start = t.net.validator(1).committedHeight;
    await t.until(start + 6, 1000);
    const v = t.net.validator(1);
    const top = v.committedHeight;
    const last = must(v.lightBlock(top));
    expect(last.validatorSet.validators.map((x) => toHex(x.pubKey))).toContain(
      toHex(must(t.net.nodes[4]).signer.publicKey),
    );
    expect(last.validatorSet.validators.map((x) => toHex(x.pubKey))).not.toContain(
      toHex(must(t.net.nodes[0]).signer.publicKey),
    );
    const r = await verifyToHeight({
      trusted: trustAt1(t),
      targetHeight: top,
      fetch: async (h) => ok(must(v.lightBlock(h))),
      clock: t.clock,
      options: DEFAULT_TRUST_OPTIONS,
    });
    expect(r.ok ? 'ok' : JSON.stringify(r.error)).toBe('ok');
    // An update not signed by the authority is refused at the mempool.
    const forged = new Uint8Array(
      await import('../../../src/protocol/encoding.js').then((m) =>
        m.encodeCanonical({
          validatorUpdate: {
            kind: 'devnet-validator-set',
            nonce: 99,
            validatorSet: last.validatorSet,
          },
          signature: new Uint8Array(64),
        }),
      ),
    );
    expect(v.submit(forged)).toEqual({ ok: false, error: { kind: 'bad-validator-update' } });
  });

  it('clock skew: a validator stamping future times has its proposals refused; the chain moves on', async () => {
    t = testNet({ maxClockDriftMs: 5_000 });
    await t.until(1);
    must(t.net.nodes[2]).faults.clockSkewMs = 60_000;
    const from = t.net.validator(0).committedHeight;
    expect(t.net.submit(authorityTx(t.net), 0).ok).toBe(true);
    await t.until(from + 6, 1000);
    const v = t.net.validator(0);
    for (let h = from + 1; h <= from + 6; h++) {
      // No header from the future got committed, so the light client never sees one.
      expect(must(v.lightBlock(h)).header.time).toBeLessThanOrEqual(t.clock.now() + 5_000);
    }
    const r = await verifyToHeight({
      trusted: trustAt1(t),
      targetHeight: from + 6,
      fetch: async (h) => ok(must(v.lightBlock(h))),
      clock: t.clock,
      options: { ...DEFAULT_TRUST_OPTIONS, maxClockDriftMs: 5_000 },
    });
    expect(r.ok).toBe(true);
  });
});
