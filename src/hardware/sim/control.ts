// The control channel of a simulator child process: JSON lines, one request per line on
// stdin, one response per line on stdout ({"ready":true} first, once its port is open).
// Humans can type the short form too ("insert eriksson-td3", "paper", "status paperOut=true").
import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { z } from 'zod';
import { err, ok, type Result } from '../../shared/result.js';
import type { PrinterStatus } from '../types.js';
import type { CardSimControl } from './card-reader-sim.js';
import type { PaperView, PrinterSimControl } from './printer-sim.js';

export const controlRequestSchema = z.discriminatedUnion('op', [
  z.object({ id: z.number(), op: z.literal('insert'), personId: z.string() }),
  z.object({ id: z.number(), op: z.literal('remove') }),
  z.object({
    id: z.number(),
    op: z.literal('inject'),
    hex: z.string().regex(/^([0-9a-fA-F]{2})*$/),
  }),
  z.object({
    id: z.number(),
    op: z.literal('status'),
    patch: z
      .object({
        online: z.boolean(),
        coverOpen: z.boolean(),
        paperNearEnd: z.boolean(),
        paperOut: z.boolean(),
        error: z.boolean(),
      })
      .partial(),
  }),
  z.object({
    id: z.number(),
    op: z.literal('paper-remaining'),
    lines: z.number().int().nonnegative().nullable(),
  }),
  z.object({ id: z.number(), op: z.literal('paper') }),
]);
export type ControlRequest = z.infer<typeof controlRequestSchema>;

/** "insert x" / "status paperOut=true" → a request object; JSON passes through. */
export function parseControlLine(line: string, id: number): unknown {
  const t = line.trim();
  if (t.startsWith('{')) {
    try {
      return JSON.parse(t) as unknown;
    } catch {
      return null;
    }
  }
  const [op, ...args] = t.split(/\s+/);
  switch (op) {
    case 'insert':
      return { id, op, personId: args[0] ?? '' };
    case 'inject':
      return { id, op, hex: args[0] ?? '' };
    case 'status':
      return {
        id,
        op,
        patch: Object.fromEntries(args.map((a) => a.split('=')).map(([k, v]) => [k, v === 'true'])),
      };
    case 'paper-remaining':
      return {
        id,
        op,
        lines: args[0] === 'null' || args[0] === undefined ? null : Number(args[0]),
      };
    default:
      return { id, op };
  }
}

/** Serves control requests for a simulator on this process's stdin/stdout. */
export function serveControl(
  target: { card?: CardSimControl; printer?: PrinterSimControl },
  input = process.stdin,
  output = process.stdout,
): void {
  let seq = 0;
  const reply = (o: unknown) => output.write(JSON.stringify(o) + '\n');
  const rl = createInterface({ input });
  rl.on('line', (line) => {
    if (line.trim() === '') return;
    const parsed = controlRequestSchema.safeParse(parseControlLine(line, --seq));
    if (!parsed.success) return reply({ ok: false, error: 'bad request' });
    void handle(target, parsed.data).then(
      (value) => reply({ id: parsed.data.id, ok: true, value }),
      (e: unknown) =>
        reply({ id: parsed.data.id, ok: false, error: e instanceof Error ? e.message : String(e) }),
    );
  });
}

async function handle(
  t: { card?: CardSimControl; printer?: PrinterSimControl },
  r: ControlRequest,
): Promise<unknown> {
  const card = () => t.card ?? fail('not a card reader');
  const printer = () => t.printer ?? fail('not a printer');
  switch (r.op) {
    case 'insert':
      return card().insert(r.personId);
    case 'remove':
      return card().remove();
    case 'inject':
      return card().inject(new Uint8Array(Buffer.from(r.hex, 'hex')));
    case 'status':
      return printer().setStatus(r.patch);
    case 'paper-remaining':
      return printer().setPaperRemaining(r.lines);
    case 'paper':
      return printer().paper();
  }
}

function fail(m: string): never {
  throw new Error(m);
}

/** The parent's side: a simulator child process and its control channel. */
export class SimulatorProcess {
  private nextId = 1;
  private readonly waiting = new Map<
    number,
    (r: { ok: boolean; value?: unknown; error?: string }) => void
  >();
  private exited = false;

  private constructor(private readonly child: ChildProcess) {}

  static async spawn(
    command: string,
    args: string[],
    timeoutMs = 20_000,
  ): Promise<Result<SimulatorProcess, string>> {
    const child = spawn(command, args, { stdio: ['pipe', 'pipe', 'pipe'] });
    const sim = new SimulatorProcess(child);
    let stderr = '';
    child.stderr?.on('data', (d: Buffer) => (stderr = (stderr + d.toString()).slice(-2000)));
    const stdout = child.stdout;
    if (!stdout) return err('simulator has no stdout');
    const ready = await new Promise<boolean>((resolve) => {
      const timer = setTimeout(() => resolve(false), timeoutMs);
      const rl = createInterface({ input: stdout });
      rl.on('line', (line) => {
        let msg: { ready?: boolean; id?: number; ok?: boolean; value?: unknown; error?: string };
        try {
          msg = JSON.parse(line) as typeof msg;
        } catch {
          return;
        }
        if (msg.ready) {
          clearTimeout(timer);
          resolve(true);
        } else if (typeof msg.id === 'number') {
          const w = sim.waiting.get(msg.id);
          sim.waiting.delete(msg.id);
          w?.({ ok: msg.ok === true, value: msg.value, error: msg.error ?? '' });
        }
      });
      child.on('exit', () => {
        sim.exited = true;
        clearTimeout(timer);
        resolve(false);
        for (const w of sim.waiting.values()) w({ ok: false, error: 'simulator exited' });
        sim.waiting.clear();
      });
    });
    if (!ready) {
      await sim.stop();
      return err(`simulator did not start: ${stderr.trim().slice(-400)}`);
    }
    return ok(sim);
  }

  async call(req: Record<string, unknown>): Promise<unknown> {
    if (this.exited) throw new Error('simulator exited');
    const id = this.nextId++;
    const answer = new Promise<{ ok: boolean; value?: unknown; error?: string }>((resolve) =>
      this.waiting.set(id, resolve),
    );
    this.child.stdin?.write(JSON.stringify({ ...req, id }) + '\n');
    const r = await answer;
    if (!r.ok) throw new Error(`simulator: ${r.error ?? 'failed'}`);
    return r.value;
  }

  async stop(): Promise<void> {
    if (this.exited || this.child.pid === undefined) return;
    const gone = new Promise<void>((resolve) => this.child.once('exit', () => resolve()));
    this.child.kill('SIGTERM');
    await gone;
  }
}

/** Card and printer controls that forward to child processes. */
export function remoteCard(p: SimulatorProcess): CardSimControl {
  return {
    insert: async (personId) =>
      (await p.call({ op: 'insert', personId })) as Result<
        void,
        { kind: 'unknown-person' | 'card-present' }
      >,
    remove: async () => void (await p.call({ op: 'remove' })),
    inject: async (bytes) =>
      void (await p.call({ op: 'inject', hex: Buffer.from(bytes).toString('hex') })),
  };
}

export function remotePrinter(p: SimulatorProcess): PrinterSimControl {
  return {
    setStatus: async (patch: Partial<PrinterStatus>) =>
      void (await p.call({ op: 'status', patch })),
    setPaperRemaining: async (lines) => void (await p.call({ op: 'paper-remaining', lines })),
    paper: async () => (await p.call({ op: 'paper' })) as PaperView[],
  };
}
