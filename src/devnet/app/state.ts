// The application state: a map of canonical text keys to canonical values, held as a
// persistent Merkle crit-bit trie, the same trie src/protocol/state-tree.ts commits to in
// appHash. AppState is immutable; a block's writes are collected in an Overlay and applied
// once. A written key copies only the nodes on its path, so a block of b writes allocates
// O(b·depth) nodes, appHash hashes only those (every node memoises its hash, and untouched
// subtrees are shared with the previous state), and the validator's 256 retained states
// share everything they have in common. See docs/devnet.md, "State cost".
import { hash } from 'node:crypto';
import { decodeCanonical, encodeCanonical, type Canonical } from '../../protocol/encoding.js';
import { EMPTY_ROOT, HASH_SIZE } from '../../protocol/merkle.js';
import {
  compareKeys,
  critBit,
  encodeStateLeaf,
  keyBit,
  keyBytes,
  MAX_STATE_KEY_BYTES,
  STATE_NODE_PREFIX,
  type KeyBytes,
  type StateEntry,
  type StatePathStep,
  type StateProof,
} from '../../protocol/state-tree.js';

/** A write set: null deletes the key. */
export type Diff = ReadonlyMap<string, Canonical | null>;

export interface StateView {
  get(key: string): Canonical | undefined;
  /** Entries whose key starts with prefix, in key order. */
  list(prefix: string): [string, Canonical][];
}

/** Key order of the state tree (UTF-8 bytes); kept here for the devnet's callers. */
export { compareKeys };

function sortByKey<V>(entries: [string, V][]): [string, V][] {
  return entries.sort((x, y) => compareKeys(x[0], y[0]));
}

// Hashes are kept as 32-character latin1 strings, not Uint8Arrays: a validator holds a
// hash per node of every retained state, and a short string is a fraction of a typed
// array's footprint (and no external memory for the collector to track).

/**
 * One key and its value; the leaf hash is computed on first use and kept. Values are never
 * mutated once written (every write stores a fresh leaf), so the memo stays true for every
 * state that shares the leaf.
 *
 * The value is kept as its canonical encoding, a latin1 string (one char per byte), and
 * decoded when read: most leaves are ballot and nullifier records that are written once and
 * only ever hashed, and as objects each held typed arrays (with their buffers) and strings
 * the collector had to trace and copy: ~60 of 304 MiB sampled live in the sync bench's four
 * validators at 30 000 ballots (docs/sync.md, "Linear at 100 000"). A read keeps the decoded
 * value for the next one (the hot records: elections, kiosks), which is safe because nobody
 * mutates a state value.
 */
class Leaf {
  h: string | undefined = undefined;
  private decoded: Canonical | undefined = undefined;

  constructor(
    readonly key: string,
    readonly bits: KeyBytes,
    readonly enc: string,
  ) {}

  static of(key: string, bits: KeyBytes, value: Canonical): Leaf {
    return new Leaf(key, bits, Buffer.from(encodeCanonical(value)).toString('latin1'));
  }

  get value(): Canonical {
    if (this.decoded !== undefined) return this.decoded;
    const d = decodeCanonical(this.bytes());
    // Only this class encodes these strings: one that does not decode is a bug.
    if (!d.ok) throw new Error(`state value of ${this.key} does not decode`);
    this.decoded = d.value;
    return d.value;
  }

  bytes(): Uint8Array {
    return new Uint8Array(Buffer.from(this.enc, 'latin1'));
  }
}

/** An interior node: every key below it agrees on the bits before crit. */
class Inner {
  h: string | undefined = undefined;

  constructor(
    readonly crit: number,
    readonly left: TrieNode,
    readonly right: TrieNode,
  ) {}
}

type TrieNode = Leaf | Inner;

const child = (n: Inner, bit: 0 | 1): TrieNode => (bit === 1 ? n.right : n.left);

// Node's one-shot native SHA-256 is ~1.5× noble's on these short inputs (measured); the
// hashes are the ones state-tree.ts defines (the state tests compare roots). 'binary' is
// Node's name for latin1 as a digest encoding: one char per byte.
const innerScratch = Buffer.alloc(3 + 2 * HASH_SIZE);
innerScratch[0] = STATE_NODE_PREFIX;

