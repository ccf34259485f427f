// The kiosk's verified chain view over a unit's roll of N voters (DESIGN §5 state pull), against
// a devnet (4 validators, real clock) served with the production light protocols, rate
// limits included, over libp2p on 127.0.0.1:
//   first refresh   every listing paged at one height and proven whole (the roll dominates);
//                   compared with the raw libp2p stream for the same response bytes;
//   held refresh    a later block, nothing under the kiosk's prefixes changed: one proof per
//                   prefix, no page (the view's steady state, every VIEW_REFRESH_MS);
//   changed roll    one voter added: the roll is paged and proven again;
//   nullifier       a voter's nullifiers for the elections on offer looked up by key at the
//                   trusted height when a session begins, against SPENT_LOOKUP_MS.
// The devnet runs in this process, so only wall time is meaningful here. Sizes: --quick
// 20 000 voters, default 100 000 (STATE_BENCH_ROLL=n overrides).
import '../src/polyfills.js';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { DEFAULT_UNIT_PARAMS, encodeTx, signTx, type TxBody } from '../src/devnet/app/index.js';
import { startDevnet } from '../src/devnet/devnet.js';
import { serveLightProtocols } from '../src/devnet/rpc.js';
import { SPENT_LOOKUP_MS } from '../src/main/voting/service.js';
import { createVerifiedChainView } from '../src/main/voting/verified-chain-view.js';
import { createNetNode, type NetNode } from '../src/net/node.js';
import { measureRawStreamThroughput } from '../src/net/throughput.js';
import { encodeCanonical, type Canonical } from '../src/protocol/encoding.js';
import type { StateResponse } from '../src/protocol/light-rpc.js';
import { systemClock } from '../src/shared/clock.js';
import { silentLogger } from '../src/shared/log.js';
import { openStore } from '../src/store/index.js';
import { LightClient } from '../src/sync/light-service.js';
import { DEFAULT_TRUST_OPTIONS } from '../src/sync/light/index.js';
import { peerRpc, type PeerRpc } from '../src/sync/rpc.js';
import { pullState } from '../src/sync/state-pull.js';
import { row, type Bench } from './harness.js';

const UNIT = 'bench-unit';
const ROLL_TX = 10_000;

