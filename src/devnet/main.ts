// The devnet from the command line:
//   node --import tsx src/devnet/main.ts --validators 4 --dir /tmp/devnet --base-port 47100
// starts one process per validator (this file again, with --node <i>) and prints one JSON
// line when all are ready: {"ready":true,"chainId":…,"validators":[{index,peerId,multiaddrs,
// pubKey}]}. --demo loads the demo world (world.ts) through validator 0. SIGINT/SIGTERM stop
// the children. Re-running with the same --dir resumes the same chain (genesis.json).
// First: js-libp2p needs Promise.withResolvers on Node 20.
import '../polyfills.js';
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { z } from 'zod';
import { systemClock } from '../shared/clock.js';
import { createLogger } from '../shared/log.js';
import { DEFAULT_CHAIN_ID, DEFAULT_SEED } from './genesis.js';
import { authoritySigner } from './keys.js';
import { devnetPeerIds, runValidatorProcess } from './process.js';
import { demoWorld } from './world.js';

const STOP_GRACE_MS = 3000;

const GenesisFileSchema = z.strictObject({
  chainId: z.string(),
  seed: z.string(),
  validators: z.int().min(1).max(64),
  genesisTime: z.int().nonnegative(),
});
type GenesisFile = z.infer<typeof GenesisFileSchema>;

const ReadyLineSchema = z.strictObject({
  ready: z.literal(true),
  index: z.int(),
  peerId: z.string(),
  multiaddrs: z.array(z.string()),
  pubKey: z.string(),
});

function args() {
  const { values } = parseArgs({
    options: {
      validators: { type: 'string', default: '4' },
      dir: { type: 'string' },
      'base-port': { type: 'string', default: '47100' },
      'block-ms': { type: 'string', default: '2000' },
      seed: { type: 'string', default: DEFAULT_SEED },
      'chain-id': { type: 'string', default: DEFAULT_CHAIN_ID },
      node: { type: 'string' },
      demo: { type: 'boolean', default: false },
    },
    strict: true,
  });
  const int = (name: string, v: string | undefined, min: number, max: number): number => {
    const n = Number(v);
    if (!Number.isInteger(n) || n < min || n > max)
      throw new Error(`--${name} must be ${min}..${max}`);
    return n;
  };
  if (values.dir === undefined) throw new Error('--dir is required');
  return {
    validators: int('validators', values.validators, 1, 64),
    dir: values.dir,
    basePort: int('base-port', values['base-port'], 1024, 65000),
    blockMs: int('block-ms', values['block-ms'], 50, 600_000),
    seed: values.seed,
    chainId: values['chain-id'],
    node: values.node === undefined ? null : int('node', values.node, 0, 63),
    demo: values.demo,
  };
}

function loadGenesisFile(a: ReturnType<typeof args>): GenesisFile {
  const path = join(a.dir, 'genesis.json');
  if (existsSync(path)) {
    const g = GenesisFileSchema.parse(JSON.parse(readFileSync(path, 'utf8')));
    if (g.validators !== a.validators || g.seed !== a.seed || g.chainId !== a.chainId) {
      throw new Error(`${path} describes another devnet; use a fresh --dir`);
    }
    return g;
  }
  const g: GenesisFile = {
    chainId: a.chainId,
    seed: a.seed,
    validators: a.validators,
    genesisTime: Date.now(),
  };
  writeFileSync(path, JSON.stringify(g, null, 2) + '\n');
  return g;
}

