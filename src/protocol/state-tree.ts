// The keyed state tree behind appHash: a map from text keys to byte values, committed as a
// Merkle crit-bit (PATRICIA) trie over the keys' UTF-8 bytes, each leaf the canonical CBOR of
// {key, value}. The trie's shape is a function of the key set alone, so the root is a
// function of the map; a written key changes only the nodes on its path (O(depth), not
// O(state) as the sorted RFC 6962 tree this replaced did); and an in-order walk is key
// order, so the keys under a prefix form one subtree. See docs/light-client.md.
import { sha256 } from './sha256.js';
import { utf8ToBytes } from '@noble/hashes/utils.js';
import { z } from 'zod';
import { err, ok, type Result } from '../shared/result.js';
import { bytesSchema, compareBytes, equalBytes, Hash32Schema } from './bytes.js';
import { recordEncoder } from './cbor-record.js';
import { EMPTY_ROOT, HASH_SIZE, leafHash } from './merkle.js';

export const MAX_STATE_KEY_BYTES = 256;
export const MAX_STATE_VALUE_BYTES = 1 << 20;
/**
 * Crits strictly increase down a path and two keys of at most 256 bytes differ below bit
 * 9 · 257, so no path is longer.
 */
export const MAX_STATE_PATH = 9 * (MAX_STATE_KEY_BYTES + 1);
/** Interior node prefix: RFC 6962 uses 0x00 (leaf) and 0x01 (node); 0x02 is ours alone. */
export const STATE_NODE_PREFIX = 0x02;

/**
 * A lone surrogate encodes as U+FFFD, so "x\uD800" and "x\uFFFD" would be one key on the
 * wire: keys from a validator must be well-formed UTF-16.
 */
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

export const StateKeySchema = z
  .string()
  .min(1)
  .refine((k) => !LONE_SURROGATE.test(k), 'state key is not well-formed UTF-16')
  .refine((k) => utf8ToBytes(k).length <= MAX_STATE_KEY_BYTES, 'state key too long');

export interface StateEntry {
  readonly key: string;
  readonly value: Uint8Array;
}

/**
 * The leaf's data: canonical CBOR {key, value}, through the fixed-record encoder
 * (cbor-record.ts, byte-identical to encodeCanonical and property-tested here too); the
 * generic encoder was most of the cost of rebuilding a 100 000-entry listing on the kiosk.
 */
export function encodeStateLeaf(key: string, value: Uint8Array): Uint8Array {
  return encodeLeafRecord({ key, value });
}

const encodeLeafRecord = recordEncoder(['key', 'value']);

/**
 * A key's bytes as the trie reads them. A string stands for itself when it is ASCII (its
 * code units are its UTF-8 bytes), which spares the devnet an encoded copy of every key.
 */
export type KeyBytes = Uint8Array | string;

/** The bit view of a key: bytes for a non-ASCII string, the string itself otherwise. */
export function keyBytes(key: string): KeyBytes {
  // eslint-disable-next-line no-control-regex
  return /^[\x00-\x7f]*$/.test(key) ? key : utf8ToBytes(key);
}

const byteAt = (k: KeyBytes, p: number): number =>
  typeof k === 'string' ? k.charCodeAt(p) : (k[p] as number);

/**
 * Extended bit i of a key: every byte is preceded by a 1 and the key is followed by zeros,
 * so no key's bits are a prefix of another's (a proper prefix has 0 where the longer key
 * has its next marker 1), and bit order is byte order, shorter prefix first.
 */
export function keyBit(k: KeyBytes, i: number): 0 | 1 {
  const p = Math.floor(i / 9);
  if (p >= k.length) return 0;
  const r = i - 9 * p;
  if (r === 0) return 1;
  return ((byteAt(k, p) >> (8 - r)) & 1) as 0 | 1;
}

