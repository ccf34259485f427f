// The consensus transport over libp2p, for validators in separate processes: one unary
// protocol carries proposals, prevotes, precommits and relayed transactions; another serves committed
// blocks to a validator catching up. Only the provisioned validator peers are listened to
// (kiosks connect to the same node for the light protocols, so the gater cannot do it).
import { z } from 'zod';
import type { NetNode } from '../../net/node.js';
import { defineProtocol } from '../../net/protocol.js';
import { call, serve, type Service } from '../../net/reqres.js';
import { HeightSchema } from '../../protocol/header.js';
import {
  BlockSchema,
  ConsensusMsgSchema,
  MAX_BLOCK_TXS,
  MAX_POL_VOTES,
  MAX_TX_BYTES,
  type Block,
} from './types.js';
import type { Transport, Validator } from './validator.js';

const BLOCKS_PER_FETCH = 16;

export const CONSENSUS_PROTOCOL = defineProtocol({
  id: '/veche/devnet-consensus/2',
  request: ConsensusMsgSchema,
  response: z.strictObject({ accepted: z.boolean() }),
  // A proposal may relay up to MAX_POL_VOTES prevotes (~200 bytes each).
  maxRequestBytes: MAX_BLOCK_TXS * 1024 + MAX_TX_BYTES + MAX_POL_VOTES * 256 + 4096,
  maxResponseBytes: 64,
  timeoutMs: 3_000,
  // Validators talk a lot; they are few and provisioned.
  rateLimit: { burst: 2000, perSecond: 1000, maxConcurrent: 64 },
});

export const BLOCKS_PROTOCOL = defineProtocol({
  id: '/veche/devnet-blocks/1',
  request: z.strictObject({ from: HeightSchema, max: z.int().min(1).max(BLOCKS_PER_FETCH) }),
  response: z.strictObject({ blocks: z.array(BlockSchema).max(BLOCKS_PER_FETCH) }),
  maxRequestBytes: 64,
  maxResponseBytes: 32 * 1024 * 1024,
  timeoutMs: 10_000,
  rateLimit: { burst: 200, perSecond: 100, maxConcurrent: 8 },
});

export interface P2pPeer {
  readonly peerId: string;
  /** A dialable multiaddr ending in /p2p/<peerId>. */
  readonly addr: string;
}

/** The transport; `attach` serves the two protocols for the validator once it exists. */
export function p2pTransport(
  node: NetNode,
  peers: readonly P2pPeer[],
): Transport & { attach(v: Validator): Promise<Service[]> } {
  const allowed = new Set(peers.map((p) => p.peerId));
  return {
    broadcast(msg) {
      for (const p of peers) {
        // Fire and forget: a peer that is down catches up through BLOCKS_PROTOCOL later.
        void call(node, p.addr, CONSENSUS_PROTOCOL, msg);
      }
    },
    async fetchBlocks(from, max): Promise<Block[]> {
      for (const p of peers) {
        const r = await call(node, p.addr, BLOCKS_PROTOCOL, {
          from,
          max: Math.min(max, BLOCKS_PER_FETCH),
        });
        if (r.ok && r.value.blocks.length > 0) return r.value.blocks;
      }
      return [];
    },
    attach(v) {
      return Promise.all([
        serve(node, CONSENSUS_PROTOCOL, (msg, ctx) => {
          if (!allowed.has(ctx.peer.toString())) return { accepted: false };
          v.receive(msg);
          return { accepted: true };
        }),
        serve(node, BLOCKS_PROTOCOL, (req, ctx) => {
          if (!allowed.has(ctx.peer.toString())) return { blocks: [] };
          const blocks: Block[] = [];
          for (let h = req.from; h < req.from + req.max; h++) {
            const b = v.block(h);
            if (b === undefined) break;
            blocks.push(b);
          }
          return { blocks };
        }),
      ]);
    },
  };
}
