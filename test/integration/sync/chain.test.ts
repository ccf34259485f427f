// The kiosk following the chain: catching up by skipping after a long time offline, losing
// its network (kiosk-side block) or half the validators mid-backlog and healing with nothing
// lost or duplicated, and following a validator-set rotation.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { key } from '../../../src/devnet/app/index.js';
import { decodeCanonical } from '../../../src/protocol/encoding.js';
import { toHex } from '../../../src/protocol/hash.js';
import { must } from '../../unit/devnet-net/helpers.js';
import { startWorld, states, type Kiosk, type World } from './kiosk-net.js';

let w: World;
beforeAll(async () => {
  // Node 4 is a standby validator: it follows the chain and joins the set on rotation.
  w = await startWorld({ standby: 1 });
}, 30_000);
afterAll(async () => {
  await w?.close();
});

const allFinal = (k: Kiosk, ids: Uint8Array[]) => () => states(k, ids).every((s) => s === 'final');

async function castCount(k: Kiosk): Promise<number> {
  const e = must(w.world.elections.find((x) => x.kind === 'referendum'));
  // appHash of header h is the state after h - 1: let the chain move past the last ballots.
  await w.t.until(w.t.net.validator(0).committedHeight + 2);
  const r = await k.sync.pullState({ keys: [key.election(e.electionId)], prefixes: [] });
  if (!r.ok) throw new Error(JSON.stringify(r.error));
  const rec = decodeCanonical(must(r.value.items.get(key.election(e.electionId))));
  if (!rec.ok) throw new Error('election record');
  return (rec.value as { cast: number }).cast;
}

describe('sync: following the chain', () => {
  it('a kiosk offline for many blocks catches up by skipping (few fetches, few signatures)', async () => {
    const k = await w.kiosk(w.provisioning({}, 1));
    const target = w.t.net.validator(0).committedHeight + 30;
    await w.t.until(target);
    await k.sync.runOnce();
    const st = k.sync.status();
    expect(st.verifiedHeight).toBeGreaterThanOrEqual(target);
    expect(st.lag).toBe(0);
    // checkpoint block + one skip + one witness block, against ~30 for adjacent steps.
    expect(st.counters.headerFetches).toBeLessThanOrEqual(4);
    expect(st.counters.signaturesVerified).toBeLessThanOrEqual(6);
  }, 60_000);

  it('kiosk cut off from every validator mid-backlog: nothing moves, then all final after healing', async () => {
    const k = await w.kiosk();
    const before = await castCount(k);
    const ids = k.enqueue(4);
    const peers = w.provisioning().validators.map((v) => v.peerId);
    await k.node.setAllowedPeers([]);
    for (let i = 0; i < 3; i++) {
      await k.sync.runOnce();
      await w.t.step(500);
    }
    // No validator answered: still queued, not "sent" (delivery marks sent on an answer).
    expect(states(k, ids)).toEqual(['queued', 'queued', 'queued', 'queued']);
    expect(k.sync.status().lastError).toMatch(/refused|unavailable/);
    await k.node.setAllowedPeers(peers);
    await w.drive([k], allFinal(k, ids), 80);
    expect(await castCount(k)).toBe(before + 4);
  }, 60_000);

  it('half the validators crash mid-backlog (chain stalls), restart: nothing lost, nothing duplicated', async () => {
    const k = await w.kiosk();
    const before = await castCount(k);
    const ids = k.enqueue(4);
    await k.sync.runOnce();
    w.t.net.crash(2);
    w.t.net.crash(3);
    const more = k.enqueue(2);
    for (let i = 0; i < 4; i++) {
      await k.sync.runOnce();
      await w.t.step(500);
    }
    expect(states(k, more).some((s) => s === 'final')).toBe(false);
    w.t.net.restart(2);
    w.t.net.restart(3);
    const all = [...ids, ...more];
    await w.drive([k], allFinal(k, all), 120);
    expect(await castCount(k)).toBe(before + 6);
    expect(k.sync.status().queue.final).toBe(6);
  }, 90_000);

  it('follows a validator-set rotation: the new set signs, the old member is gone', async () => {
    const k = await w.kiosk();
    await k.sync.runOnce();
    const r = w.t.net.rotate([1, 1, 1, 0, 1]);
    expect(r.ok).toBe(true);
    const h = w.t.net.validator(0).committedHeight;
    await w.t.until(h + 4);
    // Node 3 is out of the set: crash it; the chain must go on with 0, 1, 2 and 4.
    w.t.net.crash(3);
    const ids = k.enqueue(2);
    await w.drive([k], allFinal(k, ids), 120);
    const trusted = must(k.sync.light.trusted);
    const keys = trusted.nextValidatorSet.validators.map((v) => toHex(v.pubKey));
    expect(keys).toContain(toHex(must(w.t.net.nodes[4]).signer.publicKey));
    expect(keys).not.toContain(toHex(must(w.t.net.nodes[3]).signer.publicKey));
    expect(trusted.header.height).toBeGreaterThan(h + 2);
  }, 90_000);
});