/** The first extended bit where two keys differ; -1 when they are equal. */
export function critBit(a: KeyBytes, b: KeyBytes): number {
  const n = Math.min(a.length, b.length);
  let p = 0;
  while (p < n && byteAt(a, p) === byteAt(b, p)) p++;
  if (p === n) return a.length === b.length ? -1 : 9 * n;
  // clz32 of the xor is 24 + the index of the first differing bit from the top of the byte.
  return 9 * p + Math.clz32(byteAt(a, p) ^ byteAt(b, p)) - 23;
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

/** H(0x02 ‖ u16be(crit) ‖ left ‖ right). */
export function innerHash(crit: number, left: Uint8Array, right: Uint8Array): Uint8Array {
  const buf = new Uint8Array(3 + 2 * HASH_SIZE);
  buf[0] = STATE_NODE_PREFIX;
  buf[1] = crit >>> 8;
  buf[2] = crit & 0xff;
  buf.set(left, 3);
  buf.set(right, 3 + HASH_SIZE);
  return sha256(buf);
}

/** One interior node on the way from the root to a leaf: its crit and the other child. */
export const StatePathStepSchema = z.strictObject({
  crit: z.int().min(0).max(0xffff),
  sibling: Hash32Schema,
});
export type StatePathStep = z.infer<typeof StatePathStepSchema>;

/** A leaf and the path from the root down to it. */
export const StateItemProofSchema = z.strictObject({
  key: StateKeySchema,
  value: bytesSchema(undefined, MAX_STATE_VALUE_BYTES),
  path: z.array(StatePathStepSchema).max(MAX_STATE_PATH),
});
export type StateItemProof = z.infer<typeof StateItemProofSchema>;

/**
 * Presence: the item and its path. Absence: the leaf a search for the key ends at, with its
 * path (the key agrees with it at every crit on the way, so the key would be that leaf if
 * it were present); the empty tree has no leaf.
 */
export const StateProofSchema = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('present'), item: StateItemProofSchema }),
  z.strictObject({
    kind: z.literal('absent'),
    key: StateKeySchema,
    leaf: StateItemProofSchema.nullable(),
  }),
]);
export type StateProof = z.infer<typeof StateProofSchema>;

export interface StateTree {
  readonly root: Uint8Array;
  readonly size: number;
  get(key: string): Uint8Array | undefined;
  prove(key: string): StateProof;
}

type RefNode =
  | { kind: 'leaf'; key: string; bytes: KeyBytes; value: Uint8Array; hash: Uint8Array }
  | { kind: 'inner'; crit: number; left: RefNode; right: RefNode; hash: Uint8Array };

/**
 * Builds the trie from scratch: the reference the devnet's incremental trie is tested
 * against. A key given twice is a caller bug: throws.
 */
export function buildStateTree(entries: Iterable<StateEntry>): StateTree {
  // ASCII keys stand for their own bytes (keyBytes), so neither the sort nor the bit reads
  // encode them.
  const items = [...entries].map((e) => ({ ...e, bytes: keyBytes(e.key) }));
  items.sort((a, b) => compareKeys(a.key, b.key));
  items.forEach((it, i) => {
    const prev = items[i - 1];
    if (prev !== undefined && compareKeys(prev.key, it.key) === 0) {
      throw new TypeError(`state key ${it.key} given twice`);
    }
  });
  // In key order, the first bit on which any keys of a run differ is where its first and
  // last key differ; the keys with 0 there come first.
  const build = (lo: number, hi: number): RefNode => {
    const first = items[lo] as (typeof items)[number];
    if (hi - lo === 1) {
      const hash = leafHash(encodeStateLeaf(first.key, first.value));
      return { kind: 'leaf', key: first.key, bytes: first.bytes, value: first.value, hash };
    }
    const crit = critBit(first.bytes, (items[hi - 1] as (typeof items)[number]).bytes);
    let mid = lo + 1;
    while (keyBit((items[mid] as (typeof items)[number]).bytes, crit) === 0) mid++;
    const left = build(lo, mid);
    const right = build(mid, hi);
    return { kind: 'inner', crit, left, right, hash: innerHash(crit, left.hash, right.hash) };
  };
  const top = items.length === 0 ? undefined : build(0, items.length);

  const search = (key: string): { leaf: RefNode & { kind: 'leaf' }; path: StatePathStep[] } => {
    const k = utf8ToBytes(key);
    const path: StatePathStep[] = [];
    let n = top as RefNode;
    while (n.kind === 'inner') {
      const right = keyBit(k, n.crit) === 1;
      path.push({ crit: n.crit, sibling: (right ? n.left : n.right).hash });
      n = right ? n.right : n.left;
    }
    return { leaf: n, path };
  };

  return {
    root: top?.hash ?? EMPTY_ROOT,
    size: items.length,
    get: (key) => {
      if (top === undefined) return undefined;
      const { leaf } = search(key);
      return leaf.key === key ? leaf.value : undefined;
    },
    prove: (key) => {
      if (top === undefined) return { kind: 'absent', key, leaf: null };
      const { leaf, path } = search(key);
      const item = { key: leaf.key, value: leaf.value, path };
      return leaf.key === key ? { kind: 'present', item } : { kind: 'absent', key, leaf: item };
    },
  };
}

