// The contract every benchmark follows: a module under bench/ named *.bench.ts whose default
// export returns rows. A row compares a measured value of the real code path with a
// physical or baseline limit measured in the same run, as a ratio with its goal.
export interface BenchRow {
  bench: string;
  value: number;
  unit: string;
  /** What the ratio compares to, in words (e.g. "bare HTTP round trip on loopback"). */
  baseline: string;
  ratio: number;
  /** The goal for the ratio, e.g. "<= 1.3" or ">= 0.8"; "info" when there is none. */
  goal: string;
}

export interface BenchContext {
  /** Smaller sizes, for a quick look; the default run uses the sizes the issues name. */
  quick: boolean;
  /** Progress to stderr, so stdout stays a clean table or JSON stream. */
  log(message: string): void;
}

export type Bench = (ctx: BenchContext) => Promise<BenchRow[]>;

/** Runs fn `iterations` times after `warmup` runs; returns the median per-call time in ms. */
export async function medianMs(
  fn: () => unknown | Promise<unknown>,
  iterations: number,
  warmup = Math.min(10, iterations),
): Promise<number> {
  for (let i = 0; i < warmup; i++) await fn();
  const samples: number[] = [];
  for (let i = 0; i < iterations; i++) {
    const t0 = performance.now();
    await fn();
    samples.push(performance.now() - t0);
  }
  samples.sort((a, b) => a - b);
  return samples[Math.floor(samples.length / 2)] ?? NaN;
}

/** Whether a ratio meets a goal such as "<= 1.3" or ">= 0.5". */
export function meetsGoal(ratio: number, goal: string): boolean | undefined {
  const m = /^(<=|>=|<|>)\s*([0-9.]+)$/.exec(goal.trim());
  if (!m) return undefined;
  const limit = Number(m[2]);
  switch (m[1]) {
    case '<=':
      return ratio <= limit;
    case '>=':
      return ratio >= limit;
    case '<':
      return ratio < limit;
    default:
      return ratio > limit;
  }
}

export function row(r: BenchRow): BenchRow {
  return { ...r, value: round(r.value), ratio: round(r.ratio) };
}

function round(n: number): number {
  if (!Number.isFinite(n)) return n;
  const digits = Math.abs(n) >= 100 ? 1 : Math.abs(n) >= 1 ? 3 : 5;
  return Number(n.toFixed(digits));
}
