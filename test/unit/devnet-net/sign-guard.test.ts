// A validator never signs two different messages for one step of a round, even across a
// restart in the middle of a height: the rule itself (property), and a proposer that crashes
// right after proposing and comes back in the same round with a different block in mind.
import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import { headerHash } from '../../../src/protocol/header.js';
import { toHex } from '../../../src/protocol/hash.js';
import {
  signDecision,
  type SignState,
  type SignStep,
} from '../../../src/devnet/consensus/sign-guard.js';
import { cluster, type Cluster } from './cluster.js';
import { must } from './helpers.js';

describe('signDecision', () => {
  const stateArb = fc.record({
    height: fc.integer({ min: 1, max: 4 }),
    round: fc.integer({ min: 0, max: 3 }),
    step: fc.constantFrom<SignStep>(1, 2, 3),
    signature: fc.constantFrom(new Uint8Array([1]), new Uint8Array([2])),
  });
  const key = (s: SignState) => `${s.height}/${s.round}/${s.step}`;

  it('never lets two signatures out for one step, nor a step before the last (property)', () => {
    fc.assert(
      fc.property(fc.array(stateArb, { maxLength: 40 }), (attempts) => {
        let last: SignState | undefined;
        const sent = new Map<string, string>();
        let highest: SignState | undefined;
        for (const a of attempts) {
          const d = signDecision(last, a);
          if (d === 'refuse') continue;
          const k = key(a);
          const sig = toHex(a.signature);
          expect(sent.get(k) ?? sig).toBe(sig);
          sent.set(k, sig);
          if (highest !== undefined) {
            const order =
              a.height - highest.height || a.round - highest.round || a.step - highest.step;
            expect(order).toBeGreaterThanOrEqual(0);
          }
          if (d === 'sign') {
            last = a;
            highest = a;
          }
        }
      }),
      { numRuns: 500 },
    );
  });

  it('signs the first step, resends the same, refuses other content and earlier steps', () => {
    const s = (height: number, round: number, step: SignStep, sig: number): SignState => ({
      height,
      round,
      step,
      signature: new Uint8Array([sig]),
    });
    expect(signDecision(undefined, s(3, 0, 1, 1))).toBe('sign');
    expect(signDecision(s(3, 0, 1, 1), s(3, 0, 1, 1))).toBe('same');
    expect(signDecision(s(3, 0, 1, 1), s(3, 0, 1, 2))).toBe('refuse');
    expect(signDecision(s(3, 0, 3, 1), s(3, 0, 2, 1))).toBe('refuse');
    expect(signDecision(s(3, 1, 1, 1), s(3, 0, 3, 1))).toBe('refuse');
    expect(signDecision(s(3, 0, 3, 1), s(3, 1, 1, 2))).toBe('sign');
    expect(signDecision(s(3, 5, 3, 1), s(4, 0, 1, 2))).toBe('sign');
  });
});

describe('a validator restarted in the middle of a height', () => {
  let c: Cluster | undefined;
  afterEach(() => c?.close());

  it('does not propose a second, different block in the round it proposed in', async () => {
    c = cluster();
    const cl = c;
    expect(await c.until(2)).toBe(true);
    const p = c.proposer(3, 0).index;
    const proposals = new Map<string, Set<string>>();
    let crashed = false;
    c.hub.setInterceptor((from, _to, msg, deliver) => {
      if (msg.kind === 'proposal' && cl.indexOf(from.publicKey) === p) {
        const k = `${msg.header.height}/${msg.round}`;
        const seen = proposals.get(k) ?? new Set<string>();
        seen.add(toHex(headerHash(msg.header)));
        proposals.set(k, seen);
        if (msg.header.height === 3 && !crashed) {
          // Lost with its sender: the proposer goes down right after signing it.
          crashed = true;
          queueMicrotask(() => cl.crash(p));
          return;
        }
      }
      deliver();
    });
    for (let i = 0; i < 50 && !crashed; i++) await c.step(100);
    expect(crashed).toBe(true);
    // Later (its clock moved on, so a block built now has another time) it comes back at
    // round 0 of height 3, the proposer of that round again.
    await c.step(400);
    const back = c.restart(p);
    expect(back.committedHeight).toBe(2);
    expect(await c.until(5)).toBe(true);
    expect(proposals.get('3/0')?.size).toBe(1);
    c.assertAgreement();
    expect(must(c.running()[0]).committedHeight).toBeGreaterThanOrEqual(5);
  });
});