export type StateProofError =
  | { kind: 'key-mismatch'; expected: string; got: string }
  | { kind: 'path-not-increasing'; at: number }
  | { kind: 'root-mismatch' }
  /** An absence proof whose leaf is the key itself. */
  | { kind: 'key-present' }
  /** The key leaves the proven path at this crit, so the leaf says nothing about it. */
  | { kind: 'off-path'; crit: number }
  /** An absence proof without a leaf, for a tree that is not empty. */
  | { kind: 'not-empty' };

/** Recomputes the root from a leaf and its path, each side given by the leaf's own bits. */
function checkPath(root: Uint8Array, item: StateItemProof): Result<void, StateProofError> {
  const { path } = item;
  for (let i = 0; i < path.length; i++) {
    const step = path[i] as StatePathStep;
    const above = path[i - 1];
    if (step.crit < 0 || step.crit > 0xffff || (above !== undefined && above.crit >= step.crit)) {
      return err({ kind: 'path-not-increasing', at: i });
    }
  }
  const h = hashUp(leafHash(encodeStateLeaf(item.key, item.value)), item.key, path);
  return equalBytes(h, root) ? ok(undefined) : err({ kind: 'root-mismatch' });
}

/** Hashes a node up the steps above it (root first), each side from `key`'s own bits. */
function hashUp(node: Uint8Array, key: string, steps: readonly StatePathStep[]): Uint8Array {
  const bits = utf8ToBytes(key);
  let h = node;
  for (let i = steps.length - 1; i >= 0; i--) {
    const { crit, sibling } = steps[i] as StatePathStep;
    h = keyBit(bits, crit) === 1 ? innerHash(crit, sibling, h) : innerHash(crit, h, sibling);
  }
  return h;
}

/**
 * Checks a state proof for `key` against a verified appHash. Returns the value, or null
 * when the key is proven absent.
 */
export function verifyStateProof(
  root: Uint8Array,
  key: string,
  proof: StateProof,
): Result<Uint8Array | null, StateProofError> {
  switch (proof.kind) {
    case 'present': {
      if (proof.item.key !== key) {
        return err({ kind: 'key-mismatch', expected: key, got: proof.item.key });
      }
      const r = checkPath(root, proof.item);
      return r.ok ? ok(proof.item.value) : r;
    }
    case 'absent': {
      if (proof.key !== key) return err({ kind: 'key-mismatch', expected: key, got: proof.key });
      const { leaf } = proof;
      if (leaf === null)
        return equalBytes(root, EMPTY_ROOT) ? ok(null) : err({ kind: 'not-empty' });
      if (leaf.key === key) return err({ kind: 'key-present' });
      const r = checkPath(root, leaf);
      if (!r.ok) return r;
      // A search for key takes the same turns as the leaf's key at every crit, so it ends at
      // this leaf, which is not key: the trie has no leaf for key.
      const k = utf8ToBytes(key);
      const l = utf8ToBytes(leaf.key);
      for (const { crit } of leaf.path) {
        if (keyBit(k, crit) !== keyBit(l, crit)) return err({ kind: 'off-path', crit });
      }
      return ok(null);
    }
  }
}

