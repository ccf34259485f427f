// Precomputes prepared ballots (nonces, ξ·G, ξ·K, proof commitments) while the kiosk is idle,
// so confirm → code costs additions and hashing. Each entry is handed out exactly once: a
// prepared ballot's nonces must never serve two ballots.
import type { ElectionContext } from './context.js';
import { prepareBallot, type PreparedBallot } from './prepare.js';

export interface PoolOptions {
  /** Entries kept ready. */
  target: number;
  /** Called after each idle refill step with the new size (for the pool refill log event). */
  onRefill?: (size: number) => void;
}

export class PreparedBallotPool {
  private readonly ready: PreparedBallot[] = [];
  private timer: NodeJS.Immediate | undefined;
  private running = false;

  constructor(
    private readonly ctx: ElectionContext,
    readonly styleId: string,
    private readonly options: PoolOptions,
  ) {
    if (!ctx.styles.has(styleId)) throw new RangeError(`unknown ballot style ${styleId}`);
  }

  get size(): number {
    return this.ready.length;
  }

  /** A prepared ballot; computed on the spot when the pool is empty (never a stale reuse). */
  take(): PreparedBallot {
    const entry = this.ready.shift() ?? prepareBallot(this.ctx, this.styleId);
    if (this.running) this.schedule();
    return entry;
  }

  /** Prepares one entry if below target; returns whether more are needed. */
  fillOne(): boolean {
    if (this.ready.length >= this.options.target) return false;
    this.ready.push(prepareBallot(this.ctx, this.styleId));
    this.options.onRefill?.(this.ready.length);
    return this.ready.length < this.options.target;
  }

  /** Fills to target one entry per event-loop turn, so device and RPC events interleave. */
  start(): void {
    this.running = true;
    this.schedule();
  }

  stop(): void {
    this.running = false;
    if (this.timer) clearImmediate(this.timer);
    this.timer = undefined;
  }

  /** Drops every prepared entry (e.g. when the election is withdrawn or polls close). */
  clear(): void {
    this.ready.length = 0;
  }

  private schedule(): void {
    if (this.timer || this.ready.length >= this.options.target) return;
    this.timer = setImmediate(() => {
      this.timer = undefined;
      if (this.running && this.fillOne()) this.schedule();
    });
  }
}
