// Pulling application state (elections, ballot styles, candidates, ratings, the voter roll,
// jury draws, staff, the kiosk's registration): every item is checked against appHash of a
// header the light client verified, then stored with its proof. appHash of header h is the
// state after block h − 1, which is what the validator proves.
//
// A prefix is listed page by page at one height and the pages together must be every key
// under it (verifyPrefixComplete), so a unit's roll of any size is proven whole. Its items
// come bare (one path for the whole listing), are proven only together, and are stored with
// the listing's digest as their proof; a named key comes with its own proof. A caller
// that holds a listing passes its digest in `known`; one proof for the prefix then shows
// whether anything under it changed, and an unchanged listing is not fetched again.
import { encodeCanonical, type Canonical } from '../protocol/encoding.js';
import { MAX_STATE_ITEMS } from '../protocol/light-rpc.js';
import { equalBytes } from '../protocol/bytes.js';
import { EMPTY_ROOT } from '../protocol/merkle.js';
import {
  compareKeys,
  foldSubtrees,
  sortedStateRoot,
  subPrefixOf,
  verifyPrefixCompleteGrouped,
  verifyPrefixDigest,
  verifyPrefixEmpty,
  verifyStateProof,
  type GroupedDigest,
  type PrefixProofError,
  type StateItemProof,
  type StateProof,
  type Subtree,
} from '../protocol/state-tree.js';
import type { Header } from '../protocol/header.js';
import type { StateItem, Store } from '../store/index.js';
import { err, ok, type Result } from '../shared/result.js';
import type { TrustedState } from './light/index.js';
import type { LightClient, LightError } from './light-service.js';
import type { PeerRpc } from './rpc.js';

/**
 * Bounds on one prefix listing, on items, on their bytes (key and value; the paths of bare
 * items are dropped as they arrive) and on pages: past any of them the kiosk stops paging
 * and reports the prefix truncated. Far above a unit's roll (~130 bytes a bare roll entry:
 * 100 000 entries are 25 pages and ~12 MiB), and what keeps a validator that sends large or
 * tiny pages from growing the kiosk's memory or time without limit.
 */
export const MAX_PREFIX_ITEMS = 1 << 19;
export const MAX_PREFIX_BYTES = 96 * 2 ** 20;
export const MAX_PREFIX_PAGES = 1024;

/** The keys and key prefixes a kiosk needs (docs/devnet.md key layout). */
export interface StateQuery {
  readonly keys: readonly string[];
  readonly prefixes: readonly string[];
  /**
   * Digests of listings the caller holds (PulledState.digests of an earlier pull): a prefix
   * whose digest is the same now is not listed again and is reported in `unchanged`.
   */
  readonly known?: ReadonlyMap<string, Uint8Array>;
  /**
   * Ask at the height the light client already trusts instead of fetching newer headers
   * first: one round trip, for lookups while a voter waits (the refresh loop keeps the
   * trusted height recent). When the validator no longer keeps that state, the pull
   * advances to the latest header after all.
   */
  readonly atTrusted?: boolean;
  /** SPLIT_LISTING_AT for this pull (tests use small listings). */
  readonly splitAt?: number;
}

/**
 * A listing of at least this many items is kept with the digests of its sub-prefixes (one
 * character longer) too, so that a change re-lists only the sub-prefixes it touched: one
 * voter added to a 100 000-entry roll (`roll/<unit>/<hex>`, 16 sub-prefixes) re-lists ~6 000
 * entries instead of all of them.
 */
export const SPLIT_LISTING_AT = 4096;

export interface PulledState {
  readonly height: number;
  /** Verified present items, key → value bytes (canonical CBOR of the record). */
  readonly items: ReadonlyMap<string, Uint8Array>;
  /** Keys proven absent. */
  readonly absent: readonly string[];
  /**
   * Prefixes whose listing outgrew MAX_PREFIX_ITEMS, _BYTES or _PAGES: not proven, so none
   * of their items is in `items` (a caller must not take that for an empty listing).
   */
  readonly truncated: readonly string[];
  /** The digest of every prefix proven whole (or unchanged) at `height`. */
  readonly digests: ReadonlyMap<string, Uint8Array>;
  /** Prefixes of `known` whose digest did not change: their items are not in `items`. */
  readonly unchanged: readonly string[];
}

