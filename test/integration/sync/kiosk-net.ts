// A devnet (ManualClock, in-process consensus) whose validators each serve the light-node
// protocols over real libp2p on 127.0.0.1, a demo world on chain, and kiosks built from the
// sync module (own libp2p key, own SQLite store) provisioned with those validators.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chainGenesis, prepareBallot, sealBallot } from '../../../src/ballot/index.js';
import { encodeTx } from '../../../src/devnet/app/index.js';
import { serveLightProtocols } from '../../../src/devnet/rpc.js';
import { demoWorld, type DemoWorld } from '../../../src/devnet/world.js';
import type { DevnetOptions } from '../../../src/devnet/devnet.js';
import type { NetNode } from '../../../src/net/node.js';
import { createNetNode } from '../../../src/net/node.js';
import { taggedHash } from '../../../src/protocol/hash.js';
import type { SealedBallot as StoreBallot, Store } from '../../../src/store/index.js';
import { openStore } from '../../../src/store/index.js';
import {
  createSyncNode,
  createSyncService,
  type SyncProvisioning,
  type SyncService,
  type SyncServiceOptions,
} from '../../../src/sync/index.js';
import { must, testNet, type TestNet } from '../../unit/devnet-net/helpers.js';

export interface Kiosk {
  readonly node: NetNode;
  readonly store: Store;
  readonly sync: SyncService;
  /** Seals and enqueues `n` more ballots (real ballots, referendum), returns their ids. */
  enqueue(n: number): Uint8Array[];
  /** Enqueues arbitrary submission bytes as the next ballot (a malformed one, in tests). */
  enqueueBytes(tx: Uint8Array, ballotId: Uint8Array): void;
}

export interface World {
  readonly t: TestNet;
  readonly world: DemoWorld;
  readonly servers: NetNode[];
  provisioning(over?: Partial<SyncProvisioning>, checkpointHeight?: number): SyncProvisioning;
  kiosk(p?: SyncProvisioning, name?: string, over?: Partial<SyncServiceOptions>): Promise<Kiosk>;
  /** Steps the devnet clock and runs one sync round of each kiosk, until `done` (bounded). */
  drive(kiosks: readonly Kiosk[], done: () => boolean, maxRounds?: number): Promise<number>;
  close(): Promise<void>;
}

/** Deterministic [0,1) for the retry jitter. */
export function seededRandom(seed = 1): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

let voter = 0;

export async function startWorld(
  over: Partial<DevnetOptions> = {},
  serving: { batch?: boolean } = {},
): Promise<World> {
  const t = testNet(over);
  const nowS = () => Math.floor(t.clock.now() / 1000);
  const world = demoWorld('sync-world', t.net.authority, nowS());
  for (const tx of world.txs) {
    const r = t.net.submit(tx, 0);
    if (!r.ok) throw new Error(JSON.stringify(r.error));
  }
  await t.until(3);
  const dir = mkdtempSync(join(tmpdir(), 'veche-sync-'));
  const servers: NetNode[] = [];
  for (const [i, n] of t.net.nodes.entries()) {
    const s = await createNetNode({ keyFile: join(dir, `validator-${i}.key`) });
    if (!s.ok) throw new Error('server node');
    await serveLightProtocols(
      s.value,
      {
        validator: () => (n.running ? n.validator : undefined),
        signer: n.signer,
        faults: n.faults,
      },
      serving,
    );
    servers.push(s.value);
  }
  const kiosks: Kiosk[] = [];
  const election = must(world.elections.find((e) => e.kind === 'referendum'));

  const provisioning: World['provisioning'] = (over = {}, h = 1) => ({
    chainId: t.net.genesis.chainId,
    validators: servers.map((s) => ({
      peerId: s.peerId.toString(),
      multiaddrs: s.multiaddrs().map((a) => a.toString()),
    })),
    checkpoint: t.net.checkpoint(h),
    ...over,
  });

  return {
    t,
    world,
    servers,
    provisioning,
    async kiosk(p = provisioning(), name = `kiosk-${kiosks.length}`, over = {}) {
      const node = must(
        await createSyncNode({ keyFile: join(dir, `${name}.key`), provisioning: p }).then((r) =>
          r.ok ? r.value : undefined,
        ),
      );
      const opened = openStore({
        path: join(dir, `${name}.sqlite`),
        kioskId: world.kiosk.kioskId,
        clock: t.clock,
      });
      if (!opened.ok) throw new Error(JSON.stringify(opened.error));
      const store = opened.value;
      const sync = createSyncService({
        node,
        store,
        provisioning: p,
        clock: t.clock,
        random: seededRandom(kiosks.length + 1),
        backoff: { baseMs: 200, capMs: 2000 },
        ...over,
      });
      let seq = 0;
      let prev = chainGenesis(world.kiosk.kioskId);
      const k: Kiosk = {
        node,
        store,
        sync,
        enqueue(n) {
          const ids: Uint8Array[] = [];
          for (let i = 0; i < n; i++) {
            const s = sealBallot({
              ctx: election.ctx,
              prepared: prepareBallot(election.ctx, 'main'),
              choices: [[1, 0]],
              nullifier: taggedHash(
                'veche/test-nullifier',
                new TextEncoder().encode(`v${voter++}`),
              ),
              kioskId: world.kiosk.kioskId,
              kioskSeq: seq,
              chainPrev: prev,
              now: nowS(),
              signer: world.kiosk.signer,
            });
            if (!s.ok) throw new Error(JSON.stringify(s.error));
            const tx = encodeTx({
              body: {
                kind: 'ballot',
                electionId: election.electionId,
                kioskId: world.kiosk.kioskId,
                nullifier: s.value.envelope.nullifier,
                ballotId: s.value.ballotId,
                envelope: s.value.signed.bytes,
              },
              signature: s.value.signed.signature,
            });
            const row: StoreBallot = {
              ballotId: s.value.ballotId,
              electionId: election.electionId,
              kioskSeq: seq,
              confirmationCode: s.value.confirmationCode,
              chainPrev: prev,
              envelope: tx,
              kind: 'cast',
            };
            const r = store.outbox.enqueue(row);
            if (!r.ok) throw new Error(JSON.stringify(r.error));
            prev = s.value.confirmationCode;
            seq++;
            ids.push(s.value.ballotId);
          }
          return ids;
        },
        enqueueBytes(tx, ballotId) {
          const code = taggedHash('veche/test-code', tx);
          const r = store.outbox.enqueue({
            ballotId,
            electionId: election.electionId,
            kioskSeq: seq,
            confirmationCode: code,
            chainPrev: prev,
            envelope: tx,
            kind: 'cast',
          });
          if (!r.ok) throw new Error(JSON.stringify(r.error));
          prev = code;
          seq++;
        },
      };
      kiosks.push(k);
      return k;
    },
    async drive(ks, done, maxRounds = 60) {
      for (let i = 0; i < maxRounds; i++) {
        for (const k of ks) await k.sync.runOnce();
        if (done()) return i + 1;
        await t.step(300);
      }
      throw new Error(`not done after ${maxRounds} rounds`);
    },
    async close() {
      for (const k of kiosks) {
        k.sync.stop();
        await k.node.stop();
        k.store.close();
      }
      for (const s of servers) await s.stop();
      t.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export const states = (k: Kiosk, ids: readonly Uint8Array[]) =>
  ids.map((id) => must(k.store.outbox.get(id)).state);
