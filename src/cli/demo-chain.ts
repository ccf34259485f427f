// The demo's local chain: a four-validator devnet with the demo world on chain, each
// validator serving the light-node protocols over libp2p on 127.0.0.1, and the kiosk's own
// store and sync node following it as a light client. A composition of development tools,
// so it lives with the CLI, not in the host (the devnet never sits under src/main).
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { startDevnet, type Devnet } from '../devnet/devnet.js';
import { runDemoHistory } from '../devnet/scenario/demo-history.js';
import { DEMO_JURY_BILL, demoJuryRequestTxs, runDemoJury } from '../devnet/scenario/demo-jury.js';
import { AuthorityTxs, realClockDriver } from '../devnet/scenario/driver.js';
import { serveLightProtocols } from '../devnet/rpc.js';
import { demoWorld, type DemoWorld } from '../devnet/world.js';
import { DEMO_JURORS, demoJuryToken, demoRoll, demoRollTx } from './demo-voting.js';
import { devnetTxOf } from './demo-tx.js';
import { createNetNode, type NetNode } from '../net/node.js';
import type { Clock } from '../shared/clock.js';
import { EVENTS } from '../shared/events.js';
import type { Logger } from '../shared/log.js';
import { openStore, type Store } from '../store/index.js';
import {
  createSyncNode,
  createSyncService,
  type SyncProvisioning,
  type SyncService,
} from '../sync/index.js';
import type { ChainView } from '../main/rpc/schema.js';

export interface DemoChain {
  readonly world: DemoWorld;
  readonly store: Store;
  readonly sync: SyncService;
  view(): ChainView;
  close(): Promise<void>;
}

/**
 * The demo world and what follows it at once, in seq order: the world's transactions, the
 * roll-add of the sample people, their qualification as jurors and the jury request (a juror
 * must be on the roll to qualify; the jury election waits for the draw, runDemoJury).
 * `tokenOf` is the roll authority's eligibility token for a drawn juror's entry.
 */
