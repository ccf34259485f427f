// Chain data the sync module has already verified: headers with their commits, validator
// sets, and state items with their Merkle proofs. The store keeps them consistent and lets a
// restarted kiosk resume light verification from the newest trusted header. A second,
// different header at a stored height is a fork: it is refused as a value so the caller can
// raise the alarm and keep the evidence (DESIGN.md §5).
import { z } from 'zod';
import { err, ok, type Result } from '../shared/result.js';
import type { Db } from './db.js';
import { catchStorage, type StorageError } from './errors.js';
import { bytes32Schema, bytesSchema, countSchema, issuePaths } from './validate.js';

const MAX_BLOB = 4 * 1024 * 1024;
const chainIdSchema = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._:-]{0,63}$/);

export interface VerifiedHeader {
  readonly chainId: string;
  readonly height: number;
  readonly hash: Uint8Array;
  /** Canonical header bytes as verified. */
  readonly header: Uint8Array;
  /** The commit (validator signatures) that verification accepted. */
  readonly commit: Uint8Array;
  readonly validatorsHash: Uint8Array;
  readonly appHash: Uint8Array;
}

const headerSchema = z.strictObject({
  chainId: chainIdSchema,
  height: countSchema,
  hash: bytes32Schema,
  header: bytesSchema(1, MAX_BLOB),
  commit: bytesSchema(1, MAX_BLOB),
  validatorsHash: bytes32Schema,
  appHash: bytesSchema(1, 64),
});

export interface StateItem {
  readonly chainId: string;
  readonly key: string;
  readonly height: number;
  readonly value: Uint8Array;
  readonly proof: Uint8Array;
}

const stateItemSchema = z.strictObject({
  chainId: chainIdSchema,
  key: z.string().min(1).max(512),
  height: countSchema,
  value: bytesSchema(0, MAX_BLOB),
  proof: bytesSchema(0, MAX_BLOB),
});

const provenListingSchema = z.strictObject({
  chainId: chainIdSchema,
  prefix: z.string().min(1).max(512),
  height: countSchema,
  digest: bytes32Schema,
});

export type SyncedWriteError =
  | StorageError
  | { readonly kind: 'invalid'; readonly fields: readonly string[] }
  /** A different header is already stored at this height. */
  | { readonly kind: 'fork'; readonly storedHash: Uint8Array }
  /** The referenced validator set or header has not been stored. */
  | { readonly kind: 'missing-reference' };

/** A listing proven whole at `height`: the digest of everything under `prefix` there. */
export interface ProvenListing {
  readonly chainId: string;
  readonly prefix: string;
  readonly height: number;
  readonly digest: Uint8Array;
}

/**
 * The stored items under a prefix in key order, and the height and digest of the last
 * whole listing (`proven`: null for a store written before listings were recorded, when
 * `height` is the newest among the items, -1 for none).
 */
export interface StoredListing {
  readonly items: [string, Uint8Array][];
  readonly height: number;
  readonly proven: { readonly height: number; readonly digest: Uint8Array } | null;
}

