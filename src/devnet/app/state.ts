// The application state: a map of canonical text keys to canonical values, stored per key
// family so one family can be scanned without touching the others. AppState is immutable; a
// block's writes are collected in an Overlay and applied once. Each family is a sorted list
// of small immutable chunks: applying a block copies only the chunks it touches plus the
// chunk list (N/64 pointers), so a block of b ballots costs O(b·64 + N/64), not a copy and a
// re-sort of the whole nullifier and ballot families, and the validator's 256 retained states
// share every untouched chunk. appHash still hashes O(state) interior nodes per state: the
// commitment is an RFC 6962 tree over the keys in sorted order, where one insertion shifts
// every later leaf (docs/devnet.md, "State cost").
import { hash } from 'node:crypto';
import { utf8ToBytes } from '@noble/hashes/utils.js';
import { compareBytes } from '../../protocol/bytes.js';
import { encodeCanonical, type Canonical } from '../../protocol/encoding.js';
import { EMPTY_ROOT, HASH_SIZE, leafHash } from '../../protocol/merkle.js';
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

/**
 * One key and its value, with the leaf's canonical bytes and hash computed on first use.
 * Values are never mutated once written (every write stores a fresh entry), so the memo is
 * shared by every state that still holds the entry.
 */
class Entry {
  private memo: { value: Uint8Array; hash: Uint8Array } | undefined;

  constructor(
    readonly key: string,
    readonly value: Canonical,
  ) {}

  leaf(): { value: Uint8Array; hash: Uint8Array } {
    if (this.memo === undefined) {
      const value = encodeCanonical(this.value);
      this.memo = { value, hash: leafHash(encodeStateLeaf(this.key, value)) };
    }
    return this.memo;
  }
}

/** Sorted, non-empty, never mutated. */
type Chunk = readonly Entry[];

/** Sorted chunks; every key of chunk i sorts before every key of chunk i + 1. */
interface Family {
  readonly chunks: readonly Chunk[];
  readonly size: number;
}

// A chunk's leaf hashes, concatenated: chunks never change, so a block's appHash copies one
// buffer per chunk instead of one hash per entry (that loop alone was ~4 % of devnet CPU).
const chunkHashCache = new WeakMap<Chunk, Uint8Array>();

function chunkHashes(c: Chunk): Uint8Array {
  let buf = chunkHashCache.get(c);
  if (buf === undefined) {
    buf = new Uint8Array(c.length * HASH_SIZE);
    c.forEach((e, i) => (buf as Uint8Array).set(e.leaf().hash, i * HASH_SIZE));
    chunkHashCache.set(c, buf);
  }
  return buf;
}

/** Chunks are split above 2 × CHUNK entries into pieces of CHUNK. */
const CHUNK = 64;

const lastKey = (c: Chunk): string => (c[c.length - 1] as Entry).key;