export type PrefixProofError =
  | StateProofError
  | { kind: 'outside-prefix'; key: string }
  | { kind: 'duplicate-key'; key: string }
  /** verifyPrefixCompleteSorted: an item out of rising key order. */
  | { kind: 'unsorted'; key: string }
  /** The listed items are not every leaf under the prefix (one was left out, or more). */
  | { kind: 'incomplete' }
  /** A proof of emptiness that shows a key under the prefix. */
  | { kind: 'prefix-present'; key: string };

/** Whether key's UTF-8 bytes start with prefix's; ASCII compares as strings, unencoded. */
function underPrefix(key: string, prefix: KeyBytes): boolean {
  const k = keyBytes(key);
  if (typeof k === 'string' && typeof prefix === 'string') return k.startsWith(prefix);
  const kb = typeof k === 'string' ? utf8ToBytes(k) : k;
  return startsWithBytes(kb, typeof prefix === 'string' ? utf8ToBytes(prefix) : prefix);
}

const startsWithBytes = (k: Uint8Array, p: Uint8Array): boolean =>
  k.length >= p.length && p.every((b, i) => k[i] === b);

/**
 * Whether a prefix listing is every key under the prefix, from the listed leaves and their
 * own (already verified) proofs. The keys under a prefix of m bytes agree on their first 9·m
 * extended bits, so they are exactly the leaves of one subtree N: where a search for the
 * prefix first meets a crit ≥ 9·m, or the leaf it ends at. N's shape is a function of its
 * key set, so rebuilding it from the listed leaves and hashing the result up the steps above
 * N (the crits < 9·m of any listed leaf's path) gives appHash only if nothing under the
 * prefix was left out. An empty listing is proven with verifyPrefixEmpty instead.
 */
export function verifyPrefixComplete(
  root: Uint8Array,
  prefix: string,
  items: readonly StateItemProof[],
): Result<Uint8Array, PrefixProofError> {
  const sorted = [...items].sort((a, b) => compareKeys(a.key, b.key));
  const run = prefixCheck(root, prefix, sorted);
  for (let r = run.next(); ; r = run.next()) {
    if (r.done === true) return r.value.ok ? ok(r.value.value.digest) : r.value;
  }
}

/** Runs a pausable computation to its end, awaiting `pause` at each of its yields. */
async function runPausing<T>(run: Generator<void, T>, pause: () => Promise<void>): Promise<T> {
  for (let r = run.next(); ; r = run.next()) {
    if (r.done === true) return r.value;
    await pause();
  }
}

/**
 * verifyPrefixComplete for items already in rising key order (a paged listing), pausing
 * every ROOT_STEP items: a 100 000-entry roll is ~0.8 s of hashing, and the kiosk's event
 * loop serves the voter's screen meanwhile.
 */
export async function verifyPrefixCompleteSorted(
  root: Uint8Array,
  prefix: string,
  items: readonly StateItemProof[],
  pause: () => Promise<void>,
): Promise<Result<Uint8Array, PrefixProofError>> {
  const r = await runPausing(prefixCheck(root, prefix, items), pause);
  return r.ok ? ok(r.value.digest) : r;
}

/**
 * verifyPrefixCompleteSorted that also gives the digest of each sub-prefix one character
 * longer than `prefix` (computed on the way: the same hashing). A kiosk that keeps them can
 * later re-list only the sub-prefixes whose digest changed (docs/sync.md). No groups when a
 * key equals the prefix itself.
 */
export function verifyPrefixCompleteGrouped(
  root: Uint8Array,
  prefix: string,
  items: readonly StateItemProof[],
  pause: () => Promise<void>,
): Promise<Result<GroupedDigest, PrefixProofError>> {
  return runPausing(prefixCheck(root, prefix, items), pause);
}

/** A prefix's digest and its sub-prefixes' subtrees, in key order. */
export interface GroupedDigest {
  readonly digest: Uint8Array;
  readonly groups: readonly Subtree[];
}

/** The subtree of the keys under one sub-prefix: its root and its first and last keys. */
export interface Subtree {
  readonly prefix: string;
  readonly root: Uint8Array;
  readonly first: string;
  readonly last: string;
}