export function demoSetup(
  net: Devnet,
  nowMs: number,
): {
  world: DemoWorld;
  txs: Uint8Array[];
  tokenOf: (entry: Uint8Array) => Uint8Array | undefined;
  /** The authority's seq counter after these txs, for the scripts that follow them. */
  auth: AuthorityTxs;
} {
  const nowS = Math.floor(nowMs / 1000);
  const world = demoWorld('demo', net.authority, nowS, 14, { juryBill: DEMO_JURY_BILL });
  const roll = demoRoll(nowMs);
  const jurors = DEMO_JURORS.map((id) => {
    const p = roll.get(id);
    if (p === undefined) throw new Error(`demo juror ${id} is not on the demo roll`);
    return p.entry;
  });
  const jury = world.elections.find((e) => e.kind === 'jury');
  if (jury === undefined) throw new Error('the demo world has no jury election');
  const rollTx = demoRollTx(
    world,
    net,
    [...roll.values()].map((p) => p.entry),
  );
  const auth = new AuthorityTxs(net.authority, world.txs.length + 1);
  return {
    world,
    txs: [...world.txs, rollTx, ...demoJuryRequestTxs(auth, world, jurors, nowS)],
    tokenOf: demoJuryToken(roll, jury.electionId),
    auth,
  };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export async function startDemoChain(o: {
  clock: Clock;
  logger: Logger;
  dir: string;
  blockMs?: number;
}): Promise<DemoChain> {
  mkdirSync(o.dir, { recursive: true });
  const net = startDevnet({
    dir: join(o.dir, 'devnet'),
    clock: o.clock,
    blockMs: o.blockMs ?? 2000,
    logger: o.logger.child({ module: 'devnet' }),
  });
  const servers: NetNode[] = [];
  let stopping = false;
  let history: Promise<void> = Promise.resolve();
  // Ends the scenarios' waits (a timed pause, a height) when the demo stops, before the
  // servers and the devnet go. Without it a demo stopped during a pause stayed alive
  // until the pause's timer ran out (measured: 2.65 s instead of 1.05 s, in a 3 s pause).
  const scenarios = new AbortController();
  const cleanup = async () => {
    stopping = true;
    scenarios.abort(new Error('demo stopped'));
    for (const s of servers) await s.stop().catch(() => undefined);
    net.stop();
    // Both ends come at once now; the bound only guards against a wait this misses. Its
    // timer is cleared, not unref'd: with nothing else left alive, an unref'd one would let
    // the process exit here, before the demo's own cleanup ran.
    let bound: NodeJS.Timeout | undefined;
    await Promise.race([history, new Promise((r) => (bound = setTimeout(r, 3000)))]);
    clearTimeout(bound);
  };
  try {
    const { world, txs: setup, tokenOf, auth } = demoSetup(net, o.clock.now());
    for (const tx of setup) {
      const r = net.submit(tx, 0);
      if (!r.ok) throw new Error(`demo world transaction refused: ${JSON.stringify(r.error)}`);
    }
    // The world's transactions land in the first blocks; wait (bounded) until they have.
    for (let i = 0; i < 150 && net.validator(0).committedHeight < 3; i++) await sleep(100);
    if (net.validator(0).committedHeight < 3) throw new Error('the devnet made no blocks');
    // In the background, side by side, signing with one authority seq counter: the jury (its
    // draw comes juryLookback blocks after the request, ~10 s; then the eligibility tokens and
    // the jury election, which the kiosk lists at its next refresh) and Polatsk's history
    // (recall, ratings, an open confidence vote; ~43 s). The demo waits for neither. Their
    // refusals are logged by the scenarios; a throw is logged here unless the demo is stopping.
    const logThrow = (log: Logger) => (e: unknown) => {
      const message = e instanceof Error ? e.message : String(e);
      if (stopping) log.warn(EVENTS.scenarioFailed, { reason: 'demo stopped', message });
      else log.error(EVENTS.scenarioFailed, { message });
    };
    const juryLog = o.logger.child({ module: 'demo-jury' });
    const historyLog = o.logger.child({ module: 'demo-history' });
    history = Promise.all([
      runDemoJury(realClockDriver(net, undefined, scenarios.signal), {
        world,
        tokenOf,
        auth,
        logger: juryLog,
      }).then(() => undefined, logThrow(juryLog)),
      runDemoHistory(net, historyLog, auth, scenarios.signal).then(
        () => undefined,
        logThrow(historyLog),
      ),
    ]).then(() => undefined);

    for (const [i, n] of net.nodes.entries()) {
      const s = await createNetNode({ keyFile: join(o.dir, `validator-${i}.key`) });
      if (!s.ok) throw new Error(`validator ${i} network: ${JSON.stringify(s.error)}`);
      servers.push(s.value);
      await serveLightProtocols(s.value, {
        validator: () => (n.running ? n.validator : undefined),
        signer: n.signer,
        faults: n.faults,
      });
    }
    const provisioning: SyncProvisioning = {
      chainId: net.genesis.chainId,
      validators: servers.map((s) => ({
        peerId: s.peerId.toString(),
        multiaddrs: s.multiaddrs().map((a) => a.toString()),
      })),
      checkpoint: net.checkpoint(1),
    };
    const node = await createSyncNode({ keyFile: join(o.dir, 'kiosk.key'), provisioning });
    if (!node.ok) throw new Error(`kiosk network: ${JSON.stringify(node.error)}`);
    const opened = openStore({
      path: join(o.dir, 'kiosk.sqlite'),
      kioskId: world.kiosk.kioskId,
      clock: o.clock,
      logger: o.logger,
    });
    if (!opened.ok) throw new Error(`kiosk store: ${JSON.stringify(opened.error)}`);
    const store = opened.value;
    const sync = createSyncService({
      node: node.value,
      store,
      provisioning,
      clock: o.clock,
      random: Math.random,
      logger: o.logger,
      txOf: devnetTxOf,
    });
    sync.start();
    return {
      world,
      store,
      sync,
      view() {
        const s = sync.status();
        return {
          verifiedHeight: s.verifiedHeight,
          latestHeight: s.latestSeenHeight,
          lag: s.lag,
          peers: s.peers.filter((p) => p.connected).length,
          queue: { ...s.queue },
          alarm: s.alarm === null ? null : s.alarm.kind,
          lastError: s.lastError,
        };
      },
      async close() {
        sync.stop();
        await node.value.stop().catch(() => undefined);
        store.close();
        await cleanup();
      },
    };
  } catch (e) {
    await cleanup();
    throw e;
  }
}