export type StatePullError =
  | LightError
  | { kind: 'peer'; message: string }
  | { kind: 'bad-proof'; key: string; reason: string }
  | { kind: 'wrong-height'; asked: number; got: number };

type PullError = StatePullError | { kind: 'height-gone' };

/**
 * A validator answers a peer's state requests at a capped rate (STATE_PROTOCOL.rateLimit:
 * a burst, then 10 a second), and a large roll is more pages than the burst. A page refused
 * as rate-limited is asked again after this long, at most RATE_RETRIES times.
 */
export const RATE_RETRY_MS = 150;
export const RATE_RETRIES = 40;

/** Waits on the injected clock between rate-limited retries; without it none are made. */
export type Wait = (ms: number) => Promise<void>;

export async function pullState(
  light: LightClient,
  peer: PeerRpc,
  store: Store,
  chainId: string,
  q: StateQuery,
  wait?: Wait,
): Promise<Result<PulledState, StatePullError>> {
  const paced = wait === undefined ? peer : pacedPeer(peer, wait);
  if (q.atTrusted === true) {
    const trusted = await trustedNow(light);
    if (!trusted.ok) return trusted;
    const r = await pullAt(paced, store, chainId, trusted.value.header, q);
    if (r.ok || r.error.kind !== 'height-gone') return r as Result<PulledState, StatePullError>;
  }
  const trusted = await light.advanceToLatest();
  if (!trusted.ok) return trusted;
  const r = await pullAt(paced, store, chainId, trusted.value.header, q);
  if (r.ok) return r;
  return r.error.kind === 'height-gone'
    ? err({ kind: 'peer', message: 'state unavailable' })
    : err(r.error);
}

function pacedPeer(peer: PeerRpc, wait: Wait): PeerRpc {
  return {
    ...peer,
    async state(req) {
      for (let i = 0; ; i++) {
        const r = await peer.state(req);
        const limited = !r.ok && r.error.kind === 'remote' && r.error.code === 'rate-limited';
        if (!limited || i >= RATE_RETRIES) return r;
        await wait(RATE_RETRY_MS);
      }
    },
  };
}

async function trustedNow(light: LightClient): Promise<Result<TrustedState, LightError>> {
  // An alarm stops every use of state, as advanceToLatest does.
  if (light.alarm !== null) return err({ kind: 'alarmed' });
  return light.init();
}

