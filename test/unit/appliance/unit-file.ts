// A small reader for systemd unit files, enough for tests to ask "what does this unit set":
// sections, keys (repeatable), comments and blank lines skipped.
import { readFileSync } from 'node:fs';

export type Unit = Map<string, Array<[string, string]>>;

export function readUnit(path: string): Unit {
  const unit: Unit = new Map();
  let section = '';
  for (const raw of readFileSync(path, 'utf8').split('\n')) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#') || line.startsWith(';')) continue;
    const header = /^\[(.+)\]$/.exec(line);
    if (header?.[1] !== undefined) {
      section = header[1];
      continue;
    }
    const eq = line.indexOf('=');
    if (eq < 0) throw new Error(`${path}: not a key=value line: ${line}`);
    const entries = unit.get(section) ?? [];
    entries.push([line.slice(0, eq), line.slice(eq + 1)]);
    unit.set(section, entries);
  }
  return unit;
}

/** Every value of `key` in `section`, in order. */
export function values(unit: Unit, section: string, key: string): string[] {
  return (unit.get(section) ?? []).filter(([k]) => k === key).map(([, v]) => v);
}

/** The last value of `key` (the one systemd uses for single-valued settings). */
export function value(unit: Unit, section: string, key: string): string | undefined {
  return values(unit, section, key).at(-1);
}
