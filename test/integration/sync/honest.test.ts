// The honest path against an in-process devnet over libp2p: real sealed ballots from the
// registered demo kiosk end final, each with a stored receipt and a proof verified against a
// header the light client verified; state items are pulled and verified; trust persists.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { key } from '../../../src/devnet/app/index.js';
import { storeDatabase } from '../../../src/store/store.js';
import { must } from '../../unit/devnet-net/helpers.js';
import { call } from '../../../src/net/reqres.js';
import { HEADERS_PROTOCOL } from '../../../src/protocol/light-rpc.js';
import { DEFAULT_TRUST_OPTIONS } from '../../../src/sync/light/index.js';
import { startWorld, states, type World } from './kiosk-net.js';

let w: World;
beforeAll(async () => {
  w = await startWorld();
}, 30_000);
afterAll(async () => {
  await w?.close();
});

describe('sync: honest path', () => {
  it('every ballot of a backlog ends final, with a stored receipt', async () => {
    const k = await w.kiosk();
    const ids = k.enqueue(6);
    expect(states(k, ids)).toEqual(Array(6).fill('queued'));
    await w.drive([k], () => states(k, ids).every((s) => s === 'final'));
    const st = k.sync.status();
    expect(st.queue.final).toBe(6);
    expect(st.queue.queued + st.queue.sent + st.queue.receipted + st.queue.included).toBe(0);
    expect(st.alarm).toBeNull();
    expect(st.delivery.finalized).toBe(6);
    expect(st.peers.filter((p) => p.role === 'primary')).toHaveLength(1);
    expect(st.peers.some((p) => p.connected)).toBe(true);
    expect(st.verifiedHeight).toBeGreaterThan(1);
    expect(st.lag).toBe(0);
    // Receipts are stored (the first answer was 'received', signed by a validator).
    const db = storeDatabase(k.store);
    const withReceipt = db
      .prepare("SELECT count(*) AS n FROM outbox WHERE receipt IS NOT NULL AND state = 'final'")
      .get() as { n: number };
    expect(withReceipt.n).toBe(6);
    // The validators hold each ballot exactly once.
    for (const id of ids) {
      expect(w.t.net.validator(0).ballotStatus(Buffer.from(id).toString('hex'))?.kind).toBe(
        'included',
      );
    }
  }, 60_000);

  it('started, the service runs rounds on the injected clock until stopped', async () => {
    const k = await w.kiosk(undefined, undefined, { intervalMs: 500 });
    const ids = k.enqueue(1);
    k.sync.start();
    for (let i = 0; i < 100 && states(k, ids)[0] !== 'final'; i++) {
      await w.t.step(300);
      await new Promise((r) => setTimeout(r, 10));
    }
    k.sync.stop();
    expect(states(k, ids)).toEqual(['final']);
    const rounds = k.sync.status().rounds;
    expect(rounds).toBeGreaterThan(1);
    await w.t.step(3000);
    await new Promise((r) => setTimeout(r, 50));
    expect(k.sync.status().rounds).toBeLessThanOrEqual(rounds + 1);
  }, 30_000);

  it('pulls kiosk registration, elections, staff and roll, verified against appHash', async () => {
    const k = await w.kiosk();
    const r = await k.sync.pullState({
      keys: [key.kiosk(w.world.kiosk.kioskId), 'kiosk/nobody'],
      prefixes: ['election/', `roll/${w.world.unit}/`, 'candidate/', 'staff/'],
    });
    if (!r.ok) throw new Error(JSON.stringify(r.error));
    expect(r.value.items.has(key.kiosk(w.world.kiosk.kioskId))).toBe(true);
    expect(r.value.absent).toEqual(['kiosk/nobody']);
    for (const e of w.world.elections)
      expect(r.value.items.has(key.election(e.electionId))).toBe(true);
    expect([...r.value.items.keys()].some((x) => x.startsWith('roll/'))).toBe(true);
    expect(
      k.store.synced.stateItem(w.t.net.genesis.chainId, key.kiosk(w.world.kiosk.kioskId))?.height,
    ).toBe(r.value.height);
  }, 30_000);

  it('expired trust (injected clock past the trusting period): nothing is verified or final', async () => {
    const k = await w.kiosk(undefined, undefined, {
      trust: { ...DEFAULT_TRUST_OPTIONS, trustingPeriodMs: 1000 },
    });
    const ids = k.enqueue(1);
    for (let i = 0; i < 4; i++) {
      await k.sync.runOnce();
      await w.t.step(500);
    }
    expect(k.sync.light.lastError).toMatchObject({ kind: 'rejected', reason: 'trust-expired' });
    expect(k.sync.status().verifiedHeight).toBeNull();
    expect(states(k, ids)[0]).not.toBe('final');
  }, 30_000);

  it('headers ahead of the injected clock by more than the drift are refused', async () => {
    const behind = {
      ...w.t.clock,
      now: () => w.t.clock.now() - 60_000,
      monotonic: () => w.t.clock.monotonic(),
      setTimeout: w.t.clock.setTimeout.bind(w.t.clock),
      clearTimeout: w.t.clock.clearTimeout.bind(w.t.clock),
    };
    const k = await w.kiosk(undefined, undefined, { clock: behind });
    await k.sync.runOnce();
    expect(k.sync.light.lastError).toMatchObject({
      kind: 'rejected',
      reason: 'header-from-future',
    });
    expect(k.sync.status().verifiedHeight).toBeNull();
  }, 30_000);

  it('the gater admits only provisioned validators', async () => {
    const p = w.provisioning();
    const k = await w.kiosk({ ...p, validators: p.validators.slice(0, 2) });
    const outsider = must(w.servers[3]);
    expect(k.node.isAllowed(outsider.peerId.toString())).toBe(false);
    expect(k.node.isAllowed(must(p.validators[0]).peerId)).toBe(true);
    const r = await call(k.node, must(outsider.multiaddrs()[0]), HEADERS_PROTOCOL, {
      from: null,
      to: null,
    });
    expect(r.ok ? 'ok' : r.error.kind).toBe('refused');
  }, 30_000);

  it('a restarted service resumes from the trusted state in the store', async () => {
    const k = await w.kiosk();
    await k.sync.runOnce();
    const h = k.sync.status().verifiedHeight;
    expect(h).toBeGreaterThan(1);
    const { createSyncService } = await import('../../../src/sync/index.js');
    const again = createSyncService({
      node: k.node,
      store: k.store,
      provisioning: w.provisioning(),
      clock: w.t.clock,
      random: () => 0.5,
    });
    const init = await again.light.init();
    expect(init.ok && init.value.header.height).toBe(h);
    expect(again.status().counters.headerFetches).toBe(0);
  }, 30_000);
});