export interface SyncedChainData {
  putValidatorSet(hash: Uint8Array, body: Uint8Array): Result<void, SyncedWriteError>;
  validatorSet(hash: Uint8Array): Uint8Array | undefined;
  putHeader(h: VerifiedHeader): Result<void, SyncedWriteError>;
  latestHeader(chainId: string): VerifiedHeader | undefined;
  header(chainId: string, height: number): VerifiedHeader | undefined;
  /**
   * Stores (or replaces with a newer proof) verified state items, deletes `removed` (keys a
   * whole listing proved gone) and records the listings proven whole, in one transaction.
   */
  putStateItems(
    items: readonly StateItem[],
    removed?: readonly { readonly chainId: string; readonly key: string }[],
    listings?: readonly ProvenListing[],
  ): Result<void, SyncedWriteError>;
  /** The stored values of the keys under a prefix (what a re-pulled listing compares to). */
  stateValuesUnder(chainId: string, prefix: string): Map<string, Uint8Array>;
  /**
   * The stored items under a prefix in key order (UTF-8 bytes), and the newest height among
   * them (-1 for none): the last listing proven whole, for a view restored offline.
   */
  storedListing(chainId: string, prefix: string): StoredListing;
  /**
   * The digests of the listings proven under a prefix (not the prefix's own), by prefix: the
   * sub-prefixes a large listing was proven in, so that a change re-lists only theirs.
   */
  listingsUnder(chainId: string, prefix: string): Map<string, Uint8Array>;
  /** Keeps a header linked by hashes to a verified one (canonical header bytes). */
  putLinkedHeader(
    chainId: string,
    height: number,
    hash: Uint8Array,
    header: Uint8Array,
  ): Result<void, StorageError>;
  linkedHeader(chainId: string, height: number): Uint8Array | undefined;
  /**
   * The lowest kept header above `height`, verified or linked (canonical header bytes): where
   * a backwards walk to `height` starts after a restart, instead of at the trusted head.
   */
  nearestHeaderAbove(chainId: string, height: number): Uint8Array | undefined;
  stateItem(chainId: string, key: string): StateItem | undefined;
}

interface RawHeader {
  chain_id: string;
  height: number;
  hash: Buffer;
  header: Buffer;
  commit_sigs: Buffer;
  validators_hash: Buffer;
  app_hash: Buffer;
}

const toHeader = (r: RawHeader): VerifiedHeader => ({
  chainId: r.chain_id,
  height: r.height,
  hash: new Uint8Array(r.hash),
  header: new Uint8Array(r.header),
  commit: new Uint8Array(r.commit_sigs),
  validatorsHash: new Uint8Array(r.validators_hash),
  appHash: new Uint8Array(r.app_hash),
});