async function runNode(a: ReturnType<typeof args>, index: number): Promise<void> {
  const g = loadGenesisFile(a);
  const clock = systemClock();
  const logger = createLogger().child({ validator: index });
  const running = await runValidatorProcess({
    index,
    validators: g.validators,
    dir: a.dir,
    basePort: a.basePort,
    seed: g.seed,
    chainId: g.chainId,
    genesisTime: g.genesisTime,
    blockMs: a.blockMs,
    clock,
    logger,
  });
  if (a.demo) {
    // Every validator submits the world (the same bytes: it is derived from the seed and
    // signatures are deterministic), so the first proposer includes it. Submitted at one
    // validator only, it waited for that one's turn: a relayed copy is lost while peers
    // are still starting, or refused by a peer that gets it before what it depends on.
    const world = demoWorld(g.seed, authoritySigner(g.seed), Math.floor(g.genesisTime / 1000));
    // On a resumed chain these are stale (already applied) and refused: harmless.
    for (const tx of world.txs) running.validator.submit(tx);
  }
  process.stdout.write(JSON.stringify({ ready: true, ...running.ready }) + '\n');
  await new Promise<void>((resolve) => {
    for (const sig of ['SIGINT', 'SIGTERM'] as const) process.once(sig, () => resolve());
    // The launcher going away closes our stdin: stop with it.
    process.stdin.once('end', () => resolve());
    process.stdin.resume();
  });
  // A stop that hangs (a peer mid-dial) must not keep the process: bounded shutdown.
  setTimeout(() => process.exit(1), STOP_GRACE_MS).unref();
  await running.stop();
  process.exit(0);
}

async function launch(a: ReturnType<typeof args>): Promise<void> {
  mkdirSync(a.dir, { recursive: true });
  const g = loadGenesisFile(a);
  // Create every key before any child starts, so each can compute the others' peer ids.
  await devnetPeerIds(a.dir, g.validators);
  const script = fileURLToPath(import.meta.url);
  const children: ChildProcess[] = [];
  const ready: z.infer<typeof ReadyLineSchema>[] = [];
  const passOn = [
    '--dir',
    a.dir,
    '--validators',
    String(g.validators),
    '--base-port',
    String(a.basePort),
    '--block-ms',
    String(a.blockMs),
    '--seed',
    g.seed,
    '--chain-id',
    g.chainId,
  ];
  const stopAll = () => {
    for (const c of children) if (c.exitCode === null) c.kill('SIGTERM');
  };
  await new Promise<void>((resolve, reject) => {
    for (let i = 0; i < g.validators; i++) {
      const child = spawn(
        process.execPath,
        [
          ...process.execArgv,
          script,
          '--node',
          String(i),
          ...passOn,
          ...(a.demo ? ['--demo'] : []),
        ],
        {
          stdio: ['pipe', 'pipe', 'inherit'],
        },
      );
      children.push(child);
      child.once('exit', (code) => {
        if (ready.length < g.validators)
          reject(new Error(`validator ${i} exited with ${code} before it was ready`));
      });
      const lines = createInterface({ input: child.stdout as NodeJS.ReadableStream });
      lines.on('line', (line) => {
        let parsed: unknown;
        try {
          parsed = JSON.parse(line);
        } catch {
          return;
        }
        const r = ReadyLineSchema.safeParse(parsed);
        if (!r.success) return;
        ready.push(r.data);
        if (ready.length === g.validators) resolve();
      });
    }
  }).catch((e: unknown) => {
    stopAll();
    throw e;
  });
  ready.sort((x, y) => x.index - y.index);
  process.stdout.write(
    JSON.stringify({
      ready: true,
      chainId: g.chainId,
      genesisTime: g.genesisTime,
      validators: ready.map(({ index, peerId, multiaddrs, pubKey }) => ({
        index,
        peerId,
        multiaddrs,
        pubKey,
      })),
    }) + '\n',
  );
  await new Promise<void>((resolve) => {
    for (const sig of ['SIGINT', 'SIGTERM'] as const) process.once(sig, () => resolve());
  });
  stopAll();
  // Children get STOP_GRACE_MS to stop cleanly, then are killed.
  const kill = setTimeout(() => {
    for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
  }, STOP_GRACE_MS + 1000);
  kill.unref();
  await Promise.all(
    children.map((c) =>
      c.exitCode !== null || c.signalCode !== null
        ? Promise.resolve()
        : new Promise((r) => c.once('exit', r)),
    ),
  );
}

const a = args();
if (a.node === null) await launch(a);
else await runNode(a, a.node);