/** The sub-prefix of `key` one character (code point) longer than `prefix`; null for the prefix itself. */
export function subPrefixOf(key: string, prefix: string): string | null {
  const cp = key.codePointAt(prefix.length);
  if (cp === undefined) return null;
  return key.slice(0, prefix.length + (cp > 0xffff ? 2 : 1));
}

/**
 * The root over consecutive non-empty subtrees, each the keys under one sub-prefix, in
 * rising key order. It equals the root over all their entries: keys of two sub-prefixes
 * differ within the sub-prefixes' last character, so every crit between two subtrees is
 * smaller than every crit inside either, and the stack of sortedRoot (below) treats each
 * subtree as it would its leaves' reduction. Property-tested against sortedStateRoot.
 */
export function foldSubtrees(subtrees: readonly Subtree[]): Uint8Array {
  const first = subtrees[0];
  if (first === undefined) return EMPTY_ROOT;
  const pending: { hash: Uint8Array; crit: number }[] = [];
  let cur = first.root;
  let prevLast = keyBytes(first.last);
  for (let i = 1; i < subtrees.length; i++) {
    const t = subtrees[i] as Subtree;
    const crit = critBit(prevLast, keyBytes(t.first));
    for (let top = pending.at(-1); top !== undefined && top.crit > crit; top = pending.at(-1)) {
      cur = innerHash(top.crit, top.hash, cur);
      pending.pop();
    }
    pending.push({ hash: cur, crit });
    cur = t.root;
    prevLast = keyBytes(t.last);
  }
  for (let top = pending.pop(); top !== undefined; top = pending.pop()) {
    cur = innerHash(top.crit, top.hash, cur);
  }
  return cur;
}

/**
 * The trie's root over entries in strictly rising key order (the caller's promise: unsorted
 * input gives a wrong root, not an error), pausing every ROOT_STEP entries.
 */
export function sortedStateRoot(
  entries: readonly StateEntry[],
  pause: () => Promise<void>,
): Promise<Uint8Array> {
  return runPausing(sortedRoot(entries), pause);
}

/** Items between pauses of a pausable check (a few milliseconds of hashing). */
export const ROOT_STEP = 4096;

function* prefixCheck(
  root: Uint8Array,
  prefix: string,
  items: readonly StateItemProof[],
): Generator<void, Result<GroupedDigest, PrefixProofError>> {
  const first = items[0];
  if (first === undefined) return err({ kind: 'incomplete' });
  const p = keyBytes(prefix);
  for (const [i, it] of items.entries()) {
    if (i > 0 && i % ROOT_STEP === 0) yield;
    if (!underPrefix(it.key, p)) return err({ kind: 'outside-prefix', key: it.key });
    const prev = items[i - 1];
    const order = prev === undefined ? -1 : compareKeys(prev.key, it.key);
    if (order === 0) return err({ kind: 'duplicate-key', key: it.key });
    if (order > 0) return err({ kind: 'unsorted', key: it.key });
  }
  const checked = checkPath(root, first);
  if (!checked.ok) return checked;
  const end = 9 * p.length;
  const above = first.path.filter((s) => s.crit < end);
  const groups = yield* groupRoots(prefix, items);
  const subtree = groups === null ? yield* sortedRoot(items) : foldSubtrees(groups);
  const h = hashUp(subtree, first.key, above);
  return equalBytes(h, root)
    ? ok({ digest: subtree, groups: groups ?? [] })
    : err({ kind: 'incomplete' });
}

/** Each sub-prefix's subtree over sorted keys under `prefix`; null if one is the prefix. */
function* groupRoots(
  prefix: string,
  items: readonly StateEntry[],
): Generator<void, Subtree[] | null> {
  const groups: Subtree[] = [];
  let start = 0;
  let sincePause = 0;
  while (start < items.length) {
    const sub = subPrefixOf((items[start] as StateEntry).key, prefix);
    if (sub === null) return null;
    let end = start + 1;
    while (end < items.length && (items[end] as StateEntry).key.startsWith(sub)) end++;
    const slice = items.slice(start, end);
    groups.push({
      prefix: sub,
      root: yield* sortedRoot(slice),
      first: (slice[0] as StateEntry).key,
      last: (slice[slice.length - 1] as StateEntry).key,
    });
    // sortedRoot pauses every ROOT_STEP items of one group; many small groups pause too.
    const n = end - start;
    sincePause = n >= ROOT_STEP ? n % ROOT_STEP : sincePause + n;
    if (sincePause >= ROOT_STEP) {
      sincePause = 0;
      yield;
    }
    start = end;
  }
  return groups;
}

