// A validator's mempool: admitted transactions in arrival order plus the state view CheckTx
// runs against (the committed state with every admitted transaction's writes on top).
//
// Why it tracks who wrote what: after a block, rebuilding the view by re-running CheckTx on
// every remaining transaction costs O(mempool) signature checks per block, which makes a
// backlog quadratic. Instead the view is rebased on the new state and only the included
// transactions' writes are dropped (each key remembers its last writer), which costs
// O(block). The caller decides when that shortcut is sound (Validator.afterCommit).
import type { Canonical } from '../../protocol/encoding.js';
import { compareKeys, type AppState, type Diff, type StateView } from '../app/index.js';

interface Entry {
  readonly tx: Uint8Array;
  readonly ballotHex: string | null;
  /** Keys this transaction's CheckTx wrote (its diff). */
  readonly keys: readonly string[];
}

interface Write {
  readonly value: Canonical | null;
  /** The txId of the last transaction that wrote the key. */
  readonly owner: string;
}

export class Mempool implements StateView {
  private readonly entries = new Map<string, Entry>();
  private readonly ballots = new Map<string, string>();
  private readonly writes = new Map<string, Write>();

  constructor(private base: AppState) {}

  get size(): number {
    return this.entries.size;
  }

  has(txId: string): boolean {
    return this.entries.has(txId);
  }

  isBallotTx(txId: string): boolean {
    return (this.entries.get(txId)?.ballotHex ?? null) !== null;
  }

  hasBallot(ballotHex: string): boolean {
    return this.ballots.has(ballotHex);
  }

  /** The first `max` transactions in arrival order, without copying the whole pool. */
  first(max: number): Uint8Array[] {
    const out: Uint8Array[] = [];
    for (const e of this.entries.values()) {
      if (out.length >= max) break;
      out.push(e.tx);
    }
    return out;
  }

  all(): Uint8Array[] {
    return [...this.entries.values()].map((e) => e.tx);
  }

  get(key: string): Canonical | undefined {
    const w = this.writes.get(key);
    if (w !== undefined) return w.value ?? undefined;
    return this.base.get(key);
  }

  list(prefix: string): [string, Canonical][] {
    const merged = new Map(this.base.list(prefix));
    for (const [k, w] of this.writes) {
      if (!k.startsWith(prefix)) continue;
      if (w.value === null) merged.delete(k);
      else merged.set(k, w.value);
    }
    return [...merged].sort(([a], [b]) => compareKeys(a, b));
  }

  /** Admits a transaction whose CheckTx produced `diff` against this view. */
  add(txId: string, tx: Uint8Array, ballotHex: string | null, diff: Diff): void {
    for (const [k, value] of diff) this.writes.set(k, { value, owner: txId });
    this.entries.set(txId, { tx, ballotHex, keys: [...diff.keys()] });
    if (ballotHex !== null) this.ballots.set(ballotHex, txId);
  }

  /**
   * Drops a transaction and the writes it still owns. A key later overwritten by another
   * admitted transaction keeps that one's value.
   */
  remove(txId: string): boolean {
    const e = this.entries.get(txId);
    if (e === undefined) return false;
    this.entries.delete(txId);
    if (e.ballotHex !== null && this.ballots.get(e.ballotHex) === txId) {
      this.ballots.delete(e.ballotHex);
    }
    for (const k of e.keys) if (this.writes.get(k)?.owner === txId) this.writes.delete(k);
    return true;
  }

  /** The transaction that last wrote `key`, if a pending one did. */
  ownerOf(key: string): string | undefined {
    return this.writes.get(key)?.owner;
  }

  txOf(txId: string): Uint8Array | undefined {
    return this.entries.get(txId)?.tx;
  }

  /** The view now reads through to the newly committed state. */
  rebase(state: AppState): void {
    this.base = state;
  }

  /** Empties the pool (the caller re-admits what is still valid) and rebases. */
  reset(state: AppState): void {
    this.entries.clear();
    this.ballots.clear();
    this.writes.clear();
    this.base = state;
  }
}
