// The network layer against its floor, on 127.0.0.1. The serving node runs in a child
// process, as a validator does: sender and receiver each get a core, and
// the baseline and the measured path get the same topology.
// - raw libp2p stream throughput (TCP + Noise + Yamux, one stream, 64 KiB chunks): the
//   baseline the sync backlog bench compares to (measureRawStreamThroughput);
// - callStream bulk upload of ~3 KB canonical-CBOR messages (zod-checked on both sides,
//   length-prefixed, backpressured) as a ratio to that raw rate;
// - a small unary call's round trip, against a bare stream echo on the same connection.
// This file is also the child's entry point (see the bottom).
import '../src/polyfills.js';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { multiaddr, type Multiaddr } from '@multiformats/multiaddr';
import { z } from 'zod';
import { encodeCanonical } from '../src/protocol/encoding.js';
import { createNetNode, type NetNode } from '../src/net/node.js';
import { defineProtocol } from '../src/net/protocol.js';
import { call, callStream, serve, serveStream } from '../src/net/reqres.js';
import { measureRawStreamThroughput, serveRawSink } from '../src/net/throughput.js';
import { medianMs, row, type Bench } from './harness.js';

const ballot = z
  .object({ id: z.string(), seq: z.number().int(), body: z.instanceof(Uint8Array) })
  .strict();

const submit = defineProtocol({
  id: '/veche/bench-submit/1',
  request: ballot,
  response: z.object({ accepted: z.number().int(), bytes: z.number().int() }).strict(),
  maxRequestBytes: 8 * 1024,
  maxResponseBytes: 256,
  timeoutMs: 300_000,
  maxMessages: 1_000_000,
});

const small = defineProtocol({
  id: '/veche/bench-small/1',
  request: z.object({ height: z.number().int() }).strict(),
  response: z.object({ height: z.number().int(), hash: z.instanceof(Uint8Array) }).strict(),
  maxRequestBytes: 64,
  maxResponseBytes: 128,
  rateLimit: { burst: 1_000_000, perSecond: 1_000_000, maxConcurrent: 8 },
});

const ECHO = '/veche/bench-echo/1';

