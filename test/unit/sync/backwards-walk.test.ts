// Headers below the trusted height are reached by the hash chain from a verified header
// above them. A restarted kiosk starts that walk from the nearest header it kept (a record's
// height asked before), not from its head: fewer fetches, and the same verified header.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { encodeCanonical, type Canonical } from '../../../src/protocol/encoding.js';
import { headerHash } from '../../../src/protocol/header.js';
import { ManualClock } from '../../../src/shared/clock.js';
import { silentLogger } from '../../../src/shared/log.js';
import { err, ok } from '../../../src/shared/result.js';
import { openStore, type Store } from '../../../src/store/index.js';
import { LightClient } from '../../../src/sync/light-service.js';
import type { PeerRpc } from '../../../src/sync/rpc.js';
import { nearestHeaderAbove } from '../../../src/sync/trust-store.js';
import {
  BLOCK_MS,
  buildChain,
  CHAIN_ID,
  members,
  OPTIONS,
  T0,
  type Chain,
} from '../light/chain.js';

const HEIGHTS = 600;
const chain = buildChain({ heights: HEIGHTS, membersAt: () => members([0, 1, 2, 3]) });

function chainPeer(peerId: string, c: Chain, fetched: number[]): PeerRpc {
  const unused = (): never => {
    throw new Error('not used by the light client');
  };
  return {
    peerId,
    lightBlock(height) {
      fetched.push(height);
      return Promise.resolve(
        height >= 1 && height <= c.blocks.length
          ? ok(c.at(height))
          : err({ kind: 'no-block', height }),
      );
    },
    latestHeight: () => Promise.resolve(ok(c.blocks.length)),
    submit: unused,
    proof: unused,
    state: unused,
    submitBatch: unused,
    proofBatch: unused,
  };
}

describe('backwards header walk', () => {
  let dir: string;
  let store: Store;
  const clock = new ManualClock(T0 + HEIGHTS * BLOCK_MS + 1000);
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'veche-walk-'));
    const opened = openStore({ path: join(dir, 'k.db'), kioskId: 'k-walk', clock });
    if (!opened.ok) throw new Error(opened.error.kind);
    store = opened.value;
  });
  afterEach(() => {
    store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const clientOf = (peers: PeerRpc[]) =>
    new LightClient({
      store,
      chainId: CHAIN_ID,
      checkpoint: {
        chainId: CHAIN_ID,
        height: 1,
        headerHash: headerHash(chain.at(1).header),
        validatorSet: chain.at(1).validatorSet,
      },
      peers,
      clock,
      options: OPTIONS,
      logger: silentLogger,
    });
  const client = (fetched: number[]) =>
    clientOf([chainPeer('primary', chain, fetched), chainPeer('witness', chain, fetched)]);

  it('starts from the nearest kept header after a restart', async () => {
    const fetched: number[] = [];
    const first = client(fetched);
    expect((await first.headerAt(HEIGHTS)).ok).toBe(true);
    fetched.length = 0;
    const at500 = await first.headerAt(500);
    expect(at500).toEqual(ok(chain.at(500).header));
    // From the head: every link from 599 down to 500.
    expect(fetched.length).toBe(100);

    // Restarted: nothing in memory, 500 kept on disk (asked for by height). A header kept
    // for another chain between the two is not this chain's.
    const stranger = buildChain({
      heights: 480,
      chainId: 'another-chain',
      membersAt: () => members([0, 1, 2, 3]),
    }).at(480).header;
    const s = store.synced.putLinkedHeader(
      'another-chain',
      480,
      headerHash(stranger),
      encodeCanonical(stranger as unknown as Canonical),
    );
    expect(s.ok).toBe(true);
    expect(nearestHeaderAbove(store, 'another-chain', 450)?.height).toBe(480);
    expect(nearestHeaderAbove(store, CHAIN_ID, 450)?.height).toBe(500);
    fetched.length = 0;
    const again = client(fetched);
    const at450 = await again.headerAt(450);
    expect(at450).toEqual(ok(chain.at(450).header));
    // From 500, not from the head at 600 (that would be 150 fetches), nor from 480.
    expect(fetched).toEqual(Array.from({ length: 50 }, (_, i) => 499 - i));

    // Above every kept linked header, the verified head is still the start.
    fetched.length = 0;
    expect(await again.headerAt(550)).toEqual(ok(chain.at(550).header));
    expect(fetched.length).toBe(50);
    expect(nearestHeaderAbove(store, CHAIN_ID, HEIGHTS)).toBeUndefined();
    expect(nearestHeaderAbove(store, 'another-chain', 480)).toBeUndefined();
  });

  it('refuses a walk whose links do not hash to the kept header', async () => {
    const fetched: number[] = [];
    const first = client(fetched);
    expect((await first.headerAt(HEIGHTS)).ok).toBe(true);
    expect((await first.headerAt(500)).ok).toBe(true);
    // A primary that serves another chain below 500: its headers cannot link to the kept one.
    const other = buildChain({ heights: HEIGHTS, membersAt: () => members([4, 5, 6, 7]) });
    const liarFetched: number[] = [];
    const lying = clientOf([chainPeer('liar', other, liarFetched)]);
    const r = await lying.headerAt(450);
    expect(r).toMatchObject({ ok: false, error: { message: 'backwards: hash-chain-broken' } });
    // Refused at the first link below the kept header: the walk started there.
    expect(liarFetched).toEqual([499]);
  });
});
