// The kiosk's sync node against an in-process devnet (4 validators, real clock, real libp2p
// on 127.0.0.1): time until a backlog of N queued ballots is final in the kiosk's outbox
// (submitted pipelined, receipts verified and stored, proofs verified against light-client
// verified and witness-checked headers), compared with raw libp2p stream throughput for the
// same number of transaction bytes, and per ballot between two backlog sizes (linearity).
//
// What is measured, honestly: the whole kiosk path and the devnet's consensus (4 validators
// in this process, block every BLOCK_MS, <= 1000 txs per block, real Ed25519 checks of the
// kiosk's signature, nullifier and window rules, SQLite block stores). Not measured: ballot
// sealing (pre-generated: random 3 KiB envelopes signed by the registered demo kiosk) and
// the validators' ballot-proof verification (AppDeps.verifyBallot is switched to accept, so
// 4 validators × N proof checks do not dominate the kiosk's number). The validators' per-peer
// rate limits are raised for the bench: the protocol default (20 submits/s per peer) is a
// deliberate production cap that bounds a kiosk at 20 × validators ballots/s.
//
// Sizes: --quick 1 000 and 4 000; default 2 000 and 10 000. 100 000 (and other sizes):
// SYNC_BENCH_SIZES=10000,100000 npx tsx bench/run.ts --only sync  (needs minutes; the store
// lives in /dev/shm when available so enqueue fsyncs stay out of the way).
import '../src/polyfills.js';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { chainGenesis } from '../src/ballot/index.js';
import { ballotVerifiers, decodeTx, encodeTx } from '../src/devnet/app/index.js';
import { startDevnet, type Devnet } from '../src/devnet/devnet.js';
import { answerHeaders, answerProof, answerState, answerSubmit } from '../src/devnet/rpc.js';
import { demoWorld, type DemoWorld } from '../src/devnet/world.js';
import { createNetNode, type NetNode } from '../src/net/node.js';
import { serve } from '../src/net/reqres.js';
import { measureRawStreamThroughput } from '../src/net/throughput.js';
import { TAG, taggedHash } from '../src/protocol/hash.js';
import {
  HEADERS_PROTOCOL,
  PROOF_PROTOCOL,
  STATE_PROTOCOL,
  SUBMIT_PROTOCOL,
} from '../src/protocol/light-rpc.js';
import { openStore, type Store } from '../src/store/index.js';
import { systemClock } from '../src/shared/clock.js';
import { ok } from '../src/shared/result.js';
import { createSyncNode, createSyncService, type SyncProvisioning } from '../src/sync/index.js';
import { row, type Bench, type BenchRow } from './harness.js';

const BLOCK_MS = 200;
const UNLIMITED = { burst: 1_000_000, perSecond: 1_000_000, maxConcurrent: 64 };

interface Run {
  readonly n: number;
  readonly ms: number;
  readonly txBytes: number;
  readonly rounds: number;
}

function scratch(prefix: string): string {
  return mkdtempSync(join(existsSync('/dev/shm') ? '/dev/shm' : tmpdir(), prefix));
}

/** Pre-generated ballot transactions from the registered demo kiosk (no sealing cost). */
function ballots(world: DemoWorld, electionId: string, n: number): Uint8Array[] {
  return Array.from({ length: n }, () => {
    const envelope = new Uint8Array(randomBytes(3 * 1024));
    return encodeTx({
      body: {
        kind: 'ballot',
        electionId,
        kioskId: world.kiosk.kioskId,
        nullifier: new Uint8Array(randomBytes(32)),
        ballotId: taggedHash(TAG.ballotId, envelope),
        envelope,
      },
      signature: world.kiosk.signer.sign(taggedHash(TAG.envelopeSignature, envelope)),
    });
  });
}

async function serveFast(net: Devnet, dir: string): Promise<NetNode[]> {
  const servers: NetNode[] = [];
  for (const [i, n] of net.nodes.entries()) {
    const s = await createNetNode({ keyFile: join(dir, `v${i}.key`) });
    if (!s.ok) throw new Error('server node');
    const d = { validator: () => n.validator, signer: n.signer, faults: n.faults };
    await serve(s.value, { ...HEADERS_PROTOCOL, rateLimit: UNLIMITED }, (r) => answerHeaders(d, r));
    await serve(s.value, { ...SUBMIT_PROTOCOL, rateLimit: UNLIMITED }, (r) => answerSubmit(d, r));
    await serve(s.value, { ...PROOF_PROTOCOL, rateLimit: UNLIMITED }, (r) => answerProof(d, r));
    await serve(s.value, { ...STATE_PROTOCOL, rateLimit: UNLIMITED }, (r) => answerState(d, r));
    servers.push(s.value);
  }
  return servers;
}

function enqueueAll(store: Store, txs: readonly Uint8Array[], kioskId: string, electionId: string) {
  let prev = chainGenesis(kioskId);
  txs.forEach((tx, seq) => {
    const code = taggedHash('veche/bench-code', tx);
    const r = store.outbox.enqueue({
      ballotId: idOf(tx),
      electionId,
      kioskSeq: seq,
      confirmationCode: code,
      chainPrev: prev,
      envelope: tx,
      kind: 'cast',
    });
    if (!r.ok) throw new Error(JSON.stringify(r.error));
    prev = code;
  });
}