async function pullAt(
  peer: PeerRpc,
  store: Store,
  chainId: string,
  header: Header,
  q: StateQuery,
): Promise<Result<PulledState, PullError>> {
  const { height } = header;
  const items = new Map<string, Uint8Array>();
  const absent: string[] = [];
  const truncated: string[] = [];
  const digests = new Map<string, Uint8Array>();
  const unchanged: string[] = [];
  const toStore: StateItem[] = [];
  const removed: { chainId: string; key: string }[] = [];
  const keep = (key: string, value: Uint8Array, proof: StateProof) => {
    items.set(key, value);
    toStore.push({
      chainId,
      key,
      height,
      value,
      proof: encodeCanonical(proof as unknown as Canonical),
    });
  };
  const ask = async (keys: readonly string[], prefix: string | null, after: string | null) => {
    const req = {
      height,
      keys: [...keys],
      prefix,
      ...(prefix === null ? {} : { after, bare: true }),
    };
    const r = await peer.state(req);
    if (!r.ok) return err({ kind: 'peer' as const, message: r.error.kind });
    if (r.value.status !== 'ok') return err({ kind: 'height-gone' as const });
    if (r.value.height !== height) {
      return err({ kind: 'wrong-height' as const, asked: height, got: r.value.height });
    }
    if (r.value.proofs.length < keys.length) {
      return err({ kind: 'bad-proof' as const, key: keys[0] ?? '?', reason: 'keys unanswered' });
    }
    return ok(r.value);
  };

  for (const keys of chunk(q.keys, MAX_STATE_ITEMS)) {
    const r = await ask(keys, null, null);
    if (!r.ok) return r;
    for (const [i, key] of keys.entries()) {
      const proof = r.value.proofs[i] as StateProof;
      const v = verifyStateProof(header.appHash, key, proof);
      if (!v.ok) return err({ kind: 'bad-proof', key, reason: v.error.kind });
      if (v.value === null) absent.push(key);
      else keep(key, v.value, proof);
    }
  }

  // Held listings: one proof per prefix says whether anything under it changed.
  const known = q.known ?? new Map<string, Uint8Array>();
  const toList: string[] = [];
  const moved: { prefix: string; digest: Uint8Array }[] = [];
  const held = q.prefixes.filter((p) => known.has(p));
  for (const prefixes of chunk(held, MAX_STATE_ITEMS)) {
    const r = await ask(prefixes, null, null);
    if (!r.ok) return r;
    for (const [i, prefix] of prefixes.entries()) {
      const d = verifyPrefixDigest(header.appHash, prefix, r.value.proofs[i] as StateProof);
      if (!d.ok) return err({ kind: 'bad-proof', key: prefix, reason: `digest ${d.error.kind}` });
      if (equalBytes(d.value, known.get(prefix) as Uint8Array)) {
        unchanged.push(prefix);
        digests.set(prefix, d.value);
      } else {
        moved.push({ prefix, digest: d.value });
      }
    }
  }
  toList.push(...q.prefixes.filter((p) => !known.has(p)));

  // Sub-prefix listings proven at this height (kept for the next change), and the writes of
  // a listing against what the store holds under it.
  const subListings: { prefix: string; digest: Uint8Array }[] = [];
  const record = (
    prefix: string,
    listed: Iterable<{ key: string; value: Uint8Array }>,
    stored = store.synced.stateValuesUnder(chainId, prefix),
  ) => {
    const proof = encodeCanonical({
      kind: 'listed',
      prefix,
      digest: digests.get(prefix) as Uint8Array,
    });
    for (const { key, value } of listed) {
      items.set(key, value);
      const before = stored.get(key);
      stored.delete(key);
      // An item stored with the same value keeps its earlier row.
      if (before !== undefined && equalBytes(before, value)) continue;
      toStore.push({ chainId, key, height, value, proof });
    }
    // What a whole listing no longer holds is gone from the chain's state.
    for (const key of stored.keys()) removed.push({ chainId, key });
  };

  // A held listing that changed: only the sub-prefixes whose digest moved are listed again,
  // when the store keeps them and they add up to the prefix's new digest.
  for (const { prefix, digest } of moved) {
    const before = { held: known.get(prefix) as Uint8Array, now: digest };
    const r = await relistMoved(ask, store, chainId, header.appHash, prefix, before);
    if (!r.ok) return r;
    if (r.value === null) {
      toList.push(prefix);
      continue;
    }
    digests.set(prefix, digest);
    for (const g of r.value.groups) subListings.push(g);
    // Unmoved sub-prefixes are read back from the store; the whole is written as one.
    record(prefix, r.value.entries, r.value.stored);
  }

  for (const prefix of toList) {
    const listing = await listPrefix(ask, prefix);
    if (!listing.ok) return listing;
    const { listed, emptiness, complete } = listing.value;
    if (!complete) {
      // Bare items are proven only together; past the kiosk's cap there is no whole.
      truncated.push(prefix);
      continue;
    }
    // Each item would prove only its own membership, and one left out would go unnoticed;
    // the subtree rebuilt from all of them proves every one and the whole.
    const whole = await listingIsWhole(ask, header.appHash, prefix, listed, emptiness);
    if (!whole.ok) {
      const e = whole.error;
      if (e.kind === 'height-gone' || e.kind === 'peer' || e.kind === 'wrong-height') {
        return err(e);
      }
      return err({ kind: 'bad-proof', key: prefix, reason: `listing ${e.kind}` });
    }
    digests.set(prefix, whole.value.digest);
    if (listed.length >= (q.splitAt ?? SPLIT_LISTING_AT)) {
      for (const g of whole.value.groups) subListings.push({ prefix: g.prefix, digest: g.root });
    }
    // A listed item's proof is the listing: the prefix and its digest at this height.
    record(prefix, listed);
  }

  // Every listing proven whole at this height, re-listed or unchanged: its height and
  // digest, so a restored view knows how fresh it is and can check what it reads back.
  const listings = [...digests, ...subListings.map((g) => [g.prefix, g.digest] as const)].map(
    ([prefix, digest]) => ({ chainId, prefix, height, digest }),
  );
  const saved = store.synced.putStateItems(toStore, removed, listings);
  if (!saved.ok) return err({ kind: 'storage', message: saved.error.kind });
  return ok({ height, items, absent, truncated, digests, unchanged });
}

