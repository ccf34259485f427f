// A small reader for systemd unit files, enough for tests to ask "what does this unit set":
// sections, keys (repeatable), comments and blank lines skipped, and a line ending in a
// backslash continued on the next (systemd joins them with a space).
import { readFileSync } from 'node:fs';

export type Unit = Map<string, Array<[string, string]>>;

function joinContinued(text: string): string[] {
  const out: string[] = [];
  let pending: string | null = null;
  for (const raw of text.split('\n')) {
    // Comments are never continued; inside a continued value systemd skips them.
    if (/^\s*[#;]/.test(raw)) {
      if (pending === null) out.push(raw);
      continue;
    }
    const line: string = pending === null ? raw : `${pending} ${raw.trim()}`;
    if (line.endsWith('\\')) pending = line.slice(0, -1).trimEnd();
    else {
      pending = null;
      out.push(line);
    }
  }
  if (pending !== null) out.push(pending);
  return out;
}

export function readUnit(path: string): Unit {
  const unit: Unit = new Map();
  let section = '';
  for (const raw of joinContinued(readFileSync(path, 'utf8'))) {
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
