// The application state: a map of canonical text keys to canonical values, stored per key
// family so one family can be copied or scanned without touching the others. AppState is
// immutable; a block's writes are collected in an Overlay and applied once (copy-on-write
// per touched family), so a block of n ballots costs one copy of the nullifier family, not n.
import { utf8ToBytes } from '@noble/hashes/utils.js';
import { compareBytes } from '../../protocol/bytes.js';
import { encodeCanonical, type Canonical } from '../../protocol/encoding.js';
import { leafHash, rootFromLeafHashes } from '../../protocol/merkle.js';
import { encodeStateLeaf, type StateEntry } from '../../protocol/state-tree.js';
import { familyOf } from './keys.js';

/** A write set: null deletes the key. */
export type Diff = ReadonlyMap<string, Canonical | null>;

export interface StateView {
  get(key: string): Canonical | undefined;
  /** Entries whose key starts with prefix, in key order. */
  list(prefix: string): [string, Canonical][];
}

/**
 * Key order of the state tree: the keys' UTF-8 bytes. For code units below the surrogate
 * range, UTF-16 order equals code-point order equals UTF-8 byte order, so the common case
 * (every key this app writes is ASCII) compares without encoding; anything else falls back
 * to the bytes.
 */
export function compareKeys(a: string, b: string): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const ca = a.charCodeAt(i);
    const cb = b.charCodeAt(i);
    if (ca === cb) continue;
    if (ca < 0xd800 && cb < 0xd800) return ca - cb;
    return compareBytes(utf8ToBytes(a), utf8ToBytes(b));
  }
  return a.length - b.length;
}

function sortByKey<V>(entries: [string, V][]): [string, V][] {
  return entries.sort((x, y) => compareKeys(x[0], y[0]));
}

interface Leaf {
  readonly key: string;
  readonly value: Uint8Array;
  readonly hash: Uint8Array;
}

// appHash is recomputed every block over the whole state, but only a few values change per
// block. Values are never mutated once written (every write stores a fresh object), so a
// leaf (canonical bytes and leaf hash) is cached by the value's identity, and a family's
// sorted leaves by the family map's identity (a family map is replaced whenever it changes).
const leafCache = new WeakMap<object, Leaf>();
const familyCache = new WeakMap<ReadonlyMap<string, Canonical>, readonly Leaf[]>();

function leafOf(key: string, v: Canonical): Leaf {
  const cacheable = v !== null && typeof v === 'object';
  if (cacheable) {
    const hit = leafCache.get(v);
    if (hit !== undefined && hit.key === key) return hit;
  }
  const value = encodeCanonical(v);
  const leaf = { key, value, hash: leafHash(encodeStateLeaf(key, value)) };
  if (cacheable) leafCache.set(v, leaf);
  return leaf;
}

function familyLeaves(fam: ReadonlyMap<string, Canonical>): readonly Leaf[] {
  let leaves = familyCache.get(fam);
  if (leaves === undefined) {
    leaves = sortByKey([...fam]).map(([k, v]) => leafOf(k, v));
    familyCache.set(fam, leaves);
  }
  return leaves;
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
      // The family ordering in sortedLeaves relies on every key being '<family>/…'.
      if (!k.includes('/')) throw new TypeError(`state key ${k} has no family`);
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
    return this.sortedLeaves().map(({ key, value }) => ({ key, value }));
  }

  /**
   * The root of the keyed state tree (src/protocol/state-tree.ts) over leaves(): equal to
   * buildStateTree(leaves()).root (a test checks), computed from cached leaf hashes.
   */
  appHash(): Uint8Array {
    return rootFromLeafHashes(this.sortedLeaves().map((l) => l.hash));
  }

  // Every key of a family starts with '<family>/', so ordering the families by that prefix
  // and concatenating their sorted leaves gives the order of all keys.
  private sortedLeaves(): Leaf[] {
    const names = [...this.families.keys()].sort((a, b) => compareKeys(`${a}/`, `${b}/`));
    const out: Leaf[] = [];
    for (const name of names) {
      for (const leaf of familyLeaves(this.families.get(name) as ReadonlyMap<string, Canonical>)) {
        out.push(leaf);
      }
    }
    return out;
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
