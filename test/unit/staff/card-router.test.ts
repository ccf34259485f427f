// The card router keeps event order across the slow staff-card hash, tells the voter side a
// card left when a read turns out to be staff, and leaves voter cards untouched.
import { describe, expect, it } from 'vitest';
import type { CardEvent, CardReader } from '../../../src/hardware/types.js';
import { createCardRouter, type CardRoute } from '../../../src/main/staff/card-router.js';
import { ok } from '../../../src/shared/result.js';
import { ALICE } from '../../support/fake-devices.js';

function reader() {
  const ls = new Set<(e: CardEvent) => void>();
  const r: CardReader = {
    name: 'test',
    onEvent: (l) => (ls.add(l), () => ls.delete(l)),
    start: async () => ok(undefined),
    stop: async () => undefined,
  };
  return { r, emit: (e: CardEvent) => ls.forEach((l) => l(e)) };
}

/** Staff when the document number starts with 'S'; the read answers after `delayMs`. */
function route(delayMs: number): CardRoute & { seen: string[] } {
  let staffIn = false;
  const seen: string[] = [];
  return {
    seen,
    async handleCard(e) {
      seen.push(e.type);
      if (e.type === 'read') {
        await new Promise((r) => setTimeout(r, delayMs));
        staffIn = e.document.documentNumber.startsWith('S');
        return staffIn ? 'staff' : 'not-staff';
      }
      if (e.type === 'removed') {
        const was = staffIn;
        staffIn = false;
        return was ? 'staff' : 'not-staff';
      }
      return staffIn ? 'staff' : 'not-staff';
    },
  };
}

const STAFF_DOC = { ...ALICE, documentNumber: 'S1234567' };

describe('card router', () => {
  it('passes a voter card through in order, even when a removal arrives mid-hash', async () => {
    const { r, emit } = reader();
    const router = createCardRouter(
      r,
      route(20),
      () => 0,
      (e) => {
        throw e;
      },
    );
    const got: string[] = [];
    router.voterReader.onEvent((e) => got.push(e.type));
    emit({ type: 'present' });
    emit({ type: 'read', document: ALICE });
    emit({ type: 'removed' });
    await router.idle();
    expect(got).toEqual(['present', 'read', 'removed']);
  });

  it('withdraws the card from the voter side when it is a staff card, and keeps its removal', async () => {
    const { r, emit } = reader();
    const rt = route(5);
    const router = createCardRouter(
      r,
      rt,
      () => 42,
      (e) => {
        throw e;
      },
    );
    const got: CardEvent[] = [];
    router.voterReader.onEvent((e) => got.push(e));
    emit({ type: 'present' });
    emit({ type: 'read', document: STAFF_DOC });
    emit({ type: 'removed' });
    await router.idle();
    expect(got.map((e) => e.type)).toEqual(['present', 'removed']);
    expect(got.some((e) => e.type === 'read')).toBe(false);
    expect(rt.seen).toEqual(['present', 'read', 'removed']);
    expect(router.lastActivity()).toEqual({ event: 'removed', at: 42, routedTo: 'staff' });
  });

  it('reports a failing route and goes on routing later cards', async () => {
    const { r, emit } = reader();
    const bugs: unknown[] = [];
    let fail = true;
    const router = createCardRouter(
      r,
      {
        handleCard: async () => {
          if (fail) {
            fail = false;
            throw new Error('boom');
          }
          return 'not-staff';
        },
      },
      () => 0,
      (e) => bugs.push(e),
    );
    const got: string[] = [];
    router.voterReader.onEvent((e) => got.push(e.type));
    emit({ type: 'present' });
    emit({ type: 'read', document: ALICE });
    await router.idle();
    expect(bugs).toHaveLength(1);
    expect(got).toEqual(['read']);
    router.stop();
    emit({ type: 'removed' });
    await router.idle();
    expect(got).toEqual(['read']);
  });
});
