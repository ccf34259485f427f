// Pulling application state (elections, ballot styles, candidates, ratings, the voter roll,
// jury draws, staff, the kiosk's registration): every item is checked with verifyStateProof
// against appHash of a header the light client verified, then stored with its proof.
// appHash of header h is the state after block h − 1, which is what the validator proves.
import { encodeCanonical, type Canonical } from '../protocol/encoding.js';
import { MAX_STATE_ITEMS } from '../protocol/light-rpc.js';
import {
  verifyPrefixComplete,
  verifyPrefixEmpty,
  verifyStateProof,
  type PrefixProofError,
  type StateItemProof,
  type StateProof,
} from '../protocol/state-tree.js';
import type { StateItem, Store } from '../store/index.js';
import { err, ok, type Result } from '../shared/result.js';
import type { LightClient, LightError } from './light-service.js';
import type { PeerRpc } from './rpc.js';

/** The keys and key prefixes a kiosk needs (docs/devnet.md key layout). */
export interface StateQuery {
  readonly keys: readonly string[];
  readonly prefixes: readonly string[];
}

export interface PulledState {
  readonly height: number;
  /** Verified present items, key → value bytes (canonical CBOR of the record). */
  readonly items: ReadonlyMap<string, Uint8Array>;
  /** Keys proven absent. */
  readonly absent: readonly string[];
  /** Prefixes whose listing hit the server's cap (items beyond it were not sent). */
  readonly truncated: readonly string[];
}

export type StatePullError =
  | LightError
  | { kind: 'peer'; message: string }
  | { kind: 'bad-proof'; key: string; reason: string }
  | { kind: 'wrong-height'; asked: number; got: number };

export async function pullState(
  light: LightClient,
  peer: PeerRpc,
  store: Store,
  chainId: string,
  q: StateQuery,
): Promise<Result<PulledState, StatePullError>> {
  const trusted = await light.advanceToLatest();
  if (!trusted.ok) return trusted;
  const header = trusted.value.header;
  const items = new Map<string, Uint8Array>();
  const absent: string[] = [];
  const truncated: string[] = [];
  const toStore: StateItem[] = [];
  const requests = [
    ...chunk(q.keys, MAX_STATE_ITEMS).map((keys) => ({ keys, prefix: null as string | null })),
    ...q.prefixes.map((prefix) => ({ keys: [] as string[], prefix })),
  ];
  for (const req of requests) {
    const r = await peer.state({ height: header.height, keys: req.keys, prefix: req.prefix });
    if (!r.ok) return err({ kind: 'peer', message: r.error.kind });
    if (r.value.status !== 'ok') return err({ kind: 'peer', message: 'state unavailable' });
    if (r.value.height !== header.height) {
      return err({ kind: 'wrong-height', asked: header.height, got: r.value.height });
    }
    if (!r.value.complete && req.prefix !== null) truncated.push(req.prefix);
    const listed: StateItemProof[] = [];
    let emptiness: StateProof | null = null;
    for (const [i, proof] of r.value.proofs.entries()) {
      if (i >= req.keys.length && proof.kind === 'absent' && proof.key === req.prefix) {
        // Not an item: the proof that nothing lies under the prefix, checked below.
        emptiness = proof;
        continue;
      }
      const key = i < req.keys.length ? req.keys[i] : proofKey(proof);
      if (key === undefined) return err({ kind: 'bad-proof', key: '?', reason: 'no key' });
      if (i >= req.keys.length && (req.prefix === null || !key.startsWith(req.prefix))) {
        return err({ kind: 'bad-proof', key, reason: 'outside the prefix' });
      }
      const v = verifyStateProof(header.appHash, key, proof);
      if (!v.ok) return err({ kind: 'bad-proof', key, reason: v.error.kind });
      if (v.value === null) {
        absent.push(key);
        continue;
      }
      items.set(key, v.value);
      if (i >= req.keys.length && proof.kind === 'present') listed.push(proof.item);
      toStore.push({
        chainId,
        key,
        height: header.height,
        value: v.value,
        proof: encodeCanonical(proof as unknown as Canonical),
      });
    }
    // A listing the validator calls complete must be every key under the prefix: each item
    // proves only its own membership, so one left out would otherwise go unnoticed.
    if (req.prefix !== null && r.value.complete) {
      const whole = await listingIsWhole(peer, header, req.prefix, listed, emptiness);
      if (!whole.ok) {
        return err({ kind: 'bad-proof', key: req.prefix, reason: `listing ${whole.error.kind}` });
      }
    }
  }
  const saved = store.synced.putStateItems(toStore);
  if (!saved.ok) return err({ kind: 'storage', message: saved.error.kind });
  return ok({ height: header.height, items, absent, truncated });
}

/**
 * A non-empty listing is checked against its own items' proofs (verifyPrefixComplete); an
 * empty one by the prefix's own absence proof (verifyPrefixEmpty), which the devnet sends
 * with the empty listing; from a server that does not, it costs one more question.
 */
async function listingIsWhole(
  peer: PeerRpc,
  header: { readonly appHash: Uint8Array; readonly height: number },
  prefix: string,
  listed: readonly StateItemProof[],
  emptiness: StateProof | null,
): Promise<Result<void, PrefixProofError | { kind: 'unanswered' }>> {
  const { appHash, height } = header;
  if (listed.length > 0) return verifyPrefixComplete(appHash, prefix, listed);
  if (emptiness !== null) return verifyPrefixEmpty(appHash, prefix, emptiness);
  const r = await peer.state({ height, keys: [prefix], prefix: null });
  if (!r.ok || r.value.status !== 'ok' || r.value.height !== height) {
    return err({ kind: 'unanswered' });
  }
  const proof = r.value.proofs[0];
  if (proof === undefined) return err({ kind: 'unanswered' });
  return verifyPrefixEmpty(appHash, prefix, proof);
}

function proofKey(p: { kind: 'present'; item: { key: string } } | { kind: 'absent'; key: string }) {
  return p.kind === 'present' ? p.item.key : p.key;
}

function chunk<T>(xs: readonly T[], n: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < xs.length; i += n) out.push(xs.slice(i, i + n));
  return out;
}
