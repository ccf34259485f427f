// The kiosk's side of a devnet test: a light client (src/sync/light-service.ts) provisioned
// with a checkpoint, following two validators served over libp2p (primary and witness),
// and state pulled with src/sync/state-pull.ts. Everything a test reads through this was
// proven against appHash of a header the light client verified, not taken from a validator.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { serveLightProtocols } from '../../../src/devnet/rpc.js';
import { createNetNode, type NetNode } from '../../../src/net/node.js';
import { decodeCanonical } from '../../../src/protocol/encoding.js';
import type { Header } from '../../../src/protocol/header.js';
import { silentLogger } from '../../../src/shared/log.js';
import { openStore, type Store } from '../../../src/store/index.js';
import { LightClient } from '../../../src/sync/light-service.js';
import { DEFAULT_TRUST_OPTIONS } from '../../../src/sync/light/index.js';
import { peerRpc, type PeerRpc, type RpcCounters } from '../../../src/sync/rpc.js';
import { pullState } from '../../../src/sync/state-pull.js';
import { must, type TestNet } from '../../unit/devnet-net/helpers.js';

export interface VerifiedView {
  readonly height: number;
  /** Decoded records of the verified present keys. */
  readonly records: ReadonlyMap<string, unknown>;
  readonly absent: readonly string[];
  get<T>(key: string): T | undefined;
}

export interface KioskSide {
  readonly light: LightClient;
  readonly primary: PeerRpc;
  readonly store: Store;
  /** Pulls keys and prefixes at the newest verified header. */
  pull(keys: readonly string[], prefixes?: readonly string[]): Promise<VerifiedView>;
  /** A header the light client verified. */
  header(height: number): Promise<Header>;
  close(): Promise<void>;
}

/** Needs height 1 committed (the checkpoint). */
export async function kioskSide(t: TestNet, kioskId = 'kiosk-observer'): Promise<KioskSide> {
  const dir = mkdtempSync(join(tmpdir(), 'veche-kiosk-side-'));
  const nodes: NetNode[] = [];
  const servers: string[] = [];
  for (const i of [0, 1]) {
    const s = await createNetNode({ keyFile: join(dir, `server-${i}.key`) });
    if (!s.ok) throw new Error('server node failed');
    nodes.push(s.value);
    await serveLightProtocols(s.value, {
      validator: () => t.net.validator(i),
      signer: must(t.net.nodes[i]).signer,
      faults: must(t.net.nodes[i]).faults,
    });
    servers.push(must(s.value.multiaddrs()[0]).toString());
  }
  const k = await createNetNode({ keyFile: join(dir, 'kiosk.key') });
  if (!k.ok) throw new Error('kiosk node failed');
  nodes.push(k.value);
  const opened = openStore({ path: join(dir, 'kiosk.db'), kioskId, clock: t.clock });
  if (!opened.ok) throw new Error(JSON.stringify(opened.error));
  const store = opened.value;
  const counters: RpcCounters = {
    headerFetches: 0,
    submits: 0,
    proofs: 0,
    submitBatches: 0,
    proofBatches: 0,
  };
  const peers = servers.map((addr) => peerRpc(k.value, addr, counters));
  const chainId = t.net.genesis.chainId;
  const light = new LightClient({
    store,
    chainId,
    checkpoint: t.net.checkpoint(1),
    peers,
    clock: t.clock,
    options: DEFAULT_TRUST_OPTIONS,
    logger: silentLogger,
  });
  const primary = must(peers[0]);
  return {
    light,
    primary,
    store,
    async pull(keys, prefixes = []) {
      const r = await pullState(light, primary, store, chainId, { keys, prefixes });
      if (!r.ok) throw new Error(`state pull: ${JSON.stringify(r.error)}`);
      const records = new Map<string, unknown>();
      for (const [key, bytes] of r.value.items) {
        const d = decodeCanonical(bytes);
        if (!d.ok) throw new Error(`undecodable ${key}`);
        records.set(key, d.value);
      }
      return {
        height: r.value.height,
        records,
        absent: r.value.absent,
        get: <T>(key: string) => records.get(key) as T | undefined,
      };
    },
    async header(height) {
      const h = await light.headerAt(height);
      if (!h.ok) throw new Error(`header ${height}: ${JSON.stringify(h.error)}`);
      return h.value;
    },
    async close() {
      for (const n of nodes) await n.stop();
      store.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
