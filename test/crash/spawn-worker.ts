// Starting crash workers cheaply. Through tsx a child needs ~0.3 s to start; bundled once with
// esbuild (which tsx brings along) into node_modules/.cache it needs well under 0.1 s on an
// idle machine. On top of that the next worker is started while the current one runs: it
// loads its modules and waits for "go" before it touches the database, so a restart costs
// only the store's open and recovery. Falls back to tsx without esbuild.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, '..', '..');

export interface WorkerCommand {
  readonly args: readonly string[];
  readonly how: 'bundle' | 'tsx';
}

export async function prepareWorker(): Promise<WorkerCommand> {
  const source = join(here, 'worker.ts');
  try {
    const esbuild = await import('esbuild');
    // Inside node_modules so the external better-sqlite3 resolves from the bundle.
    const outfile = join(
      root,
      'node_modules',
      '.cache',
      'veche-crash',
      `worker-${process.pid}.mjs`,
    );
    mkdirSync(dirname(outfile), { recursive: true });
    await esbuild.build({
      entryPoints: [source],
      bundle: true,
      platform: 'node',
      format: 'esm',
      target: 'node20',
      outfile,
      external: ['better-sqlite3'],
      logLevel: 'warning',
      banner: {
        js: "import { createRequire as __veche_cr } from 'node:module'; const require = __veche_cr(import.meta.url);",
      },
    });
    return { args: [outfile], how: 'bundle' };
  } catch {
    return { args: ['--import', 'tsx', source], how: 'tsx' };
  }
}

/** A started worker, waiting for "go". */
export interface StandbyWorker {
  readonly child: ChildProcess;
  readonly closed: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  out: string;
  err: string;
}

export function standby(
  cmd: WorkerCommand,
  extraArgs: string[],
  env: NodeJS.ProcessEnv,
): StandbyWorker {
  const child = spawn(process.execPath, [...cmd.args, ...extraArgs], {
    stdio: ['pipe', 'pipe', 'pipe'],
    env,
  });
  const w: StandbyWorker = {
    child,
    out: '',
    err: '',
    closed: new Promise((resolve, reject) => {
      child.on('error', reject);
      child.on('close', (code, signal) => resolve({ code, signal }));
    }),
  };
  child.stdout?.setEncoding('utf8').on('data', (d: string) => (w.out += d));
  child.stderr?.setEncoding('utf8').on('data', (d: string) => (w.err += d));
  // A worker discarded before "go" sees EPIPE-free EOF; nothing else to handle.
  child.stdin?.on('error', () => undefined);
  return w;
}

export interface RunResult {
  readonly lines: string[];
  /** Milliseconds from "go" to the worker's "R" line (store opened and recovered). */
  readonly openMs: number;
}

/** Lets a standby worker go, waits for "R", lets it run `delayMs`, then SIGKILLs it. */
export async function runAndKill(w: StandbyWorker, delayMs: number): Promise<RunResult> {
  const t0 = performance.now();
  w.child.stdin?.write('go\n');
  let openMs = -1;
  let killed = false;
  const ready = new Promise<void>((resolve) => {
    const check = () => {
      if (w.out.startsWith('R\n')) {
        w.child.stdout?.off('data', check);
        resolve();
      }
    };
    w.child.stdout?.on('data', check);
    check();
  });
  const outcome = await Promise.race([
    ready.then(() => 'ready' as const),
    w.closed.then(() => 'closed' as const),
  ]);
  if (outcome === 'ready') {
    openMs = performance.now() - t0;
    await new Promise((r) => setTimeout(r, delayMs));
    killed = true;
    w.child.kill('SIGKILL');
  }
  const { code, signal } = await w.closed;
  if (!killed || signal !== 'SIGKILL') {
    throw new Error(`worker ended by itself (code ${code}, signal ${signal}):\n${w.err}`);
  }
  const lines = w.out.split('\n');
  // A line cut by the kill has no newline yet: the worker never finished saying it.
  lines.pop();
  return { lines, openMs };
}

/** Ends a standby worker that will not be used (it never opened the database). */
export async function discard(w: StandbyWorker): Promise<void> {
  w.child.kill('SIGKILL');
  await w.closed;
}
