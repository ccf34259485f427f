// Nodes on 127.0.0.1 with throwaway keys, stopped and deleted after each test.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { z } from 'zod';
import { createNetNode, type NetNode, type NetNodeOptions } from '../../../src/net/node.js';
import { defineProtocol } from '../../../src/net/protocol.js';

export interface Fixture {
  dir: string;
  node(opts?: Partial<NetNodeOptions> & { name?: string }): Promise<NetNode>;
  cleanup(): Promise<void>;
}

export function fixture(): Fixture {
  const dir = mkdtempSync(join(tmpdir(), 'veche-net-test-'));
  const nodes: NetNode[] = [];
  let n = 0;
  return {
    dir,
    async node(opts = {}) {
      const { name, ...rest } = opts;
      const r = await createNetNode({ keyFile: join(dir, `${name ?? `n${n++}`}.key`), ...rest });
      if (!r.ok) throw new Error(JSON.stringify(r.error));
      nodes.push(r.value);
      return r.value;
    },
    async cleanup() {
      await Promise.all(nodes.map((x) => x.stop()));
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export const addr = (node: NetNode): string => {
  const a = node
    .multiaddrs()
    .find((m) => m.toString().includes('/tcp/') && !m.toString().includes('/ws'));
  if (a === undefined) throw new Error('no tcp address');
  return a.toString();
};

export const echo = defineProtocol({
  id: '/veche/test-echo/1',
  request: z
    .object({ text: z.string(), n: z.number().int(), blob: z.instanceof(Uint8Array) })
    .strict(),
  response: z.object({ text: z.string(), n: z.number().int(), size: z.number().int() }).strict(),
  maxRequestBytes: 1024,
  maxResponseBytes: 1024,
  timeoutMs: 5_000,
  rateLimit: { burst: 1000, perSecond: 1000, maxConcurrent: 64 },
});

export const req = (text: string, n = 1, blob = new Uint8Array(4)) => ({ text, n, blob });
