import fc from 'fast-check';
import { describe, it } from 'vitest';
import { FUZZ_TARGETS } from './fuzz-targets.js';

// CI runs a few hundred cases per parser; bench/hardware.bench.ts runs 100 000.
const runs = Number(process.env['HW_FUZZ_RUNS'] ?? 300);

describe('fuzzed device bytes never throw past the driver', () => {
  for (const t of FUZZ_TARGETS) {
    it(t.name, async () => {
      if (t.async) await fc.assert(t.property() as fc.IAsyncProperty<unknown>, { numRuns: runs });
      else fc.assert(t.property() as fc.IProperty<unknown>, { numRuns: runs });
    });
  }
});
