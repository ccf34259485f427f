// Shared helpers for the devnet network tests: a temporary directory per devnet and a
// ManualClock stepper that lets the in-process hub's microtask deliveries settle.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ManualClock } from '../../../src/shared/clock.js';
import { startDevnet, type Devnet, type DevnetOptions } from '../../../src/devnet/devnet.js';

/** The value, or a thrown error naming what was missing (tests index what they built). */
export function must<T>(x: T | undefined | null): T {
  if (x === undefined || x === null) throw new Error('expected a value');
  return x;
}

export const settle = (): Promise<void> => new Promise((r) => setImmediate(r));

export interface TestNet {
  net: Devnet;
  clock: ManualClock;
  dir: string;
  /** Advances the clock in small steps, letting deliveries and syncs run in between. */
  step(ms: number): Promise<void>;
  /** Steps until every running validator committed `height` (bounded). */
  until(height: number, maxSteps?: number): Promise<void>;
  close(): void;
}

export function testNet(over: Partial<DevnetOptions> = {}): TestNet {
  const dir = mkdtempSync(join(tmpdir(), 'veche-devnet-'));
  const clock = new ManualClock(Date.UTC(2027, 0, 1));
  const net = startDevnet({ dir, clock, blockMs: 1000, roundTimeoutMs: 3000, ...over });
  const step = async (ms: number) => {
    for (let t = 0; t < ms; t += 100) {
      clock.advance(Math.min(100, ms - t));
      await settle();
      await settle();
    }
  };
  return {
    net,
    clock,
    dir,
    step,
    async until(height, maxSteps = 400) {
      for (let i = 0; i < maxSteps; i++) {
        if (net.nodes.every((n) => !n.running || n.validator.committedHeight >= height)) return;
        await step(100);
      }
      const hs = net.nodes.map((n) => n.validator.committedHeight).join(',');
      throw new Error(`height ${height} not reached (at ${hs})`);
    },
    close() {
      net.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