export function createSyncedChainData(db: Db): SyncedChainData {
  const q = {
    putSet: db.prepare(
      'INSERT INTO validator_sets (hash, body) VALUES (?, ?) ON CONFLICT (hash) DO NOTHING',
    ),
    set: db.prepare<[Uint8Array], { body: Buffer }>(
      'SELECT body FROM validator_sets WHERE hash = ?',
    ),
    hasSet: db.prepare<[Uint8Array], { n: number }>(
      'SELECT 1 AS n FROM validator_sets WHERE hash = ?',
    ),
    headerAt: db.prepare<[string, number], RawHeader>(
      'SELECT * FROM headers WHERE chain_id = ? AND height = ?',
    ),
    latest: db.prepare<[string], RawHeader>(
      'SELECT * FROM headers WHERE chain_id = ? ORDER BY height DESC LIMIT 1',
    ),
    insertHeader: db.prepare(
      `INSERT INTO headers (chain_id, height, hash, header, commit_sigs, validators_hash, app_hash)
       VALUES (?, ?, ?, ?, ?, ?, ?)`,
    ),
    hasHeader: db.prepare<[string, number], { n: number }>(
      'SELECT 1 AS n FROM headers WHERE chain_id = ? AND height = ?',
    ),
    // An item whose value did not change keeps the (older) height and proof it has: still a
    // valid proof, and a re-pulled listing of a large roll then writes only what changed.
    putItem: db.prepare(
      `INSERT INTO state_items (chain_id, key, height, value, proof) VALUES (?, ?, ?, ?, ?)
       ON CONFLICT (chain_id, key) DO UPDATE SET height = excluded.height, value = excluded.value,
         proof = excluded.proof
       WHERE excluded.height >= state_items.height AND excluded.value != state_items.value`,
    ),
    item: db.prepare<[string, string], { height: number; value: Buffer; proof: Buffer }>(
      'SELECT height, value, proof FROM state_items WHERE chain_id = ? AND key = ?',
    ),
    // Keys compare as UTF-8 bytes (BINARY): the keys under a prefix are [prefix, upper) for
    // the prefixUpperBound below.
    under: db.prepare<[string, string, string], { key: string; value: Buffer; height: number }>(
      'SELECT key, value, height FROM state_items WHERE chain_id = ? AND key >= ? AND key < ? ORDER BY key',
    ),
    putLinked: db.prepare(
      'INSERT OR IGNORE INTO linked_headers (chain_id, height, hash, header) VALUES (?, ?, ?, ?)',
    ),
    linked: db.prepare<[string, number], { header: Buffer }>(
      'SELECT header FROM linked_headers WHERE chain_id = ? AND height = ?',
    ),
    // One primary-key range step in each table.
    nearestAbove: db.prepare<[string, number, string, number], { header: Buffer }>(
      `SELECT header FROM (
         SELECT * FROM (SELECT height, header FROM headers
           WHERE chain_id = ? AND height > ? ORDER BY height LIMIT 1)
         UNION ALL
         SELECT * FROM (SELECT height, header FROM linked_headers
           WHERE chain_id = ? AND height > ? ORDER BY height LIMIT 1)
       ) ORDER BY height LIMIT 1`,
    ),
    deleteItem: db.prepare('DELETE FROM state_items WHERE chain_id = ? AND key = ?'),
    putListing: db.prepare(
      `INSERT INTO state_listings (chain_id, prefix, height, digest) VALUES (?, ?, ?, ?)
       ON CONFLICT (chain_id, prefix) DO UPDATE SET height = excluded.height,
         digest = excluded.digest
       WHERE excluded.height >= state_listings.height`,
    ),
    listingsIn: db.prepare<[string, string, string], { prefix: string; digest: Buffer }>(
      'SELECT prefix, digest FROM state_listings WHERE chain_id = ? AND prefix > ? AND prefix < ? ORDER BY prefix',
    ),
    listing: db.prepare<[string, string], { height: number; digest: Buffer }>(
      'SELECT height, digest FROM state_listings WHERE chain_id = ? AND prefix = ?',
    ),
  };

  const putHeaderTx = db.transaction((h: VerifiedHeader): Result<void, SyncedWriteError> => {
    const stored = q.headerAt.get(h.chainId, h.height);
    if (stored !== undefined) {
      return stored.hash.equals(h.hash)
        ? ok(undefined)
        : err({ kind: 'fork', storedHash: new Uint8Array(stored.hash) });
    }
    if (q.hasSet.get(h.validatorsHash) === undefined) return err({ kind: 'missing-reference' });
    q.insertHeader.run(
      h.chainId,
      h.height,
      h.hash,
      h.header,
      h.commit,
      h.validatorsHash,
      h.appHash,
    );
    return ok(undefined);
  });

  const putItemsTx = db.transaction(
    (
      items: readonly StateItem[],
      removed: readonly { readonly chainId: string; readonly key: string }[],
      listings: readonly ProvenListing[],
    ): Result<void, SyncedWriteError> => {
      for (const i of items) {
        if (q.hasHeader.get(i.chainId, i.height) === undefined)
          return rollback({ kind: 'missing-reference' });
        q.putItem.run(i.chainId, i.key, i.height, i.value, i.proof);
      }
      for (const r of removed) q.deleteItem.run(r.chainId, r.key);
      for (const l of listings) {
        if (q.hasHeader.get(l.chainId, l.height) === undefined)
          return rollback({ kind: 'missing-reference' });
        q.putListing.run(l.chainId, l.prefix, l.height, l.digest);
      }
      return ok(undefined);
    },
  );

  return {
    putValidatorSet(hash, body) {
      const p = z.tuple([bytes32Schema, bytesSchema(1, MAX_BLOB)]).safeParse([hash, body]);
      if (!p.success) return err({ kind: 'invalid', fields: issuePaths(p.error) });
      const r = catchStorage(() => q.putSet.run(hash, body));
      return r.ok ? ok(undefined) : r;
    },
    validatorSet(hash) {
      const r = q.set.get(hash);
      return r === undefined ? undefined : new Uint8Array(r.body);
    },
    putHeader(h) {
      const p = headerSchema.safeParse(h);
      if (!p.success) return err({ kind: 'invalid', fields: issuePaths(p.error) });
      const r = catchStorage(() => putHeaderTx.immediate(h));
      return r.ok ? r.value : r;
    },
    latestHeader(chainId) {
      const r = q.latest.get(chainId);
      return r === undefined ? undefined : toHeader(r);
    },
    header(chainId, height) {
      const r = q.headerAt.get(chainId, height);
      return r === undefined ? undefined : toHeader(r);
    },
    putStateItems(items, removed = [], listings = []) {
      const p = z.array(stateItemSchema).safeParse(items);
      if (!p.success) return err({ kind: 'invalid', fields: issuePaths(p.error) });
      const l = z.array(provenListingSchema).safeParse(listings);
      if (!l.success) return err({ kind: 'invalid', fields: issuePaths(l.error) });
      const r = catchStorage(() => {
        try {
          return putItemsTx.immediate(items, removed, listings);
        } catch (e) {
          if (e instanceof RolledBack) return err(e.error);
          throw e;
        }
      });
      return r.ok ? r.value : r;
    },
    stateValuesUnder(chainId, prefix) {
      const out = new Map<string, Uint8Array>();
      for (const r of q.under.iterate(chainId, prefix, prefixUpperBound(prefix))) {
        if (r.key.startsWith(prefix)) out.set(r.key, new Uint8Array(r.value));
      }
      return out;
    },
    storedListing(chainId, prefix) {
      const items: [string, Uint8Array][] = [];
      let height = -1;
      for (const r of q.under.iterate(chainId, prefix, prefixUpperBound(prefix))) {
        if (!r.key.startsWith(prefix)) continue;
        items.push([r.key, new Uint8Array(r.value)]);
        height = Math.max(height, r.height);
      }
      const l = q.listing.get(chainId, prefix);
      return l === undefined
        ? { items, height, proven: null }
        : {
            items,
            height: l.height,
            proven: { height: l.height, digest: new Uint8Array(l.digest) },
          };
    },
    listingsUnder(chainId, prefix) {
      const out = new Map<string, Uint8Array>();
      for (const r of q.listingsIn.iterate(chainId, prefix, prefixUpperBound(prefix))) {
        if (r.prefix.startsWith(prefix)) out.set(r.prefix, new Uint8Array(r.digest));
      }
      return out;
    },
    putLinkedHeader(chainId, height, hash, header) {
      const r = catchStorage(() => q.putLinked.run(chainId, height, hash, header));
      return r.ok ? ok(undefined) : r;
    },
    linkedHeader(chainId, height) {
      const r = q.linked.get(chainId, height);
      return r === undefined ? undefined : new Uint8Array(r.header);
    },
    nearestHeaderAbove(chainId, height) {
      const r = q.nearestAbove.get(chainId, height, chainId, height);
      return r === undefined ? undefined : new Uint8Array(r.header);
    },
    stateItem(chainId, key) {
      const r = q.item.get(chainId, key);
      return r === undefined
        ? undefined
        : {
            chainId,
            key,
            height: r.height,
            value: new Uint8Array(r.value),
            proof: new Uint8Array(r.proof),
          };
    },
  };
}

// A batch of state items is all or nothing: throwing out of the transaction body rolls back.
/**
 * The least key above every key that starts with `prefix`, in UTF-8 byte order: the prefix
 * with its last character one higher when that is ASCII below DEL (every prefix the kiosk
 * lists ends in '/'). Otherwise the prefix and U+10FFFF, the largest code point, which leaves
 * out only keys continuing with U+10FFFF itself (a noncharacter).
 */
export function prefixUpperBound(prefix: string): string {
  const last = prefix.charCodeAt(prefix.length - 1);
  return last < 0x7f ? prefix.slice(0, -1) + String.fromCharCode(last + 1) : `${prefix}\u{10FFFF}`;
}

class RolledBack extends Error {
  constructor(readonly error: SyncedWriteError) {
    super('rolled back');
  }
}
function rollback(e: SyncedWriteError): never {
  throw new RolledBack(e);
}
