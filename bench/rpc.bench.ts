// RPC round trip through the whole host path (guards, token, bounded body read, zod on
// request and response, dispatch) against the floor: a bare node:http echo of the same
// bytes on the same loopback with the same keep-alive client.
import { createServer, request, Agent } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createHost } from '../src/main/host.js';
import { ManualClock } from '../src/shared/clock.js';
import { silentLogger } from '../src/shared/log.js';
import { fakeDevices } from '../test/support/fake-devices.js';
import { medianMs, row, type Bench } from './harness.js';

function roundTrip(agent: Agent, port: number, path: string, body: string, token: string) {
  return new Promise<void>((resolve, reject) => {
    const req = request(
      {
        agent,
        host: '127.0.0.1',
        port,
        path,
        method: 'POST',
        headers: {
          'Content-Type': 'application/json',
          Authorization: `Bearer ${token}`,
          'Content-Length': Buffer.byteLength(body),
        },
      },
      (res) => {
        res.on('data', () => undefined);
        res.on('end', () =>
          res.statusCode === 200 ? resolve() : reject(new Error(`HTTP ${res.statusCode}`)),
        );
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

const bench: Bench = async (ctx) => {
  const n = ctx.quick ? 500 : 3000;
  const body = JSON.stringify({ nonce: 'bench-0123456789' });
  const token = 'bench-token-0123456789abcdef';

  const bare = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const text = JSON.stringify({
        ok: true,
        value: JSON.parse(Buffer.concat(chunks).toString()),
      });
      res.writeHead(200, {
        'Content-Type': 'application/json',
        'Content-Length': Buffer.byteLength(text),
      });
      res.end(text);
    });
  });
  await new Promise<void>((r) => bare.listen(0, '127.0.0.1', r));
  const barePort = (bare.address() as AddressInfo).port;

  const f = fakeDevices();
  const host = await createHost({
    clock: new ManualClock(),
    logger: silentLogger,
    devices: f.devices,
    rendererDir: mkdtempSync(join(tmpdir(), 'veche-bench-')),
    token,
  });
  const hostPort = Number(new URL(host.origin).port);

  const agent = new Agent({ keepAlive: true, maxSockets: 1 });
  // Interleave rounds so drift in machine load hits both sides alike.
  let bareMs = 0;
  let rpcMs = 0;
  const rounds = 5;
  for (let i = 0; i < rounds; i++) {
    bareMs += await medianMs(() => roundTrip(agent, barePort, '/', body, token), n / rounds);
    rpcMs += await medianMs(
      () => roundTrip(agent, hostPort, '/rpc/system.ping', body, token),
      n / rounds,
    );
  }
  bareMs /= rounds;
  rpcMs /= rounds;
  ctx.log(`bare ${bareMs.toFixed(4)} ms, rpc ${rpcMs.toFixed(4)} ms`);
  agent.destroy();
  await host.close();
  await new Promise((r) => bare.close(r));

  return [
    row({
      bench: 'rpc.round-trip',
      value: rpcMs * 1000,
      unit: 'µs/call',
      baseline: `bare node:http echo on loopback (${(bareMs * 1000).toFixed(1)} µs)`,
      ratio: rpcMs / bareMs,
      goal: '<= 1.3',
    }),
  ];
};
export default bench;