type Ask = (
  keys: readonly string[],
  prefix: string | null,
  after: string | null,
) => Promise<
  Result<
    { proofs: readonly StateProof[]; complete: boolean },
    | { kind: 'peer'; message: string }
    | { kind: 'height-gone' }
    | { kind: 'wrong-height'; asked: number; got: number }
    | { kind: 'bad-proof'; key: string; reason: string }
  >
>;

interface Listing {
  readonly listed: StateItemProof[];
  readonly emptiness: StateProof | null;
  /** False when the kiosk stopped at MAX_PREFIX_ITEMS. */
  readonly complete: boolean;
}

/** Pages through a prefix at one height; the pages must come in strictly rising key order. */
async function listPrefix(ask: Ask, prefix: string): Promise<Result<Listing, PullError>> {
  const listed: StateItemProof[] = [];
  let emptiness: StateProof | null = null;
  let after: string | null = null;
  let bytes = 0;
  for (let page = 1; ; page++) {
    const r = await ask([], prefix, after);
    if (!r.ok) return r;
    let last: string | null = after;
    for (const proof of r.value.proofs) {
      if (proof.kind === 'absent') {
        // Not an item: the proof that nothing lies under the prefix, checked with the rest.
        if (proof.key === prefix && after === null) emptiness = proof;
        else return err({ kind: 'bad-proof', key: proof.key, reason: 'not an item' });
        continue;
      }
      const { key } = proof.item;
      if (!key.startsWith(prefix))
        return err({ kind: 'bad-proof', key, reason: 'outside the prefix' });
      if (last !== null && compareKeys(key, last) <= 0) {
        return err({ kind: 'bad-proof', key, reason: 'listing out of order' });
      }
      last = key;
      // Only the first item's path is used (the listing is proven whole); any other path a
      // server sends is not kept.
      listed.push(listed.length === 0 ? proof.item : { ...proof.item, path: [] });
      bytes += key.length + proof.item.value.byteLength;
    }
    if (r.value.complete) return ok({ listed, emptiness, complete: true });
    if (last === after) return err({ kind: 'peer', message: 'listing made no progress' });
    const over =
      listed.length >= MAX_PREFIX_ITEMS || bytes >= MAX_PREFIX_BYTES || page >= MAX_PREFIX_PAGES;
    if (over) return ok({ listed: [], emptiness: null, complete: false });
    after = last;
  }
}

/**
 * A non-empty listing is checked against its own items' proofs (verifyPrefixComplete); an
 * empty one by the prefix's own absence proof (verifyPrefixEmpty), which the devnet sends
 * with the empty listing; from a server that does not, it costs one more question.
 */
async function listingIsWhole(
  ask: Ask,
  appHash: Uint8Array,
  prefix: string,
  listed: readonly StateItemProof[],
  emptiness: StateProof | null,
): Promise<Result<GroupedDigest, PrefixProofError | PullError>> {
  // Pages came in rising key order (listPrefix); the check yields to the event loop as it
  // hashes, so a large roll does not freeze the voter's screen.
  if (listed.length > 0) return verifyPrefixCompleteGrouped(appHash, prefix, listed, yieldNow);
  const empty = (d: Result<Uint8Array, PrefixProofError>) =>
    d.ok ? ok({ digest: d.value, groups: [] }) : d;
  if (emptiness !== null) return empty(verifyPrefixEmpty(appHash, prefix, emptiness));
  const r = await ask([prefix], null, null);
  if (!r.ok) return r;
  return empty(verifyPrefixEmpty(appHash, prefix, r.value.proofs[0] as StateProof));
}

const yieldNow = () => new Promise<void>(setImmediate);

