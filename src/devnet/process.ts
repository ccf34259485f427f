// One validator as its own process: a libp2p node on 127.0.0.1:(basePort + index) that
// speaks the consensus transport to the other validators and serves the light-node
// protocols to kiosks. main.ts starts one of these per validator.
import { join } from 'node:path';
import { peerIdFromPrivateKey } from '@libp2p/peer-id';
import { loadOrCreatePeerKey } from '../net/keys.js';
import { createNetNode, type NetNode } from '../net/node.js';
import { serve, type Service } from '../net/reqres.js';
import { toHex } from '../protocol/hash.js';
import type { Clock } from '../shared/clock.js';
import { EVENTS } from '../shared/events.js';
import type { Logger } from '../shared/log.js';
import { ballotModuleDeps } from './ballot-deps.js';
import { p2pTransport, type P2pPeer } from './consensus/p2p.js';
import { ChainStore } from './consensus/store.js';
import { Validator } from './consensus/validator.js';
import { ADMIN_PROTOCOL, adminHandler, noFaults } from './faults.js';
import { devnetGenesis } from './genesis.js';
import { authoritySigner, validatorSigner } from './keys.js';
import { serveLightProtocols } from './rpc.js';

export interface ProcessOptions {
  index: number;
  validators: number;
  dir: string;
  basePort: number;
  seed: string;
  chainId: string;
  genesisTime: number;
  blockMs: number;
  clock: Clock;
  logger: Logger;
}

export const peerKeyFile = (dir: string, i: number): string => join(dir, `p2p-${i}.key`);
export const peerAddr = (basePort: number, i: number, peerId: string): string =>
  `/ip4/127.0.0.1/tcp/${basePort + i}/p2p/${peerId}`;

/** Loads (or creates) every validator's libp2p key and returns the peer ids, by index. */
export async function devnetPeerIds(dir: string, validators: number): Promise<string[]> {
  const ids: string[] = [];
  for (let i = 0; i < validators; i++) {
    const k = await loadOrCreatePeerKey(peerKeyFile(dir, i));
    if (!k.ok) throw new Error(`peer key ${i}: ${JSON.stringify(k.error)}`);
    ids.push(peerIdFromPrivateKey(k.value.key).toString());
  }
  return ids;
}

export interface RunningValidator {
  readonly validator: Validator;
  readonly node: NetNode;
  readonly ready: { index: number; peerId: string; multiaddrs: string[]; pubKey: string };
  stop(): Promise<void>;
}

export async function runValidatorProcess(o: ProcessOptions): Promise<RunningValidator> {
  const ids = await devnetPeerIds(o.dir, o.validators);
  const peers: P2pPeer[] = ids
    .map((peerId, i) => ({ peerId, addr: peerAddr(o.basePort, i, peerId), i }))
    .filter((p) => p.i !== o.index)
    .map(({ peerId, addr }) => ({ peerId, addr }));
  const created = await createNetNode({
    keyFile: peerKeyFile(o.dir, o.index),
    listen: [`/ip4/127.0.0.1/tcp/${o.basePort + o.index}`],
    logger: o.logger,
  });
  if (!created.ok) throw new Error(`libp2p: ${JSON.stringify(created.error)}`);
  const node = created.value;
  const signer = validatorSigner(o.seed, o.index);
  const faults = noFaults();
  const transport = p2pTransport(node, peers);
  const store = new ChainStore(join(o.dir, `validator-${o.index}.sqlite`));
  const validator = new Validator({
    genesis: devnetGenesis(o.seed, o.validators, o.genesisTime, o.chainId),
    signer,
    store,
    clock: o.clock,
    deps: ballotModuleDeps(store),
    transport,
    blockMs: o.blockMs,
    faults,
    logger: o.logger,
  });
  const services: Service[] = [
    ...(await transport.attach(validator)),
    ...(await serveLightProtocols(node, { validator: () => validator, signer, faults })),
    // The fault switches of this process, for the devnet authority only (faults.ts).
    await serve(
      node,
      ADMIN_PROTOCOL,
      adminHandler({
        chainId: o.chainId,
        validator: o.index,
        authority: authoritySigner(o.seed).publicKey,
        faults,
        onChange: (patch) => o.logger.info(EVENTS.faultSet, { node: o.index, ...patch }),
      }),
    ),
  ];
  validator.start();
  return {
    validator,
    node,
    ready: {
      index: o.index,
      peerId: node.peerId.toString(),
      multiaddrs: node.multiaddrs().map((m) => m.toString()),
      pubKey: toHex(signer.publicKey),
    },
    async stop() {
      validator.stop();
      await Promise.all(services.map((s) => s.stop()));
      await node.stop();
      store.close();
    },
  };
}
