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

/** Whether the chain moves past its current height within a generous deadline (a loaded
 * machine may stall the event loop for a while; a stalled validator never moves). */
async function advancesWithin(ms: number): Promise<boolean> {
  const from = v.validator.committedHeight;
  const until = Date.now() + ms;
  while (Date.now() < until) {
    if (v.validator.committedHeight > from) return true;
    await sleep(50);
  }
  return false;
}

/** Waits until the height holds still for `quietMs` (a block proposed before a stall may
 * still commit); false when it never does within the deadline. */
async function settles(quietMs: number, ms: number): Promise<boolean> {
  const until = Date.now() + ms;
  while (Date.now() < until) {
    const [a, b] = await heightAfter(quietMs);
    if (a === b) return true;
  }
  return false;
}

describe('fault switches of a validator process', () => {
  it('the authority stalls and resumes it; others and replays are refused', async () => {
    expect(await advancesWithin(10_000), 'the validator makes blocks').toBe(true);

    const stall = await set({ stalled: true });
    const stallNonce = nonce;
    expect(stall).toMatchObject({ ok: true, value: { status: 'ok', switches: { stalled: true } } });
    expect(await settles(600, 10_000), 'the stalled validator stops').toBe(true);
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
    expect(await advancesWithin(10_000), 'the resumed validator makes blocks').toBe(true);
  }, 60_000);
});
