// A unit's roll far larger than one /veche/state/1 answer, against the devnet over libp2p: the
// kiosk's verified chain view pages through it at one height and proves it whole, finds the
// last voter on it, does not fetch it again while its digest stays the same, fetches it
// again once a voter is added, and looks a voter's nullifier up by key (proven absent).
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  DEFAULT_UNIT_PARAMS,
  encodeTx,
  signTx,
  type TxBody,
} from '../../../src/devnet/app/index.js';
import { createVerifiedChainView } from '../../../src/main/voting/verified-chain-view.js';
import { MAX_LISTING_ITEMS, type StateRequest } from '../../../src/protocol/light-rpc.js';
import { pullState } from '../../../src/sync/state-pull.js';
import type { PeerRpc } from '../../../src/sync/rpc.js';
import { must, testNet, type TestNet } from '../../unit/devnet-net/helpers.js';
import { kioskSide, type KioskSide } from './verified.js';

const UNIT = 'vialikaja-vioska';
const ROLL = 2 * MAX_LISTING_ITEMS + 300;

let t: TestNet;
let kiosk: KioskSide | undefined;
let seq = 0;
const entries = Array.from({ length: ROLL }, () => new Uint8Array(randomBytes(32)));
const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');

function authority(body: Record<string, unknown>): void {
  const tx = signTx({ ...body, seq: ++seq } as unknown as TxBody, t.net.authority);
  const r = t.net.submit(encodeTx(tx), 0);
  if (!r.ok) throw new Error(JSON.stringify(r.error));
}
const addToRoll = (entries: Uint8Array[]) => authority({ kind: 'roll-add', unit: UNIT, entries });

beforeAll(async () => {
  t = testNet();
  authority({ kind: 'unit-params', unit: UNIT, parent: null, params: DEFAULT_UNIT_PARAMS });
  for (let i = 0; i < ROLL; i += 10_000) addToRoll(entries.slice(i, i + 10_000));
  await t.until(4);
  kiosk = await kioskSide(t);
}, 120_000);

afterAll(async () => {
  await kiosk?.close();
  t.close();
});

describe('a roll larger than one answer', () => {
  it('is paged, proven whole, held while unchanged and fetched again once it changed', async () => {
    const k = must(kiosk);
    const asked: StateRequest[] = [];
    const primary: PeerRpc = {
      ...k.primary,
      state: (req) => {
        asked.push(req);
        return k.primary.state(req);
      },
    };
    const chainId = t.net.genesis.chainId;
    const v = createVerifiedChainView({
      unit: UNIT,
      source: {
        pullState: (q) => pullState(k.light, primary, k.store, chainId, q),
        headerTime: async (h) => {
          const r = await k.light.headerAt(h);
          return r.ok ? r.value.time : null;
        },
      },
    });
    const first = await v.refresh();
    expect(first).toMatchObject({ ok: true, value: { truncated: [] } });
    const rollPages = asked.filter((q) => q.prefix === `roll/${UNIT}/`);
    expect(rollPages.length).toBeGreaterThanOrEqual(3);
    expect(new Set(rollPages.map((q) => q.height)).size).toBe(1);
    expect(entries.every((e) => v.view.onRoll(e))).toBe(true);
    expect(v.view.onRoll(new Uint8Array(32).fill(7))).toBe(false);

    // A later block, same roll: one proof says so, no page is fetched.
    await t.until(t.net.validator(0).committedHeight + 1);
    asked.length = 0;
    expect((await v.refresh()).ok).toBe(true);
    expect(asked.filter((q) => q.prefix !== null)).toEqual([]);
    expect(asked.flatMap((q) => q.keys)).toContain(`roll/${UNIT}/`);
    expect(v.view.onRoll(entries[ROLL - 1] as Uint8Array)).toBe(true);

    // One voter more: only the newcomer's sub-prefix (its first hex digit) is listed again,
    // after one question for the digests of all 16; the view still has every entry.
    const newcomer = new Uint8Array(randomBytes(32));
    addToRoll([newcomer]);
    await t.until(t.net.validator(0).committedHeight + 2);
    asked.length = 0;
    expect((await v.refresh()).ok).toBe(true);
    const sub = `roll/${UNIT}/${hex(newcomer).slice(0, 1)}`;
    expect(asked.filter((q) => q.prefix === `roll/${UNIT}/`)).toEqual([]);
    expect(asked.filter((q) => q.prefix !== null).map((q) => q.prefix)).toEqual([sub]);
    expect(asked.find((q) => q.keys.includes(sub))?.keys).toHaveLength(16);
    expect(v.view.onRoll(newcomer)).toBe(true);
    expect(entries.every((e) => v.view.onRoll(e))).toBe(true);

    // One voter fewer is not possible on this chain (the roll only grows); a second newcomer
    // under another digit is again one sub-prefix.
    let other = new Uint8Array(randomBytes(32));
    while (hex(other)[0] === hex(newcomer)[0]) other = new Uint8Array(randomBytes(32));
    addToRoll([other]);
    await t.until(t.net.validator(0).committedHeight + 2);
    asked.length = 0;
    expect((await v.refresh()).ok).toBe(true);
    expect(asked.filter((q) => q.prefix !== null).map((q) => q.prefix)).toEqual([
      `roll/${UNIT}/${hex(other).slice(0, 1)}`,
    ]);
    expect(v.view.onRoll(other)).toBe(true);
    expect(v.view.onRoll(newcomer)).toBe(true);

    // A restarted kiosk restores the roll from its store, and its first refresh online
    // fetches no page: the digests of the stored listings are the chain's.
    const again = createVerifiedChainView({
      unit: UNIT,
      source: {
        pullState: (q) => pullState(k.light, primary, k.store, chainId, q),
        headerTime: () => Promise.resolve(null),
        storedListing: (prefix) => k.store.synced.storedListing(chainId, prefix),
      },
    });
    expect(await again.restore()).toMatchObject({ ok: true });
    expect(again.view.onRoll(newcomer)).toBe(true);
    expect(entries.every((e) => again.view.onRoll(e))).toBe(true);
    asked.length = 0;
    expect((await again.refresh()).ok).toBe(true);
    expect(asked.filter((q) => q.prefix !== null)).toEqual([]);

    // A nullifier by key, at the trusted height: proven absent, so not spent.
    asked.length = 0;
    const nullifier = new Uint8Array(32).fill(3);
    expect(await v.view.spentNullifiers([{ electionId: 'e-x', nullifier }])).toEqual(new Set());
    expect(asked).toEqual([
      expect.objectContaining({ keys: [`nullifier/e-x/${hex(nullifier)}`], prefix: null }),
    ]);
  }, 120_000);
});
