// The prevote/precommit round (validator.ts) under the schedules that halted or could break
// the earlier one-vote-per-round consensus: split locks, a proposal re-proposed with its
// proof of lock, a double-signing validator, a proposer that crashes mid-round.
import { afterEach, describe, expect, it } from 'vitest';
import type { ConsensusMsg, Proposal } from '../../../src/devnet/consensus/types.js';
import { signVote } from '../../../src/devnet/consensus/validator.js';
import { devnetGenesis } from '../../../src/devnet/genesis.js';
import { validatorSigner } from '../../../src/devnet/keys.js';
import { toHex } from '../../../src/protocol/hash.js';
import { headerHash } from '../../../src/protocol/header.js';
import { cluster, SEED, type Cluster } from './cluster.js';
import { must } from './helpers.js';

let c: Cluster | undefined;
afterEach(() => {
  c?.close();
  c = undefined;
});

const idOf = (p: Proposal) => toHex(headerHash(p.header));
const heightOf = (m: Exclude<ConsensusMsg, { kind: 'tx' }>) =>
  m.kind === 'proposal' ? m.header.height : m.height;

describe('two-phase consensus', () => {
  it('a round-0 proposal that reaches only two validators no longer halts the height', async () => {
    // The schedule that halted the old consensus (one signed vote per round, locked for the
    // whole height at the first vote): round 0's proposer P and one more validator got the
    // proposal B0, voted and locked on it; the other two timed out. Round 1's proposer X was
    // unlocked and proposed B1, the fourth validator Y voted and locked on B1; every later
    // proposer re-proposed its own lock and the other pair refused it ('locked'): 2 + 2 of 4,
    // never > 2/3. Now nobody locks on two prevotes: round 0 ends with nil precommits and
    // round 1 commits X's block.
    c = cluster();
    const x = c.proposer(1, 1).index;
    const y = c.proposer(1, 2).index;
    let b0: string | undefined;
    const cl = c;
    c.hub.setInterceptor((_from, to, msg, deliver) => {
      if (msg.kind === 'proposal' && msg.header.height === 1 && msg.round === 0) {
        b0 = idOf(msg);
        const t = cl.indexOf(to.publicKey);
        if (t === x || t === y) return;
      }
      deliver();
    });
    expect(await c.until(1)).toBe(true);
    const block = must(must(c.running()[0]).lightBlock(1));
    expect(b0).toBeDefined();
    expect(block.commit.round).toBe(1);
    expect(toHex(headerHash(block.header))).not.toBe(b0);
    expect(await c.until(3)).toBe(true);
    c.assertAgreement();
  });

  it('split locks heal: the locked block is re-proposed with its proof of lock and commits', async () => {
    // P (round 0's proposer) and Z (round 3's) see > 2/3 prevotes for B0 and lock it; X and
    // Y never do: Y never gets the proposal, and Z's prevote never reaches X or Y. Rounds 1
    // and 2 (X, Y proposing fresh blocks) get 2 prevotes each, the locked pair prevoting nil.
    // Round 3: Z proposes B0 with validRound 0 and the three prevotes; X and Y check them
    // (lockedRound -1 <= 0) and prevote B0.
    c = cluster();
    const cl = c;
    const x = c.proposer(1, 1).index;
    const y = c.proposer(1, 2).index;
    const z = c.proposer(1, 3).index;
    let b0: string | undefined;
    let reproposed: Proposal | undefined;
    c.hub.setInterceptor((from, to, msg, deliver) => {
      const f = cl.indexOf(from.publicKey);
      const t = cl.indexOf(to.publicKey);
      if (msg.kind === 'proposal' && msg.header.height === 1) {
        if (msg.round === 0) {
          b0 = idOf(msg);
          if (t === y) return;
        }
        if (msg.validRound >= 0) reproposed = msg;
      }
      if (msg.kind === 'prevote' && msg.height === 1 && msg.round === 0 && f === z) {
        if (t === x || t === y) return;
      }
      deliver();
    });
    expect(await c.until(1)).toBe(true);
    const block = must(must(c.running()[0]).lightBlock(1));
    expect(toHex(headerHash(block.header))).toBe(b0);
    expect(block.commit.round).toBe(3);
    expect(must(reproposed).validRound).toBe(0);
    expect(must(reproposed).pol).toHaveLength(3);
    c.assertAgreement();
  });

  it('a double-signing validator cannot make honest validators commit different blocks', async () => {
    // Validator 3 runs no honest code: it sends two different proposals when it proposes and,
    // for every round it hears of, prevotes and precommits one block to half of the others and
    // another block (or nil) to the rest.
    c = cluster({ byzantine: [3] });
    const cl = c;
    const byz = must(c.members[3]);
    const honest = c.members.filter((m) => m.index !== 3);
    const proposals = new Map<string, Set<string>>();
    const done = new Set<string>();
    let equivocations = 0;
    const seen = (p: Proposal) => {
      const k = `${p.header.height}/${p.round}`;
      proposals.set(k, (proposals.get(k) ?? new Set<string>()).add(idOf(p)));
    };
    c.hub.setInterceptor((_from, to, msg, deliver) => {
      // At even heights honest validator 2 hears no round-0 votes: it times out alone while
      // the other two and the double-signer make up > 2/3 among themselves.
      const cut =
        msg.kind !== 'tx' &&
        msg.kind !== 'proposal' &&
        msg.height % 2 === 0 &&
        msg.round === 0 &&
        cl.indexOf(to.publicKey) === 2;
      if (!cut) deliver();
      if (msg.kind === 'proposal') seen(msg);
      if (msg.kind === 'tx') return;
      const height = heightOf(msg);
      const round = msg.round;
      const k = `${height}/${round}`;
      if (done.has(k)) return;
      const ids = [...(proposals.get(k) ?? [])];
      if (ids.length === 0) return;
      done.add(k);
      const a = Uint8Array.from(Buffer.from(must(ids[0]), 'hex'));
      const b = ids[1] === undefined ? null : Uint8Array.from(Buffer.from(ids[1], 'hex'));
      for (const [i, m] of honest.entries()) {
        const blockId = i < 2 ? a : b;
        for (const kind of ['prevote', 'precommit'] as const) {
          cl.hub.inject(
            must(m.validator),
            signVote(byz.signer, cl.genesis.chainId, { kind, height, round, blockId }),
          );
        }
      }
      equivocations++;
    });
    let forked = 0;
    for (let h = 1; h <= 8; h++) {
      // When the byzantine validator proposes: B to two honest validators, B' to the third.
      for (let r = 0; r < 3; r++) {
        if (c.proposer(h, r).index !== 3) continue;
        const p1 = c.proposal(3, h, r, 0);
        const p2 = c.proposal(3, h, r, 1);
        seen(p1);
        seen(p2);
        for (const [i, m] of honest.entries()) c.hub.inject(must(m.validator), i < 2 ? p1 : p2);
        forked++;
      }
      expect(await c.until(h)).toBe(true);
      c.assertAgreement();
    }
    expect(forked).toBeGreaterThan(0);
    expect(equivocations).toBeGreaterThanOrEqual(8);
    const ids = honest.map((m) => toHex(headerHash(must(must(m.validator).lightBlock(8)).header)));
    expect(new Set(ids).size).toBe(1);
  });

  it('a block one validator decided is the only one the others can commit, double-signer or not', async () => {
    // Height 1. P proposes B0; P and H1 see > 2/3 prevotes for it, lock it and precommit it;
    // P decides with the double-signer Z's precommit (Z tells the others nil) and drops off
    // the network. Z then proposes B1 in round 1 and prevotes and precommits it. H1's lock
    // is what stands between that and a fork: an unlocked H1 would prevote B1 with H2 and Z,
    // and the three would commit it while P has B0. The locked H1 prevotes nil; the height
    // waits (2 of 4 are faulty meanwhile) until P is back, and then everybody has B0.
    const order = devnetGenesis(SEED, 4, 0).validatorSet.validators.map((v) => toHex(v.pubKey));
    const indexOfKey = (hex: string | undefined) =>
      [0, 1, 2, 3].find((i) => toHex(validatorSigner(SEED, i).publicKey) === hex) ?? -1;
    const z = indexOfKey(order[2]); // proposer of (1, 1)
    c = cluster({ byzantine: [z] });
    const cl = c;
    const p = c.proposer(1, 0).index;
    const [h1, h2] = [0, 1, 2, 3].filter((i) => i !== p && i !== z) as [number, number];
    const zs = must(c.members[z]).signer;
    const chain = c.genesis.chainId;
    const at = (i: number) => must(must(cl.members[i]).validator);
    const vote = (kind: 'prevote' | 'precommit', round: number, id: Uint8Array | null) =>
      signVote(zs, chain, { kind, height: 1, round, blockId: id });
    let b0: Proposal | undefined;
    at(p).onCommit((b) => {
      if (b.header.height === 1) cl.hub.setConnected(at(p), false);
    });
    c.hub.setInterceptor((from, to, msg, deliver) => {
      const f = cl.indexOf(from.publicKey);
      const t = cl.indexOf(to.publicKey);
      if (msg.kind !== 'tx' && msg.kind !== 'proposal' && msg.height === 1 && msg.round === 0) {
        if (msg.kind === 'prevote' && f === p && t === h2) return;
        if (msg.kind === 'precommit' && f === p && t === h1) return;
      }
      deliver();
      if (
        msg.kind === 'proposal' &&
        msg.header.height === 1 &&
        msg.round === 0 &&
        b0 === undefined
      ) {
        b0 = msg;
        const id = headerHash(msg.header);
        cl.hub.inject(at(h2), vote('prevote', 0, null));
        cl.hub.inject(at(p), vote('precommit', 0, id));
        cl.hub.inject(at(h1), vote('precommit', 0, null));
        cl.hub.inject(at(h2), vote('precommit', 0, null));
        const b1 = cl.proposal(z, 1, 1, 5);
        const id1 = headerHash(b1.header);
        for (const i of [h1, h2]) {
          cl.hub.inject(at(i), b1);
          cl.hub.inject(at(i), vote('prevote', 1, id1));
          cl.hub.inject(at(i), vote('precommit', 1, id1));
        }
      }
    });
    await c.step(30_000);
    c.assertAgreement();
    expect(at(p).committedHeight).toBe(1);
    expect(at(h1).committedHeight).toBe(0);
    expect(at(h2).committedHeight).toBe(0);
    c.hub.setConnected(at(p), true);
    expect(await c.until(3)).toBe(true);
    c.assertAgreement();
    for (const i of [p, h1, h2]) {
      expect(toHex(headerHash(must(at(i).lightBlock(1)).header))).toBe(idOf(must(b0)));
    }
  });

  it('the chain goes on when a proposer crashes after its proposal reached one validator', async () => {
    c = cluster();
    const cl = c;
    expect(await c.until(2)).toBe(true);
    const p = c.proposer(3, 0).index;
    let crashed = false;
    let reached = 0;
    c.hub.setInterceptor((from, _to, msg, deliver) => {
      if (msg.kind === 'proposal' && msg.header.height === 3 && cl.indexOf(from.publicKey) === p) {
        if (reached++ === 0) deliver();
        if (!crashed) {
          crashed = true;
          queueMicrotask(() => cl.crash(p));
        }
        return;
      }
      deliver();
    });
    expect(await c.until(6)).toBe(true);
    expect(crashed).toBe(true);
    expect(c.running()).toHaveLength(3);
    const block = must(must(c.running()[0]).lightBlock(3));
    expect(block.commit.round).toBeGreaterThan(0);
    c.assertAgreement();
  });
});
