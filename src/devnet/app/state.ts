// The application state: a map of canonical text keys to canonical values, stored per key
// family so one family can be copied or scanned without touching the others. AppState is
// immutable; a block's writes are collected in an Overlay and applied once (copy-on-write
// per touched family), so a block of n ballots costs one copy of the nullifier family, not n.
import { utf8ToBytes } from '@noble/hashes/utils.js';
import { compareBytes } from '../../protocol/bytes.js';
import { encodeCanonical, type Canonical } from '../../protocol/encoding.js';
import { buildStateTree, type StateEntry } from '../../protocol/state-tree.js';
import { familyOf } from './keys.js';

/** A write set: null deletes the key. */
export type Diff = ReadonlyMap<string, Canonical | null>;

export interface StateView {
  get(key: string): Canonical | undefined;
  /** Entries whose key starts with prefix, in key order. */
  list(prefix: string): [string, Canonical][];
}

// Leaf bytes are re-read every block for appHash; values are never mutated after they are
// written (every write stores a fresh object), so caching by identity is safe.
const encoded = new WeakMap<object, Uint8Array>();
function encodeValue(v: Canonical): Uint8Array {
  if (v === null || typeof v !== 'object') return encodeCanonical(v);
  let b = encoded.get(v);
  if (b === undefined) {
    b = encodeCanonical(v);
    encoded.set(v, b);
  }
  return b;
}

/**
 * Sorts entries by the UTF-8 bytes of their keys (the state tree's order). Keys are encoded
 * once, not per comparison: appHash sorts every key of the state each block.
 */
function sortByKey<V>(entries: [string, V][]): [string, V][] {
  return entries
    .map((e) => ({ e, b: utf8ToBytes(e[0]) }))
    .sort((x, y) => compareBytes(x.b, y.b))
    .map((x) => x.e);
}

export class AppState implements StateView {
  static empty(): AppState {
    return new AppState(new Map());
  }

  private constructor(
    private readonly families: ReadonlyMap<string, ReadonlyMap<string, Canonical>>,
  ) {}

  get(key: string): Canonical | undefined {
    return this.families.get(familyOf(key))?.get(key);
  }

  list(prefix: string): [string, Canonical][] {
    const fam = this.families.get(familyOf(prefix));
    if (fam === undefined) return [];
    const out: [string, Canonical][] = [];
    for (const [k, v] of fam) if (k.startsWith(prefix)) out.push([k, v]);
    return sortByKey(out);
  }

  get size(): number {
    let n = 0;
    for (const f of this.families.values()) n += f.size;
    return n;
  }

  /** A new state with the diff applied; this one is unchanged. */
  apply(diff: Diff): AppState {
    if (diff.size === 0) return this;
    const next = new Map(this.families);
    const copied = new Set<string>();
    for (const [k, v] of diff) {
      const f = familyOf(k);
      if (!copied.has(f)) {
        next.set(f, new Map(this.families.get(f)));
        copied.add(f);
      }
      const fam = next.get(f) as Map<string, Canonical>;
      if (v === null) fam.delete(k);
      else fam.set(k, v);
    }
    for (const f of copied) if (next.get(f)?.size === 0) next.delete(f);
    return new AppState(next);
  }

  /** The appHash leaves: (key, canonical value bytes), sorted by the key's UTF-8 bytes. */
  leaves(): StateEntry[] {
    const all: [string, Canonical][] = [];
    for (const f of this.families.values()) for (const e of f) all.push(e);
    return sortByKey(all).map(([key, v]) => ({ key, value: encodeValue(v) }));
  }

  /** RFC 6962 root of the keyed state tree (src/protocol/state-tree.ts) over leaves(). */
  appHash(): Uint8Array {
    return buildStateTree(this.leaves()).root;
  }
}

/** Reads through to a base view and collects writes; the base is never touched. */
export class Overlay implements StateView {
  private readonly writes = new Map<string, Canonical | null>();

  constructor(private readonly base: StateView) {}

  get(key: string): Canonical | undefined {
    if (this.writes.has(key)) return this.writes.get(key) ?? undefined;
    return this.base.get(key);
  }

  list(prefix: string): [string, Canonical][] {
    const merged = new Map(this.base.list(prefix));
    for (const [k, v] of this.writes) {
      if (!k.startsWith(prefix)) continue;
      if (v === null) merged.delete(k);
      else merged.set(k, v);
    }
    return sortByKey([...merged]);
  }

  put(key: string, value: Canonical): void {
    this.writes.set(key, value);
  }

  delete(key: string): void {
    this.writes.set(key, null);
  }

  /** Adds another overlay's writes (a transaction's, once it was accepted). */
  absorb(diff: Diff): void {
    for (const [k, v] of diff) this.writes.set(k, v);
  }

  diff(): Diff {
    return new Map(this.writes);
  }
}

/**
 * Typed read. Each family holds one record type and only this app writes state, so the
 * cast is sound by construction; keys.ts and records.ts pair them.
 */
export function read<T extends Canonical>(view: StateView, key: string): T | undefined {
  return view.get(key) as T | undefined;
}

export function readAll<T extends Canonical>(view: StateView, prefix: string): [string, T][] {
  return view.list(prefix) as [string, T][];
}