async function tempNode(): Promise<{ node: NetNode; dispose(): Promise<void> }> {
  const dir = await mkdtemp(join(tmpdir(), 'veche-net-bench-'));
  const r = await createNetNode({ keyFile: join(dir, 'node.key') });
  if (!r.ok) throw new Error(JSON.stringify(r.error));
  const node = r.value;
  return {
    node,
    async dispose() {
      await node.stop();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/** The serving side: the raw sink, the bulk and small protocols, a bare echo. */
async function startServer(node: NetNode): Promise<void> {
  await serveRawSink(node);
  await serveStream(node, submit, async (requests) => {
    let accepted = 0;
    let bytes = 0;
    for await (const r of requests) {
      accepted++;
      bytes += r.body.byteLength;
    }
    return [{ accepted, bytes }];
  });
  const hash = new Uint8Array(32).fill(7);
  await serve(node, small, (r) => ({ height: r.height, hash }));
  // The floor for a round trip: a new stream, a few bytes each way, no codec, no limits.
  await node.libp2p.handle(ECHO, (stream) => {
    stream.addEventListener('message', (evt) => stream.send(evt.data));
    stream.addEventListener('remoteCloseWrite', () => {
      stream.close().catch((e: unknown) => stream.abort(e as Error));
    });
  });
}

async function echoRoundTrip(client: NetNode, target: Multiaddr): Promise<void> {
  const stream = await client.libp2p.dialProtocol(target, ECHO);
  stream.send(new Uint8Array(12).fill(1));
  await stream.close();
  let got = 0;
  for await (const m of stream) got += m.byteLength;
  if (got !== 12) throw new Error(`echo returned ${got} bytes`);
}

const ROLE_ENV = 'VECHE_NET_BENCH_ROLE';

/** Starts the server in a child process; resolves to its address and a stop function. */
interface ServerProcess {
  target: Multiaddr;
  /** CPU time (user + system) the server process has used so far, ms. */
  cpuMs(): Promise<number>;
  stop(): Promise<void>;
}

async function serverProcess(): Promise<ServerProcess> {
  const child = fork(fileURLToPath(import.meta.url), [], {
    // The bench runs under tsx; the child needs the TypeScript loader too.
    execArgv: ['--import', 'tsx'],
    env: { ...process.env, [ROLE_ENV]: 'server' },
    stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
  });
  const addr = await new Promise<string>((resolve, reject) => {
    child.once('message', (m) => resolve((m as { addr: string }).addr));
    child.once('error', reject);
    child.once('exit', (code) => reject(new Error(`bench server exited with ${code}`)));
  });
  return {
    target: multiaddr(addr),
    cpuMs: () =>
      new Promise<number>((resolve) => {
        child.once('message', (m) => resolve((m as { cpuMs: number }).cpuMs));
        child.send('cpu');
      }),
    async stop() {
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.send('stop');
      await exited;
    },
  };
}

const bench: Bench = async (ctx) => {
  const rawBytes = (ctx.quick ? 16 : 64) * 2 ** 20;
  const messages = ctx.quick ? 5_000 : 20_000;
  const calls = ctx.quick ? 300 : 2_000;
  const rounds = ctx.quick ? 2 : 4;

  const server = await serverProcess();
  const { node: client, dispose } = await tempNode();
  const { target } = server;
  try {
    const batch = Array.from({ length: messages }, (_, i) => ({
      id: `ballot-${i.toString().padStart(8, '0')}`,
      seq: i,
      body: new Uint8Array(3000).fill(i & 0xff),
    }));
    const messageBytes = encodeCanonical(batch[0] ?? null).byteLength;
    const bulkBytes = messageBytes * messages;

    // Interleave rounds so drift in machine load hits both alike; keep each side's best
    // (the first round also pays JIT warm-up and Yamux window growth).
    let rawBest = 0;
    let bulkBest = 0;
    // CPU seconds of both processes per MiB: unlike wall time, not skewed by other load on
    // the machine (the 2-core CI box is often busy), so reported alongside.
    let rawCpuMs = 0;
    let bulkCpuMs = 0;
    const cpuNow = async () => {
      const u = process.cpuUsage();
      return (u.user + u.system) / 1000 + (await server.cpuMs());
    };
    for (let round = 0; round < rounds; round++) {
      let c0 = await cpuNow();
      const raw = await measureRawStreamThroughput(rawBytes, 64 * 1024, { client, target });
      if (round > 0) rawCpuMs += (await cpuNow()) - c0;
      rawBest = Math.max(rawBest, raw.mibPerSec);
      c0 = await cpuNow();
      const t0 = performance.now();
      const r = await callStream(client, target, submit, batch);
      const ms = performance.now() - t0;
      if (round > 0) bulkCpuMs += (await cpuNow()) - c0;
      if (!r.ok) throw new Error(`callStream failed: ${JSON.stringify(r.error)}`);
      if (r.value.responses[0]?.accepted !== messages) throw new Error('server did not get all');
      const mib = bulkBytes / 2 ** 20 / (ms / 1000);
      bulkBest = Math.max(bulkBest, mib);
      ctx.log(
        `round ${round}: raw ${raw.mibPerSec.toFixed(1)} MiB/s, bulk ${mib.toFixed(1)} MiB/s`,
      );
    }

    // Rounds after the first (JIT warm-up), MiB per CPU-second.
    const rawPerCpu = ((rawBytes / 2 ** 20) * (rounds - 1)) / (rawCpuMs / 1000);
    const bulkPerCpu = ((bulkBytes / 2 ** 20) * (rounds - 1)) / (bulkCpuMs / 1000);

    const callMs = await medianMs(async () => {
      const r = await call(client, target, small, { height: 42 });
      if (!r.ok) throw new Error(`call failed: ${JSON.stringify(r.error)}`);
    }, calls);
    const echoMs = await medianMs(() => echoRoundTrip(client, target), calls);

    return [
      row({
        bench: 'net raw stream throughput',
        value: rawBest,
        unit: 'MiB/s',
        baseline: `itself: ${rawBytes / 2 ** 20} MiB in 64 KiB chunks, one stream, TCP+Noise+Yamux`,
        ratio: 1,
        goal: 'info',
      }),
      row({
        bench: `net callStream bulk (${messages} x ${messageBytes} B CBOR)`,
        value: bulkBest,
        unit: 'MiB/s',
        baseline: 'raw libp2p stream throughput, same nodes, same run',
        ratio: bulkBest / rawBest,
        goal: '>= 0.5',
      }),
      row({
        bench: 'net callStream bulk, per CPU second',
        value: bulkPerCpu,
        unit: 'MiB/cpu-s',
        baseline: 'raw stream MiB per CPU second (both processes, rounds 2+)',
        ratio: bulkPerCpu / rawPerCpu,
        goal: 'info',
      }),
      row({
        bench: 'net small call round trip (median)',
        value: callMs,
        unit: 'ms',
        baseline: 'bare 12-byte stream echo on the same connection',
        ratio: callMs / echoMs,
        goal: 'info',
      }),
    ];
  } finally {
    await dispose();
    await server.stop();
  }
};

export default bench;

if (process.env[ROLE_ENV] === 'server' && process.send !== undefined) {
  const { node, dispose } = await tempNode();
  await startServer(node);
  process.on('message', (m) => {
    if (m === 'cpu') {
      const u = process.cpuUsage();
      process.send?.({ cpuMs: (u.user + u.system) / 1000 });
      return;
    }
    void dispose().then(() => process.exit(0));
  });
  process.send({ addr: node.multiaddrs()[0]?.toString() });
}