function hashOf(n: TrieNode): string {
  if (n.h !== undefined) return n.h;
  if (n instanceof Leaf) {
    const data = encodeStateLeaf(n.key, n.bytes());
    const buf = Buffer.allocUnsafe(data.length + 1);
    buf[0] = 0x00;
    buf.set(data, 1);
    n.h = hash('sha256', buf, 'binary');
    return n.h;
  }
  const l = hashOf(n.left);
  const r = hashOf(n.right);
  innerScratch.writeUInt16BE(n.crit, 1);
  innerScratch.write(l, 3, 'latin1');
  innerScratch.write(r, 3 + HASH_SIZE, 'latin1');
  n.h = hash('sha256', innerScratch, 'binary');
  return n.h;
}

function hashBytes(h: string): Uint8Array {
  const out = new Uint8Array(HASH_SIZE);
  for (let i = 0; i < HASH_SIZE; i++) out[i] = h.charCodeAt(i);
  return out;
}

/** The leaf a search for bits ends at. */
function search(root: TrieNode, bits: KeyBytes): Leaf {
  let n = root;
  while (n instanceof Inner) n = child(n, keyBit(bits, n.crit));
  return n;
}

/** Copies the ancestors (root first) above a replaced subtree, bottom-up. */
function rebuild(above: readonly Inner[], sides: readonly (0 | 1)[], sub: TrieNode): TrieNode {
  for (let i = above.length - 1; i >= 0; i--) {
    const a = above[i] as Inner;
    sub = sides[i] === 1 ? new Inner(a.crit, a.left, sub) : new Inner(a.crit, sub, a.right);
  }
  return sub;
}

/** The trie with leaf written (added or replacing its key's leaf); the old one is kept. */
function insert(root: TrieNode | undefined, leaf: Leaf): { root: TrieNode; added: boolean } {
  if (root === undefined) return { root: leaf, added: true };
  const crit = critBit(leaf.bits, search(root, leaf.bits).bits);
  const above: Inner[] = [];
  const sides: (0 | 1)[] = [];
  // Replacing descends to the old leaf; adding stops above the first node that splits on a
  // later bit than the new key's crit (crits increase downwards).
  let n = root;
  while (n instanceof Inner && (crit < 0 || n.crit < crit)) {
    const side = keyBit(leaf.bits, n.crit);
    above.push(n);
    sides.push(side);
    n = child(n, side);
  }
  if (crit < 0) return { root: rebuild(above, sides, leaf), added: false };
  const sub = keyBit(leaf.bits, crit) === 1 ? new Inner(crit, n, leaf) : new Inner(crit, leaf, n);
  return { root: rebuild(above, sides, sub), added: true };
}

/** The trie without key (unchanged when it has none). */
function remove(
  root: TrieNode | undefined,
  key: string,
  bits: KeyBytes,
): { root: TrieNode | undefined; removed: boolean } {
  if (root === undefined) return { root, removed: false };
  const above: Inner[] = [];
  const sides: (0 | 1)[] = [];
  let n = root;
  while (n instanceof Inner) {
    const side = keyBit(bits, n.crit);
    above.push(n);
    sides.push(side);
    n = child(n, side);
  }
  if (n.key !== key) return { root, removed: false };
  const parent = above.pop();
  const side = sides.pop();
  if (parent === undefined) return { root: undefined, removed: true };
  // The parent's other child takes the parent's place; its crit is still above its own.
  return { root: rebuild(above, sides, side === 1 ? parent.left : parent.right), removed: true };
}

/** In-order walk of a subtree: key order. */
function* inOrder(n: TrieNode): Generator<Leaf> {
  const stack: TrieNode[] = [n];
  for (let top = stack.pop(); top !== undefined; top = stack.pop()) {
    if (top instanceof Leaf) {
      yield top;
    } else {
      stack.push(top.right, top.left);
    }
  }
}

export class AppState implements StateView {
  static empty(): AppState {
    return new AppState(undefined, 0);
  }

  private root: Uint8Array | undefined;

  private constructor(
    private readonly trie: TrieNode | undefined,
    readonly size: number,
  ) {}

  get(key: string): Canonical | undefined {
    if (this.trie === undefined) return undefined;
    const leaf = search(this.trie, keyBytes(key));
    return leaf.key === key ? leaf.value : undefined;
  }