/** Index of the first chunk whose last key is >= key (chunks.length when none). */
function chunkFor(chunks: readonly Chunk[], key: string): number {
  let lo = 0;
  let hi = chunks.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (compareKeys(lastKey(chunks[mid] as Chunk), key) < 0) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Index of the first entry whose key is >= key. */
function lowerBound(c: Chunk, key: string): number {
  let lo = 0;
  let hi = c.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (compareKeys((c[mid] as Entry).key, key) < 0) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** The chunk's entries merged with sorted updates ups[from, to). */
function mergeChunk(c: Chunk, ups: readonly Entry[], from: number, to: number): Entry[] {
  const out: Entry[] = [];
  let i = 0;
  let u = from;
  while (i < c.length || u < to) {
    const e = c[i];
    const up = u < to ? (ups[u] as Entry) : undefined;
    const cmp = e === undefined ? 1 : up === undefined ? -1 : compareKeys(e.key, up.key);
    if (cmp < 0) {
      out.push(e as Entry);
      i++;
    } else {
      // A null value is a deletion: the update replaces the entry with nothing.
      if ((up as Entry).value !== null) out.push(up as Entry);
      u++;
      if (cmp === 0) i++;
    }
  }
  return out;
}

function pushSplit(out: Chunk[], entries: Entry[]): void {
  if (entries.length === 0) return;
  if (entries.length <= 2 * CHUNK) {
    out.push(entries);
    return;
  }
  for (let i = 0; i < entries.length; i += CHUNK) out.push(entries.slice(i, i + CHUNK));
}

/** A new family with the sorted updates applied (null values delete); the old one is kept. */
function applyToFamily(fam: Family | undefined, ups: readonly Entry[]): Family | undefined {
  const chunks = fam?.chunks ?? [];
  const out: Chunk[] = [];
  let size = fam?.size ?? 0;
  let u = 0;
  for (let c = 0; c < chunks.length; c++) {
    const chunk = chunks[c] as Chunk;
    let e = u;
    if (c === chunks.length - 1) e = ups.length;
    else while (e < ups.length && compareKeys((ups[e] as Entry).key, lastKey(chunk)) <= 0) e++;
    if (e === u) {
      out.push(chunk);
      continue;
    }
    const merged = mergeChunk(chunk, ups, u, e);
    size += merged.length - chunk.length;
    pushSplit(out, merged);
    u = e;
  }
  if (chunks.length === 0) {
    const merged = mergeChunk([], ups, 0, ups.length);
    size = merged.length;
    pushSplit(out, merged);
  }
  return size === 0 ? undefined : { chunks: out, size };
}

/**
 * rootFromLeafHashes (src/protocol/merkle.ts) over one flat buffer of leaf hashes, in place,
 * with Node's native SHA-256: the devnet hashes every leaf position once per block (see the
 * top of this file). The native one-shot hash is ~1.5× noble's for a 65-byte node; working
 * in one buffer instead of an array of 32-byte arrays keeps a block's O(state) node hashes
 * from becoming O(state) objects for the collector (measured). Same tree, same root (the
 * state tests compare it with buildStateTree's).
 */
function rootOf(level: Uint8Array, n: number): Uint8Array {
  if (n === 0) return EMPTY_ROOT;
  const node = new Uint8Array(1 + 2 * HASH_SIZE);
  node[0] = 0x01;
  while (n > 1) {
    let w = 0;
    for (let i = 0; i < n; i += 2) {
      if (i + 1 >= n) {
        level.copyWithin(w * HASH_SIZE, i * HASH_SIZE, (i + 1) * HASH_SIZE);
      } else {
        node.set(level.subarray(i * HASH_SIZE, (i + 2) * HASH_SIZE), 1);
        level.set(hash('sha256', node, 'buffer'), w * HASH_SIZE);
      }
      w++;
    }
    n = w;
  }
  return level.slice(0, HASH_SIZE);
}

export class AppState implements StateView {
  static empty(): AppState {
    return new AppState(new Map());
  }

  private root: Uint8Array | undefined;

  private constructor(private readonly families: ReadonlyMap<string, Family>) {}

  get(key: string): Canonical | undefined {
    const fam = this.families.get(familyOf(key));
    if (fam === undefined) return undefined;
    const chunk = fam.chunks[chunkFor(fam.chunks, key)];
    if (chunk === undefined) return undefined;
    const e = chunk[lowerBound(chunk, key)];
    return e?.key === key ? e.value : undefined;
  }

  list(prefix: string): [string, Canonical][] {
    const fam = this.families.get(familyOf(prefix));
    if (fam === undefined) return [];
    // Keys that start with prefix are contiguous in byte order, beginning at its lower bound.
    const out: [string, Canonical][] = [];
    let c = chunkFor(fam.chunks, prefix);
    let i = c < fam.chunks.length ? lowerBound(fam.chunks[c] as Chunk, prefix) : 0;
    for (; c < fam.chunks.length; c++, i = 0) {
      const chunk = fam.chunks[c] as Chunk;
      for (; i < chunk.length; i++) {
        const e = chunk[i] as Entry;
        if (!e.key.startsWith(prefix)) return out;
        out.push([e.key, e.value]);
      }
    }
    return out;
  }

  get size(): number {
    let n = 0;
    for (const f of this.families.values()) n += f.size;
    return n;
  }

  /** A new state with the diff applied; this one is unchanged. */
  apply(diff: Diff): AppState {
    if (diff.size === 0) return this;
    const byFamily = new Map<string, Entry[]>();
    for (const [k, v] of diff) {
      // The family ordering in entries() relies on every key being '<family>/…'.
      if (!k.includes('/')) throw new TypeError(`state key ${k} has no family`);
      const f = familyOf(k);
      let ups = byFamily.get(f);
      if (ups === undefined) byFamily.set(f, (ups = []));
      ups.push(new Entry(k, v as Canonical));
    }
    const next = new Map(this.families);
    for (const [f, ups] of byFamily) {
      ups.sort((x, y) => compareKeys(x.key, y.key));
      const fam = applyToFamily(this.families.get(f), ups);
      if (fam === undefined) next.delete(f);
      else next.set(f, fam);
    }
    return new AppState(next);
  }

  /** The appHash leaves: (key, canonical value bytes), sorted by the key's UTF-8 bytes. */
  leaves(): StateEntry[] {
    const out: StateEntry[] = [];
    for (const e of this.entries()) out.push({ key: e.key, value: e.leaf().value });
    return out;
  }

  /**
   * The root of the keyed state tree (src/protocol/state-tree.ts) over leaves(): equal to
   * buildStateTree(leaves()).root (a test checks), computed from memoised leaf hashes.
   */
  appHash(): Uint8Array {
    if (this.root === undefined) {
      const level = new Uint8Array(this.size * HASH_SIZE);
      let n = 0;
      for (const fam of this.sortedFamilies()) {
        for (const chunk of fam.chunks) {
          level.set(chunkHashes(chunk), HASH_SIZE * n);
          n += chunk.length;
        }
      }
      this.root = rootOf(level, n);
    }
    return this.root;
  }

  // Every key of a family starts with '<family>/', so ordering the families by that prefix
  // and concatenating their sorted entries gives the order of all keys.
  private sortedFamilies(): Family[] {
    const names = [...this.families.keys()].sort((a, b) => compareKeys(`${a}/`, `${b}/`));
    return names.map((name) => this.families.get(name) as Family);
  }

  private *entries(): Generator<Entry> {
    for (const fam of this.sortedFamilies()) for (const chunk of fam.chunks) yield* chunk;
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