const idIndex = new Map<Uint8Array, Uint8Array>();
const idOf = (tx: Uint8Array): Uint8Array => {
  const id = idIndex.get(tx);
  if (id === undefined) throw new Error('unknown bench tx');
  return id;
};

async function runOnce(n: number, log: (m: string) => void): Promise<Run> {
  const dir = scratch('veche-sync-bench-');
  const clock = systemClock();
  const net = startDevnet({
    dir,
    clock,
    blockMs: BLOCK_MS,
    // The bench never tallies, so no envelope lookups; ballots are accepted unverified.
    deps: {
      ...ballotVerifiers({ envelopeOf: () => undefined }),
      verifyBallot: () => ok(undefined),
    },
  });
  const servers = await serveFast(net, dir);
  const world = demoWorld('bench-world', net.authority, Math.floor(clock.now() / 1000));
  for (const tx of world.txs) {
    const r = net.submit(tx, 0);
    if (!r.ok) throw new Error(JSON.stringify(r.error));
  }
  await net.waitForHeight(3);
  const election = world.elections.find((e) => e.kind === 'referendum');
  if (election === undefined) throw new Error('no referendum');
  log(`sync bench: generating ${n} ballots`);
  const txs = ballots(world, election.electionId, n);
  for (const tx of txs) idIndex.set(tx, ballotIdOf(tx));
  const provisioning: SyncProvisioning = {
    chainId: net.genesis.chainId,
    validators: servers.map((s) => ({
      peerId: s.peerId.toString(),
      multiaddrs: s.multiaddrs().map((a) => a.toString()),
    })),
    checkpoint: net.checkpoint(1),
  };
  const node = await createSyncNode({ keyFile: join(dir, 'kiosk.key'), provisioning });
  if (!node.ok) throw new Error('kiosk node');
  const opened = openStore({
    path: join(dir, 'kiosk.sqlite'),
    kioskId: world.kiosk.kioskId,
    clock,
  });
  if (!opened.ok) throw new Error(JSON.stringify(opened.error));
  const store = opened.value;
  enqueueAll(store, txs, world.kiosk.kioskId, election.electionId);
  const sync = createSyncService({
    node: node.value,
    store,
    provisioning,
    clock,
    random: Math.random,
    backoff: { baseMs: 100, capMs: 2000 },
    concurrencyPerPeer: 16,
    maxPerRound: n,
  });
  log(`sync bench: delivering ${n}`);
  const t0 = performance.now();
  let rounds = 0;
  const deadline = t0 + 30 * 60_000;
  for (; performance.now() < deadline; rounds++) {
    await sync.runOnce();
    const q = sync.status().queue;
    if (process.env['SYNC_BENCH_TRACE']) {
      log(`  round ${rounds} at ${(performance.now() - t0).toFixed(0)} ms: ${JSON.stringify(q)}`);
    }
    if (q.final === n) break;
    // Nothing to do until the next block: do not spin.
    await new Promise<void>((r) => setTimeout(r, BLOCK_MS / 4));
  }
  const ms = performance.now() - t0;
  const st = sync.status();
  log(`sync bench: ${n} in ${ms.toFixed(0)} ms, ${rounds} rounds, ${JSON.stringify(st.queue)}`);
  await node.value.stop();
  store.close();
  for (const s of servers) await s.stop();
  net.stop();
  rmSync(dir, { recursive: true, force: true });
  idIndex.clear();
  if (st.queue.final !== n) throw new Error(`only ${st.queue.final} of ${n} final`);
  return { n, ms, rounds, txBytes: txs.reduce((a, t) => a + t.byteLength, 0) };
}

function ballotIdOf(tx: Uint8Array): Uint8Array {
  const d = decodeTx(tx);
  if (!d.ok || d.value.body.kind !== 'ballot') throw new Error('bench tx');
  return d.value.body.ballotId;
}

const bench: Bench = async (ctx) => {
  const env = process.env['SYNC_BENCH_SIZES'];
  const sizes = env ? env.split(',').map(Number) : ctx.quick ? [1000, 4000] : [2000, 10_000];
  const [small, big] = [sizes[0] ?? 1000, sizes[1] ?? 4000];
  const runs: Run[] = [];
  for (const n of [small, big]) runs.push(await runOnce(n, ctx.log));
  const rows: BenchRow[] = [];
  for (const r of runs) {
    const raw = await measureRawStreamThroughput(r.txBytes, 64 * 1024);
    rows.push(
      row({
        bench: `sync: backlog of ${r.n} ballots to final`,
        value: r.ms,
        unit: 'ms',
        baseline: `raw libp2p stream, same ${(r.txBytes / 2 ** 20).toFixed(1)} MiB (${raw.ms.toFixed(0)} ms)`,
        ratio: raw.ms / r.ms,
        goal: '>= 0.5',
      }),
    );
  }
  const [a, b] = runs;
  if (a !== undefined && b !== undefined) {
    rows.push(
      row({
        bench: `sync: per-ballot time, ${b.n} vs ${a.n}`,
        value: b.ms / b.n,
        unit: 'ms/ballot',
        baseline: `${(a.ms / a.n).toFixed(3)} ms/ballot at ${a.n}`,
        ratio: b.ms / b.n / (a.ms / a.n),
        goal: '<= 1.2',
      }),
    );
  }
  return rows;
};

export default bench;