/**
 * A held listing whose digest moved to `digest`, re-listed by sub-prefix: the digests of the
 * sub-prefixes the store keeps for it (one question), a listing of each that moved (checked
 * to hash to its digest), the others read back from the store. Their subtrees must fold to
 * `digest`, which proves that no key lies under a sub-prefix the kiosk does not hold (a new
 * one sends the caller to a whole listing: null). Also null when nothing is kept for it.
 */
async function relistMoved(
  ask: Ask,
  store: Store,
  chainId: string,
  appHash: Uint8Array,
  prefix: string,
  digest: { held: Uint8Array; now: Uint8Array },
): Promise<
  Result<
    {
      entries: { key: string; value: Uint8Array }[];
      groups: { prefix: string; digest: Uint8Array }[];
      stored: Map<string, Uint8Array>;
    } | null,
    PullError
  >
> {
  const kept = store.synced.listingsUnder(chainId, prefix);
  const subs = [...kept.keys()].filter((k) => subPrefixOf(k, prefix) === k).sort(compareKeys);
  if (subs.length === 0 || subs.length > MAX_STATE_ITEMS) return ok(null);
  const r = await ask(subs, null, null);
  if (!r.ok) return r;
  const stored = store.synced.stateValuesUnder(chainId, prefix);
  // The stored items by sub-prefix, in key order (stateValuesUnder's).
  const bySub = new Map<string, { key: string; value: Uint8Array }[]>();
  for (const [key, value] of stored) {
    const sub = subPrefixOf(key, prefix);
    if (sub === null || !kept.has(sub)) return ok(null);
    const list = bySub.get(sub);
    if (list === undefined) bySub.set(sub, [{ key, value }]);
    else list.push({ key, value });
  }
  // The kept sub-prefix digests are trusted for what the store holds only if they make up
  // the digest held for it: rows left from an older split (the listing shrank, or was listed
  // whole since) do not, and then the prefix is listed whole.
  const keptTrees: Subtree[] = [];
  for (const sub of subs) {
    const mine = bySub.get(sub);
    const [first, last] = [mine?.[0], mine?.[mine.length - 1]];
    if (first === undefined || last === undefined) continue;
    keptTrees.push({
      prefix: sub,
      root: kept.get(sub) as Uint8Array,
      first: first.key,
      last: last.key,
    });
  }
  if (!equalBytes(foldSubtrees(keptTrees), digest.held)) return ok(null);
  const entries: { key: string; value: Uint8Array }[] = [];
  const subtrees: Subtree[] = [];
  const groups: { prefix: string; digest: Uint8Array }[] = [];
  for (const [i, sub] of subs.entries()) {
    const d = verifyPrefixDigest(appHash, sub, r.value.proofs[i] as StateProof);
    if (!d.ok) return err({ kind: 'bad-proof', key: sub, reason: `digest ${d.error.kind}` });
    groups.push({ prefix: sub, digest: d.value });
    let mine: { key: string; value: Uint8Array }[];
    if (equalBytes(d.value, kept.get(sub) as Uint8Array)) {
      mine = bySub.get(sub) ?? [];
    } else if (equalBytes(d.value, EMPTY_ROOT)) {
      mine = [];
    } else {
      const listing = await listPrefix(ask, sub);
      if (!listing.ok) return listing;
      if (!listing.value.complete) return ok(null);
      mine = listing.value.listed;
      if (!equalBytes(await sortedStateRoot(mine, yieldNow), d.value)) {
        return err({ kind: 'bad-proof', key: sub, reason: 'listing incomplete' });
      }
    }
    const first = mine[0];
    const last = mine[mine.length - 1];
    if (first === undefined || last === undefined) continue;
    subtrees.push({ prefix: sub, root: d.value, first: first.key, last: last.key });
    for (const e of mine) entries.push(e);
  }
  // Sub-prefixes that do not make up the prefix (a new one appeared): list it whole.
  if (!equalBytes(foldSubtrees(subtrees), digest.now)) return ok(null);
  return ok({ entries, groups, stored });
}

function chunk<T>(xs: readonly T[], n: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < xs.length; i += n) out.push(xs.slice(i, i + n));
  return out;
}
