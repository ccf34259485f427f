// The process runner's fault switches over /veche/devnet-admin/1: a validator process (run
// here in-process, one validator, real libp2p) obeys the devnet authority and nobody else,
// and refuses replays.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { setRemoteFaults, type FaultPatch } from '../../../src/devnet/faults.js';
import { authoritySigner, devnetSigner } from '../../../src/devnet/keys.js';
import { runValidatorProcess, type RunningValidator } from '../../../src/devnet/process.js';
import { createNetNode, type NetNode } from '../../../src/net/node.js';
import { systemClock } from '../../../src/shared/clock.js';
import { silentLogger } from '../../../src/shared/log.js';
import { must } from '../../unit/devnet-net/helpers.js';

const SEED = 'admin-test';
const CHAIN = 'admin-chain';
let dir: string;
let v: RunningValidator;
let client: NetNode;
let addr: string;
let nonce = 0;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'veche-devnet-admin-'));
  v = await runValidatorProcess({
    index: 0,
    validators: 1,
    dir,
    basePort: 0,
    seed: SEED,
    chainId: CHAIN,
    genesisTime: Date.now(),
    blockMs: 100,
    clock: systemClock(),
    logger: silentLogger,
  });
  const c = await createNetNode({ keyFile: join(dir, 'client.key') });
  if (!c.ok) throw new Error('client node');
  client = c.value;
  addr = must(v.ready.multiaddrs[0]);
});

afterAll(async () => {
  await client?.stop();
  await v?.stop();
  rmSync(dir, { recursive: true, force: true });
});

const set = (switches: FaultPatch, o: { by?: string; n?: number; validator?: number } = {}) =>
  setRemoteFaults(
    client,
    addr,
    { chainId: CHAIN, validator: o.validator ?? 0, nonce: o.n ?? ++nonce, switches },
    o.by === undefined ? authoritySigner(SEED) : devnetSigner(SEED, o.by),
  );

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function heightAfter(ms: number): Promise<[number, number]> {
  const before = v.validator.committedHeight;
  await sleep(ms);
  return [before, v.validator.committedHeight];
}

describe('fault switches of a validator process', () => {
  it('the authority stalls and resumes it; others and replays are refused', async () => {
    await sleep(400);
    const [a, b] = await heightAfter(500);
    expect(b).toBeGreaterThan(a);

    const stall = await set({ stalled: true });
    const stallNonce = nonce;
    expect(stall).toMatchObject({ ok: true, value: { status: 'ok', switches: { stalled: true } } });
    await sleep(300); // a block already proposed may still commit
    const [c, d] = await heightAfter(800);
    expect(d).toBe(c);

    // A kiosk's key, another validator's index, and a replayed nonce change nothing.
    expect(await set({ stalled: false }, { by: 'kiosk/kiosk-1' })).toMatchObject({
      ok: true,
      value: { status: 'refused', reason: 'bad-signature' },
    });
    expect(await set({ stalled: false }, { validator: 3 })).toMatchObject({
      value: { status: 'refused', reason: 'wrong-validator' },
    });
    // The stall request itself, sent again (captured and replayed, with its nonce).
    expect(await set({ stalled: false }, { n: stallNonce })).toMatchObject({
      value: { status: 'refused', reason: 'stale-nonce' },
    });
    const [e, f] = await heightAfter(500);
    expect(f).toBe(e);

    expect(await set({ stalled: false, clockSkewMs: 5 })).toMatchObject({
      value: { status: 'ok', switches: { stalled: false, clockSkewMs: 5, forgeHeaders: false } },
    });
    const [g, h] = await heightAfter(800);
    expect(h).toBeGreaterThan(g);
  });
});
