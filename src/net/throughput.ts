// The raw-stream baseline for network benchmarks: bytes through one libp2p stream
// (TCP + Noise + Yamux on loopback) with nothing of ours on top except send()/onDrain()
// backpressure. The sync and reqres benches report their throughput as a ratio to this.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Stream } from '@libp2p/interface';
import type { Multiaddr } from '@multiformats/multiaddr';
import { waitForDrain } from './frames.js';
import { createNetNode, type NetNode } from './node.js';

export interface Throughput {
  bytes: number;
  ms: number;
  /** Mebibytes (2^20 bytes) per second. */
  mibPerSec: number;
}

/** Two fresh nodes on 127.0.0.1 with throwaway keys; `dispose` stops them and deletes keys. */
export async function loopbackPair(): Promise<{
  client: NetNode;
  server: NetNode;
  dispose(): Promise<void>;
}> {
  const dir = await mkdtemp(join(tmpdir(), 'veche-net-'));
  const make = async (name: string) => {
    const r = await createNetNode({ keyFile: join(dir, `${name}.key`) });
    if (!r.ok) throw new Error(`loopback node ${name}: ${JSON.stringify(r.error)}`);
    return r.value;
  };
  const server = await make('server');
  const client = await make('client');
  return {
    client,
    server,
    async dispose() {
      await Promise.all([client.stop(), server.stop()]);
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/** The protocol of the raw sink; register it with `serveRawSink` on the receiving node. */
export const RAW_SINK_PROTOCOL = '/veche/bench-raw/1';

/**
 * Counts the bytes of each stream and, when the sender closes, answers with the count (a
 * float64). Nothing else: no framing, no decoding. Returns a function that unregisters it.
 */
export async function serveRawSink(node: NetNode): Promise<() => Promise<void>> {
  await node.libp2p.handle(
    RAW_SINK_PROTOCOL,
    (stream: Stream) => {
      let received = 0;
      stream.addEventListener('message', (evt) => {
        received += evt.data.byteLength;
      });
      stream.addEventListener('remoteCloseWrite', () => {
        const ack = new DataView(new ArrayBuffer(8));
        ack.setFloat64(0, received);
        stream.send(new Uint8Array(ack.buffer));
        stream.close().catch((e: unknown) => stream.abort(e as Error));
      });
    },
    { force: true },
  );
  return () => node.libp2p.unhandle(RAW_SINK_PROTOCOL);
}

export type RawTarget =
  /** Both nodes in this process; the sink is registered for the measurement. */
  | { client: NetNode; server: NetNode }
  /** A sink served elsewhere (another thread or process) with `serveRawSink`. */
  | { client: NetNode; target: Multiaddr };

/**
 * Sends `bytes` in `chunkSize` chunks over one stream, with send()/drain backpressure; the
 * clock stops when the receiver has counted every byte and said so. Without `where` it
 * starts (and stops) its own pair of nodes in this process.
 */
export async function measureRawStreamThroughput(
  bytes: number,
  chunkSize: number,
  where?: RawTarget,
): Promise<Throughput> {
  const own = where === undefined ? await loopbackPair() : undefined;
  const nodes = where ?? own;
  if (nodes === undefined) throw new Error('unreachable: no nodes');
  let unserve: (() => Promise<void>) | undefined;
  let target: Multiaddr | undefined;
  if ('server' in nodes) {
    unserve = await serveRawSink(nodes.server);
    target = nodes.server.multiaddrs()[0];
  } else {
    target = nodes.target;
  }
  try {
    if (target === undefined) throw new Error('server node has no listen address');
    const chunk = new Uint8Array(chunkSize).fill(0xa5);
    const t0 = performance.now();
    const stream = await nodes.client.libp2p.dialProtocol(target, RAW_SINK_PROTOCOL);
    for (let sent = 0; sent < bytes; sent += chunkSize) {
      const n = Math.min(chunkSize, bytes - sent);
      if (!stream.send(n === chunkSize ? chunk : chunk.subarray(0, n))) {
        const drained = await waitForDrain(stream);
        if (!drained.ok) throw new Error(`raw stream failed: ${JSON.stringify(drained.error)}`);
      }
    }
    await stream.close();
    let ack = 0;
    for await (const m of stream) {
      const b = m.subarray();
      ack = new DataView(b.buffer, b.byteOffset, b.byteLength).getFloat64(0);
    }
    const ms = performance.now() - t0;
    if (ack !== bytes) throw new Error(`receiver counted ${ack} of ${bytes} bytes`);
    return { bytes, ms, mibPerSec: bytes / 2 ** 20 / (ms / 1000) };
  } finally {
    await unserve?.();
    await own?.dispose();
  }
}