const bench: Bench = async ({ quick, log }) => {
  const n = Number(process.env['STATE_BENCH_ROLL'] ?? (quick ? 20_000 : 100_000));
  const dir = mkdtempSync(join(tmpdir(), 'veche-state-bench-'));
  const clock = systemClock();
  const net = startDevnet({ dir, clock, blockMs: 1000, logger: silentLogger });
  const nodes: NetNode[] = [];
  try {
    let seq = 0;
    const authority = (body: Record<string, unknown>) => {
      const tx = signTx({ ...body, seq: ++seq } as unknown as TxBody, net.authority);
      const r = net.submit(encodeTx(tx), 0);
      if (!r.ok) throw new Error(JSON.stringify(r.error));
    };
    authority({ kind: 'unit-params', unit: UNIT, parent: null, params: DEFAULT_UNIT_PARAMS });
    for (let i = 0; i < n; i += ROLL_TX) {
      const entries = Array.from({ length: Math.min(ROLL_TX, n - i) }, () => randomBytes(32));
      authority({ kind: 'roll-add', unit: UNIT, entries: entries.map((e) => new Uint8Array(e)) });
    }
    log(`roll of ${n}: waiting for the devnet to commit it`);
    await net.waitForHeight(3 + Math.ceil(n / ROLL_TX), 300_000);

    const addrs: string[] = [];
    for (const i of [0, 1]) {
      const s = await createNetNode({ keyFile: join(dir, `server-${i}.key`) });
      if (!s.ok) throw new Error('server node');
      nodes.push(s.value);
      const v = net.nodes[i];
      if (v === undefined) throw new Error('validator');
      await serveLightProtocols(s.value, {
        validator: () => v.validator,
        signer: v.signer,
        faults: v.faults,
      });
      addrs.push(String(s.value.multiaddrs()[0]));
    }
    const k = await createNetNode({ keyFile: join(dir, 'kiosk.key') });
    if (!k.ok) throw new Error('kiosk node');
    nodes.push(k.value);
    const opened = openStore({ path: join(dir, 'kiosk.db'), kioskId: 'k-bench', clock });
    if (!opened.ok) throw new Error(opened.error.kind);
    const store = opened.value;
    const counters = { headerFetches: 0, submits: 0, proofs: 0, submitBatches: 0, proofBatches: 0 };
    const peers = addrs.map((a) => peerRpc(k.value, a, counters));
    const chainId = net.genesis.chainId;
    const light = new LightClient({
      store,
      chainId,
      checkpoint: net.checkpoint(1),
      peers,
      clock,
      options: DEFAULT_TRUST_OPTIONS,
      logger: silentLogger,
    });
    // Answers are kept (references only) so their bytes can be counted after the clock stops.
    const answers: StateResponse[] = [];
    const base = peers[0] as PeerRpc;
    const primary: PeerRpc = {
      ...base,
      async state(req) {
        const r = await base.state(req);
        if (r.ok) answers.push(r.value);
        return r;
      },
    };
    const wait = (ms: number) => new Promise<void>((r) => clock.setTimeout(r, ms));
    const view = createVerifiedChainView({
      unit: UNIT,
      source: {
        pullState: (q) => pullState(light, primary, store, chainId, q, wait),
        headerTime: async (h) => {
          const r = await light.headerAt(h);
          return r.ok ? r.value.time : null;
        },
      },
    });
    // Headers first, so the refreshes below time the state alone.
    const init = await light.advanceToLatest();
    if (!init.ok) throw new Error(JSON.stringify(init.error));

    const timed = async (what: string) => {
      answers.length = 0;
      const t0 = performance.now();
      const r = await view.refresh();
      const ms = performance.now() - t0;
      if (!r.ok) throw new Error(`${what}: ${JSON.stringify(r.error)}`);
      const bytes = answers.reduce(
        (s, a) => s + encodeCanonical(a as unknown as Canonical).byteLength,
        0,
      );
      log(
        `${what}: ${ms.toFixed(0)} ms, ${answers.length} answers, ${(bytes / 2 ** 20).toFixed(1)} MiB`,
      );
      return { ms, bytes, answers: answers.length };
    };

    const first = await timed('first refresh');
    const raw = await measureRawStreamThroughput(first.bytes, 64 * 1024, {
      client: k.value,
      server: nodes[0] as NetNode,
    });
    await net.waitForHeight(net.validator(0).committedHeight + 1);
    await light.advanceToLatest();
    const held = await timed('held refresh');
    authority({ kind: 'roll-add', unit: UNIT, entries: [new Uint8Array(randomBytes(32))] });
    await net.waitForHeight(net.validator(0).committedHeight + 2);
    await light.advanceToLatest();
    const changed = await timed('changed roll');

    const asks = ['e-1', 'e-2', 'e-3'].map((electionId) => ({
      electionId,
      nullifier: new Uint8Array(randomBytes(32)),
    }));
    const lookups: number[] = [];
    for (let i = 0; i < 21; i++) {
      const t0 = performance.now();
      const r = await view.view.spentNullifiers(asks);
      lookups.push(performance.now() - t0);
      if (r === null) throw new Error('nullifier lookup failed');
    }
    lookups.sort((a, b) => a - b);
    const lookup = lookups[10] as number;
    store.close();

    const mib = (first.bytes / 2 ** 20).toFixed(1);
    return [
      row({
        bench: `state pull: first refresh, ${n}-voter roll (${first.answers} answers)`,
        value: first.ms,
        unit: 'ms',
        baseline: `raw libp2p stream of the same ${mib} MiB (${raw.ms.toFixed(0)} ms)`,
        ratio: raw.ms / first.ms,
        goal: 'info',
      }),
      row({
        bench: `state pull: held refresh, roll unchanged (${held.answers} answers)`,
        value: held.ms,
        unit: 'ms',
        baseline: 'the first refresh',
        ratio: held.ms / first.ms,
        goal: 'info',
      }),
      row({
        bench: `state pull: refresh after one voter added (${changed.answers} answers)`,
        value: changed.ms,
        unit: 'ms',
        baseline: 'the first refresh',
        ratio: changed.ms / first.ms,
        goal: 'info',
      }),
      row({
        bench: 'nullifier lookup by key at session start (3 elections), median of 21',
        value: lookup,
        unit: 'ms',
        baseline: `SPENT_LOOKUP_MS (${SPENT_LOOKUP_MS} ms, the session's deadline)`,
        ratio: lookup / SPENT_LOOKUP_MS,
        goal: '<= 0.25',
      }),
    ];
  } finally {
    for (const x of nodes) await x.stop().catch(() => undefined);
    net.stop();
    rmSync(dir, { recursive: true, force: true });
  }
};

export default bench;