/**
 * The trie's root over entries in strictly rising key order, in one pass: the inner node
 * between neighbours k_i and k_i+1 has crit critBit(k_i, k_i+1), and the trie is those
 * separators nested by crit (smaller crits higher), so a stack of pending left subtrees
 * builds it bottom-up (operator precedence, a smaller crit binding looser). The same root as
 * buildStateTree (property-tested), without its sort and recursion.
 */
function* sortedRoot(entries: readonly StateEntry[]): Generator<void, Uint8Array> {
  const first = entries[0];
  if (first === undefined) return EMPTY_ROOT;
  const pending: { hash: Uint8Array; crit: number }[] = [];
  let prevKey = keyBytes(first.key);
  let cur = leafHash(encodeStateLeaf(first.key, first.value));
  for (let i = 1; i < entries.length; i++) {
    if (i % ROOT_STEP === 0) yield;
    const e = entries[i] as StateEntry;
    const k = keyBytes(e.key);
    const crit = critBit(prevKey, k);
    for (let top = pending.at(-1); top !== undefined && top.crit > crit; top = pending.at(-1)) {
      cur = innerHash(top.crit, top.hash, cur);
      pending.pop();
    }
    pending.push({ hash: cur, crit });
    cur = leafHash(encodeStateLeaf(e.key, e.value));
    prevKey = k;
  }
  for (let top = pending.pop(); top !== undefined; top = pending.pop()) {
    cur = innerHash(top.crit, top.hash, cur);
  }
  return cur;
}

/**
 * Whether no key lies under the prefix, from a proof for the prefix as a key. Proven absent,
 * its leaf is where a search for the prefix ends; that leaf is in N (above), and all of N's
 * keys share their bits below N's crit (≥ 9·m). So when the leaf is not under the prefix it
 * differs from it within the first 9·m bits, and so does every key of N; every other key
 * left the search path at a crit < 9·m, where it differs from the prefix too.
 */
export function verifyPrefixEmpty(
  root: Uint8Array,
  prefix: string,
  proof: StateProof,
): Result<Uint8Array, PrefixProofError> {
  const d = verifyPrefixDigest(root, prefix, proof);
  if (!d.ok) return d;
  if (equalBytes(d.value, EMPTY_ROOT)) return d;
  const leaf = proof.kind === 'absent' ? proof.leaf : proof.item;
  return err({ kind: 'prefix-present', key: leaf?.key ?? prefix });
}

/**
 * The digest of everything under a prefix: the hash of the subtree N its keys form (above),
 * or EMPTY_ROOT when there is none. It commits to the keys and values under the prefix, so
 * a kiosk that listed them at one height and gets the same digest at a later one knows the
 * listing is unchanged without listing again. It is read from a proof for the prefix as a
 * key (present or absent): that search ends at a leaf of N, and the steps of its path at or
 * past 9·m are N's own, so hashing the leaf up those steps gives N.
 */
export function verifyPrefixDigest(
  root: Uint8Array,
  prefix: string,
  proof: StateProof,
): Result<Uint8Array, StateProofError> {
  const v = verifyStateProof(root, prefix, proof);
  if (!v.ok) return v;
  const leaf = proof.kind === 'present' ? proof.item : proof.leaf;
  if (leaf === null) return ok(EMPTY_ROOT);
  const p = keyBytes(prefix);
  if (!underPrefix(leaf.key, p)) return ok(EMPTY_ROOT);
  const end = 9 * p.length;
  const inside = leaf.path.filter((s) => s.crit >= end);
  return ok(hashUp(leafHash(encodeStateLeaf(leaf.key, leaf.value)), leaf.key, inside));
}
