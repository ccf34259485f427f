// The devnet as separate processes (src/devnet/main.ts): four validators on loopback over
// real libp2p reach the same heights and app hashes, and serve the demo world's state.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { afterAll, describe, expect, it } from 'vitest';
import { key } from '../../../src/devnet/app/index.js';
import { DEMO_KIOSK_ID } from '../../../src/devnet/world.js';
import { createNetNode, type NetNode } from '../../../src/net/node.js';
import { call } from '../../../src/net/reqres.js';
import { toHex } from '../../../src/protocol/hash.js';
import { headerHash } from '../../../src/protocol/header.js';
import { HEADERS_PROTOCOL, STATE_PROTOCOL } from '../../../src/protocol/light-rpc.js';
import { verifyStateProof } from '../../../src/protocol/state-tree.js';
import { must } from '../../unit/devnet-net/helpers.js';

const dir = mkdtempSync(join(tmpdir(), 'veche-devnet-proc-'));
let launcher: ChildProcess | undefined;
let kiosk: NetNode | undefined;

afterAll(async () => {
  await kiosk?.stop();
  if (launcher !== undefined && launcher.exitCode === null) {
    const exited = new Promise((r) => launcher?.once('exit', r));
    launcher.kill('SIGTERM');
    await exited;
  }
  rmSync(dir, { recursive: true, force: true });
});

interface Ready {
  validators: { index: number; peerId: string; multiaddrs: string[] }[];
}

function start(basePort: number): Promise<Ready> {
  launcher = spawn(
    process.execPath,
    [
      '--import',
      'tsx',
      'src/devnet/main.ts',
      '--validators',
      '4',
      '--dir',
      dir,
      '--base-port',
      String(basePort),
      '--block-ms',
      '300',
      '--demo',
    ],
    { stdio: ['ignore', 'pipe', 'ignore'] },
  );
  const proc = launcher;
  return new Promise((resolve, reject) => {
    proc.once('exit', (code) => reject(new Error(`launcher exited with ${code}`)));
    createInterface({ input: must(proc.stdout) }).on('line', (line) => {
      const v = JSON.parse(line) as Ready & { ready?: boolean };
      if (v.ready === true) resolve(v);
    });
  });
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('devnet as separate processes', () => {
  it('four validator processes agree on blocks and serve verifiable state', async () => {
    // Below the ephemeral range (32768+), where outgoing connections of tests running beside
    // this one could hold a port; apart from cli-devnet.test.ts (16000–23999).
    const basePort = 24000 + Math.floor(Math.random() * 1000) * 8;
    const ready = await start(basePort);
    expect(ready.validators.map((v) => v.index)).toEqual([0, 1, 2, 3]);
    const addrs = ready.validators.map((v) => must(v.multiaddrs[0]));
    for (const a of addrs) expect(a).toMatch(/^\/ip4\/127\.0\.0\.1\/tcp\/\d+\/p2p\//);
    const k = await createNetNode({ keyFile: join(dir, 'kiosk.key') });
    if (!k.ok) throw new Error(JSON.stringify(k.error));
    kiosk = k.value;
    const node = kiosk;
    const target = 6;
    // Bounded wait: every validator must reach the target height. Four processes starting
    // on a loaded 2-core machine can take a while; failing here says so plainly.
    // One wall-clock budget for both waits below, inside the test's timeout, so a slow
    // machine fails with the waits' own messages rather than the timeout's.
    const deadline = Date.now() + 90_000;
    let heights: number[] = [];
    while (Date.now() < deadline) {
      const latest = await Promise.all(
        addrs.map((a) => call(node, a, HEADERS_PROTOCOL, { from: null, to: null })),
      );
      heights = latest.map((r) => (r.ok ? r.value.latest : -1));
      if (heights.every((h) => h >= target)) break;
      await sleep(200);
    }
    expect(
      heights.every((h) => h >= target),
      `heights ${heights.join(',')}`,
    ).toBe(true);
    const blocks = await Promise.all(
      addrs.map((a) => call(node, a, HEADERS_PROTOCOL, { from: 1, to: target })),
    );
    const hashes = blocks.map((r) => {
      if (!r.ok) throw new Error(JSON.stringify(r.error));
      expect(r.value.blocks).toHaveLength(target);
      return r.value.blocks.map((b) => toHex(headerHash(b.header))).join(',');
    });
    expect(new Set(hashes).size).toBe(1);
    // The demo world was loaded through validator 0 and is provable from validator 3. Its
    // transactions wait in validator 0's mempool until a block takes them, which on a loaded
    // machine can be after `target`: ask at the newest height until the kiosk is there, and
    // every answer on the way must still verify (an absence proof is a proof too).
    let found = false;
    let lastHeight = -1;
    while (!found && Date.now() < deadline) {
      const at = await call(node, must(addrs[3]), HEADERS_PROTOCOL, { from: null, to: null });
      if (!at.ok) throw new Error(JSON.stringify(at.error));
      const { header } = must(at.value.blocks[0]);
      const height = header.height;
      const st = await call(node, must(addrs[3]), STATE_PROTOCOL, {
        height,
        keys: [key.kiosk(DEMO_KIOSK_ID)],
        prefix: null,
      });
      if (!st.ok || st.value.status !== 'ok') throw new Error(JSON.stringify(st));
      const v = verifyStateProof(
        header.appHash,
        key.kiosk(DEMO_KIOSK_ID),
        must(st.value.proofs[0]),
      );
      expect(v.ok, `proof at height ${height}`).toBe(true);
      found = v.ok && v.value !== null;
      lastHeight = height;
      if (!found) await sleep(200);
    }
    expect(found, `demo kiosk not in state by height ${lastHeight}`).toBe(true);
  }, 150_000);
});
