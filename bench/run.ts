// `npm run bench` runs every bench/*.bench.ts and prints a table;
// `npm run bench -- --json` prints one JSON object per row; `--only a,b` picks benches by
// file name; `--quick` uses smaller sizes.
import '../src/polyfills.js';
import { readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { meetsGoal, type Bench, type BenchRow } from './harness.js';

const args = process.argv.slice(2);
const json = args.includes('--json');
const quick = args.includes('--quick');
const onlyIdx = args.indexOf('--only');
const only = onlyIdx >= 0 ? (args[onlyIdx + 1] ?? '').split(',').filter(Boolean) : [];

const here = dirname(fileURLToPath(import.meta.url));
const files = readdirSync(here)
  .filter((f) => f.endsWith('.bench.ts'))
  .filter((f) => only.length === 0 || only.some((o) => f.startsWith(o)))
  .sort();

const rows: BenchRow[] = [];
let failed = false;
for (const file of files) {
  const mod = (await import(pathToFileURL(join(here, file)).href)) as { default: Bench };
  const log = (m: string) => process.stderr.write(`[${file}] ${m}\n`);
  try {
    const out = await mod.default({ quick, log });
    for (const r of out) {
      rows.push(r);
      if (json) process.stdout.write(JSON.stringify(r) + '\n');
    }
  } catch (e) {
    failed = true;
    process.stderr.write(
      `[${file}] FAILED: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`,
    );
  }
}

if (!json) {
  const header = ['bench', 'value', 'unit', 'ratio', 'goal', 'met', 'baseline'];
  const table = rows.map((r) => [
    r.bench,
    String(r.value),
    r.unit,
    String(r.ratio),
    r.goal,
    ((m) => (m === undefined ? '-' : m ? 'yes' : 'NO'))(meetsGoal(r.ratio, r.goal)),
    r.baseline,
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...table.map((t) => (t[i] ?? '').length)));
  const fmt = (cells: string[]) => cells.map((c, i) => c.padEnd(widths[i] ?? 0)).join('  ');
  console.log(fmt(header));
  console.log(widths.map((w) => '-'.repeat(w)).join('  '));
  for (const t of table) console.log(fmt(t));
}
process.exit(failed ? 1 : 0);