  list(prefix: string): [string, Canonical][] {
    if (this.trie === undefined) return [];
    // The keys under a prefix of m bytes agree on its first 9·m extended bits, so they are
    // the subtree where a search for the prefix first meets a crit at or past 9·m, or none.
    const bits = keyBytes(prefix);
    const end = 9 * bits.length;
    let n = this.trie;
    while (n instanceof Inner && n.crit < end) n = child(n, keyBit(bits, n.crit));
    let first = n;
    while (first instanceof Inner) first = first.left;
    if (!first.key.startsWith(prefix)) return [];
    const out: [string, Canonical][] = [];
    for (const leaf of inOrder(n)) out.push([leaf.key, leaf.value]);
    return out;
  }

  /**
   * Up to `limit` keys under a prefix past `after` (key order), without decoding a value: a
   * page of a listing. The walk descends to the cursor once (O(depth), not the keys before
   * it), so paging a prefix of n keys costs O(n), not O(n^2 / page).
   */
  keysAfter(prefix: string, after: string | null, limit: number): string[] {
    if (this.trie === undefined || limit <= 0) return [];
    const bits = keyBytes(prefix);
    const end = 9 * bits.length;
    let n = this.trie;
    while (n instanceof Inner && n.crit < end) n = child(n, keyBit(bits, n.crit));
    let first = n;
    while (first instanceof Inner) first = first.left;
    if (!first.key.startsWith(prefix)) return [];
    // Subtrees still to walk, the next one in key order last.
    const pending: TrieNode[] = [];
    if (after === null) {
      pending.push(n);
    } else {
      // Every key in n shares the prefix's bits, so the first bit where the cursor leaves
      // the best match in n says where it falls: inside a subtree, or wholly before or
      // after one (a cursor outside the prefix lands before or after all of n).
      const ab = keyBytes(after);
      const c = critBit(ab, search(n, ab).bits);
      let m = n;
      while (m instanceof Inner && (c < 0 || m.crit < c)) {
        const side = keyBit(ab, m.crit);
        if (side === 0) pending.push(m.right);
        m = child(m, side);
      }
      // c < 0: m is the cursor's own leaf, not past it. Otherwise m's keys agree with the
      // cursor before bit c and all differ from it there.
      if (c >= 0 && keyBit(ab, c) === 0) pending.push(m);
    }
    const out: string[] = [];
    for (let top = pending.pop(); top !== undefined && out.length < limit; top = pending.pop()) {
      for (const leaf of inOrder(top)) {
        if (out.length >= limit) break;
        out.push(leaf.key);
      }
    }
    return out;
  }

  /** A new state with the diff applied; this one is unchanged. */
  apply(diff: Diff): AppState {
    if (diff.size === 0) return this;
    let trie = this.trie;
    let size = this.size;
    for (const [k, v] of diff) {
      const bits = keyBytes(k);
      // keys.ts builds every key from bounded ids; a longer one would not fit a proof.
      const len = typeof bits === 'string' ? bits.length : bits.byteLength;
      if (len === 0 || len > MAX_STATE_KEY_BYTES) throw new TypeError(`bad state key ${k}`);
      if (v === null) {
        const r = remove(trie, k, bits);
        trie = r.root;
        if (r.removed) size--;
      } else {
        const r = insert(trie, Leaf.of(k, bits, v));
        trie = r.root;
        if (r.added) size++;
      }
    }
    return new AppState(trie, size);
  }

  /** The appHash leaves: (key, canonical value bytes), sorted by the key's UTF-8 bytes. */
  leaves(): StateEntry[] {
    const out: StateEntry[] = [];
    if (this.trie === undefined) return out;
    for (const leaf of inOrder(this.trie)) {
      out.push({ key: leaf.key, value: leaf.bytes() });
    }
    return out;
  }

  /**
   * The root of the state trie (src/protocol/state-tree.ts): equal to
   * buildStateTree(leaves()).root (a test checks); hashes only nodes this state created.
   */
  appHash(): Uint8Array {
    this.root ??= this.trie === undefined ? EMPTY_ROOT : hashBytes(hashOf(this.trie));
    return this.root;
  }

  /** A proof of key's value or absence against appHash(). */
  prove(key: string): StateProof {
    if (this.trie === undefined) return { kind: 'absent', key, leaf: null };
    const bits = keyBytes(key);
    const path: StatePathStep[] = [];
    let n = this.trie;
    while (n instanceof Inner) {
      const side = keyBit(bits, n.crit);
      path.push({ crit: n.crit, sibling: hashBytes(hashOf(child(n, side === 1 ? 0 : 1))) });
      n = child(n, side);
    }
    const item = { key: n.key, value: n.bytes(), path };
    return n.key === key ? { kind: 'present', item } : { kind: 'absent', key, leaf: item };
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
