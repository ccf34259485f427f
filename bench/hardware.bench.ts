// Device parsers under fuzz: 100 000 random, truncated and mutated frames per parser,
// through the drivers (test/unit/hardware/fuzz-targets.ts). A failing case fails the
// bench. Throughput is reported as info rows; one ratio row compares the ESC/POS
// decoder with iconv-lite's bare CP866 decoding of the same receipt bytes.
import fc from 'fast-check';
import iconv from 'iconv-lite';
import { decodeEscPos } from '../src/hardware/escpos/decoder.js';
import { encodeJob } from '../src/hardware/printer/encode-job.js';
import { PRINTER_PROFILES, profileCodepages } from '../src/hardware/printer/profiles.js';
import { FUZZ_TARGETS } from '../test/unit/hardware/fuzz-targets.js';
import { medianMs, row, type Bench, type BenchRow } from './harness.js';

const bench: Bench = async (ctx) => {
  const cases = ctx.quick ? 10_000 : 100_000;
  const rows: BenchRow[] = [];
  for (const t of FUZZ_TARGETS) {
    ctx.log(`fuzz ${t.name}: ${cases} cases`);
    const t0 = performance.now();
    if (t.async) await fc.assert(t.property() as fc.IAsyncProperty<unknown>, { numRuns: cases });
    else fc.assert(t.property() as fc.IProperty<unknown>, { numRuns: cases });
    const s = (performance.now() - t0) / 1000;
    rows.push(
      row({
        bench: `hardware.fuzz.${t.name}`,
        value: cases / s,
        unit: 'cases/s',
        baseline: `${cases} fuzz cases, all passed (${s.toFixed(1)} s)`,
        ratio: 1,
        goal: 'info',
      }),
    );
  }

  const profile = PRINTER_PROFILES['epson-tm-t20'];
  if (!profile) throw new Error('profile');
  const lines = Array.from({ length: 40 }, (_, i) => ({
    kind: 'text' as const,
    text: `Радок ${i}: бюлетэнь прыняты, код 7F3A-${i}`,
    bold: i % 3 === 0,
  }));
  const bytes = Uint8Array.from(
    Buffer.concat(
      encodeJob(
        { lines: [...lines, { kind: 'qr', payload: 'https://veche.example/r/1' }], cut: true },
        profile,
      ),
    ),
  );
  const opts = { codepages: profileCodepages(profile) };
  const reps = 200;
  const decode = await medianMs(() => decodeEscPos(bytes, opts), reps);
  const bare = await medianMs(() => iconv.decode(Buffer.from(bytes), 'cp866'), reps);
  rows.push(
    row({
      bench: 'hardware.escpos.decode',
      value: bytes.length / 1e6 / (decode / 1000),
      unit: 'MB/s',
      baseline: 'iconv-lite CP866 decode of the same bytes (no command parsing)',
      ratio: decode / bare,
      goal: 'info',
    }),
  );
  return rows;
};

export default bench;
