// A ChainView over state the light node verified: each refresh pulls the kiosk's key families
// (src/devnet/app/keys.ts layout) with pullState, which checks every item's Merkle proof
// against a verified header's appHash, decodes the canonical CBOR records with zod, and swaps
// in a new immutable snapshot. A failed refresh keeps the previous snapshot (stale but still
// verified) and says why. Heights in records become days through verified headers' times.
// Listings are held between refreshes and fetched again only when their digest changed; a
// voter's nullifiers are looked up by key when their session begins.
import { z } from 'zod';
import { loadElectionBytes, type ElectionContext } from '../../ballot/index.js';
import { decodeCanonical } from '../../protocol/encoding.js';
import { err, ok, type Result } from '../../shared/result.js';
import type { PulledState, StatePullError, StateQuery } from '../../sync/state-pull.js';
import type {
  ChainBallot,
  ChainView,
  ElectionSubject,
  PersonRecords,
  SyncedElection,
} from './chain-view.js';
import { toHex } from './hex.js';
import { equalBytes } from '../../protocol/bytes.js';
import { sortedStateRoot } from '../../protocol/state-tree.js';

const yieldNow = () => new Promise<void>((resolve) => setImmediate(resolve));

/** What the view needs of the sync node (SyncService.pullState and its light client). */
export interface VerifiedStateSource {
  pullState(q: StateQuery): Promise<Result<PulledState, StatePullError>>;
  /** A verified header's time (ms since the epoch), or null when it cannot be verified now. */
  headerTime(height: number): Promise<number | null>;
  /** The items under a prefix as the store kept them from the last whole listing, in key
   * order, with the height and digest that listing was proven at (`proven`, null for a
   * store from before listings were recorded: then `height` is the newest among the items,
   * -1 for none). */
  storedListing?(prefix: string): {
    items: [string, Uint8Array][];
    height: number;
    proven?: { height: number; digest: Uint8Array } | null;
  };
}

export interface VerifiedChainViewOptions {
  readonly source: VerifiedStateSource;
  /** The kiosk's unit (its registration). */
  readonly unit: string;
  /** The ballot style this kiosk's voters get; default: the election's first style. */
  readonly styleFor?: (electionId: string, styles: readonly string[]) => string | null;
  /** Jurors the chain does not draw (the demo world's jury is a plain election). */
  readonly extraJurors?: Readonly<Record<string, readonly Uint8Array[]>>;
}

export type RefreshError =
  | { readonly kind: 'pull'; readonly error: StatePullError }
  /** Listings too large to page through (state-pull.ts bounds): nothing was replaced. */
  | { readonly kind: 'truncated'; readonly prefixes: readonly string[] }
  | { readonly kind: 'record'; readonly key: string; readonly message: string }
  | { readonly kind: 'header-time'; readonly height: number };

export interface RefreshOutcome {
  readonly height: number;
  readonly elections: number;
  readonly people: number;
  /** Always empty: a listing the pull could not prove whole fails the refresh (`truncated`)
   * instead of narrowing the view. */
  readonly truncated: readonly string[];
}

export interface VerifiedChainView {
  readonly view: ChainView;
  /** Pulls and verifies the kiosk's state, then replaces the snapshot. */
  refresh(): Promise<Result<RefreshOutcome, RefreshError>>;
  /** Builds the snapshot from the listings the store kept (a restart, maybe offline). */
  restore(): Promise<Result<RefreshOutcome, RefreshError | { kind: 'nothing-stored' }>>;
  /** The verified height of the snapshot in use (null before the first refresh). */
  height(): number | null;
}

// Record shapes, as src/devnet/app/records.ts writes them (only the fields read here).
const Id = z.string().min(1).max(128);
const Bytes = z.instanceof(Uint8Array);
const Int = z.number().int();
const Fraction = z.object({ num: Int.min(0), den: Int.min(1) });
const PurposeRecord = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('office'), office: Id, candidates: z.array(Id) }),
  z.object({ kind: z.literal('rating'), official: Id, scale: Int }),
  z.object({ kind: z.literal('jury'), billId: Id }),
  z.object({ kind: z.literal('general') }),
]);
const ElectionRecord = z.object({
  electionId: Id,
  unit: Id,
  purpose: PurposeRecord,
  ballotStyles: z.array(Id),
  definition: Bytes.nullable(),
});
const LocalizedText = z.object({ be: z.string(), ru: z.string(), en: z.string() });
const CandidateRecord = z.object({
  personId: Id,
  name: z.string().max(512),
  names: LocalizedText.nullable().optional(),
  certificate: z.object({ issuer: Id, certificateId: Id, validUntil: Int }),
  promises: z.array(
    z.object({
      itemId: Id,
      text: z.string().max(2048),
      texts: LocalizedText.nullable().optional(),
      status: z.enum(['pending', 'in-progress', 'fulfilled', 'unfulfilled']),
      reason: z.string().max(2048).nullable(),
    }),
  ),
});
const OfficialRecord = z.object({
  personId: Id,
  unit: Id,
  office: Id,
  status: z.enum(['serving', 'under-recall', 'recalled', 'succeeded']),
  seatedAt: Int,
});
const RatingRecord = z.object({
  personId: Id,
  entries: z.array(z.object({ electionId: Id, approval: Fraction, height: Int })),
});
const RecallRecord = z.object({
  unit: Id,
  official: Id,
  status: z.enum(['active', 'recovered', 'failed']),
  startedAtS: Int,
  endsAtS: Int,
  acting: Id.nullable(),
  latestSupport: Fraction,
  endedAt: Int.nullable(),
});
const JuryRecord = z.object({ status: z.string(), jurors: z.array(Bytes) });
const BallotRecord = z.object({ kioskId: Id, height: Int });

interface Snapshot {
  readonly height: number;
  readonly elections: readonly SyncedElection[];
  readonly subjects: ReadonlyMap<string, ElectionSubject>;
  readonly roll: ReadonlySet<string>;
  readonly jurors: ReadonlyMap<string, ReadonlySet<string>>;
  readonly people: ReadonlyMap<string, PersonRecords>;
}

const EMPTY: Snapshot = {
  height: -1,
  elections: [],
  subjects: new Map(),
  roll: new Set(),
  jurors: new Map(),
  people: new Map(),
};

const ratio = (f: { num: number; den: number }) => Math.min(1, Math.max(0, f.num / f.den));
const dayOfSeconds = (s: number) => new Date(s * 1000).toISOString().slice(0, 10);
const lastPart = (key: string) => key.slice(key.lastIndexOf('/') + 1);

function decode<T>(schema: z.ZodType<T>, key: string, bytes: Uint8Array): Result<T, RefreshError> {
  const v = decodeCanonical(bytes);
  if (!v.ok) return err({ kind: 'record', key, message: v.error.kind });
  const r = schema.safeParse(v.value);
  if (!r.success) return err({ kind: 'record', key, message: r.error.issues[0]?.message ?? '' });
  return ok(r.data);
}

export function createVerifiedChainView(o: VerifiedChainViewOptions): VerifiedChainView {
  let snap: Snapshot = EMPTY;
  /** Loading an election checks its guardian proofs: done once per definition. */
  const loaded = new Map<string, ElectionContext>();
  const dayAt = new Map<number, string>();
  /**
   * Listings proven whole at an earlier refresh, by prefix, with their digest: a prefix
   * whose digest has not changed is not fetched again (a unit's roll runs to tens of
   * thousands of entries and rarely changes).
   */
  const held = new Map<string, { digest: Uint8Array; items: [string, Uint8Array][] }>();
  /** The roll set of the held roll listing, rebuilt only when that listing changed. */
  let rollOf: { items: readonly unknown[]; set: ReadonlySet<string> } | null = null;

  async function day(height: number): Promise<string | null> {
    const known = dayAt.get(height);
    if (known !== undefined) return known;
    const t = await o.source.headerTime(height);
    if (t === null) return null;
    const d = new Date(t).toISOString().slice(0, 10);
    dayAt.set(height, d);
    return d;
  }

  const unit = o.unit;
  const rollPrefix = `roll/${unit}/`;
  const prefixes = [
    'election/',
    rollPrefix,
    'candidate/',
    `official/${unit}/`,
    'rating/',
    `recall/${unit}/`,
    'jury/',
  ];

  async function refresh(): Promise<Result<RefreshOutcome, RefreshError>> {
    const known = new Map<string, Uint8Array>();
    for (const p of prefixes) {
      const h = held.get(p);
      if (h !== undefined) known.set(p, h.digest);
    }
    const first = await o.source.pullState({ keys: [], prefixes, known });
    if (!first.ok) return err({ kind: 'pull', error: first.error });
    // A listing the kiosk stopped paging is not proven and brings no items: taken as empty,
    // a validator could empty the roll by sending endless pages. The snapshot stays.
    if (first.value.truncated.length > 0) {
      return err({ kind: 'truncated', prefixes: first.value.truncated });
    }
    const unchanged = new Set(first.value.unchanged);
    const listings = new Map<string, [string, Uint8Array][]>();
    for (const p of prefixes) {
      const h = held.get(p);
      if (unchanged.has(p) && h !== undefined) {
        listings.set(p, h.items);
        continue;
      }
      const fresh = [...first.value.items].filter(([k]) => k.startsWith(p));
      listings.set(p, fresh);
      const digest = first.value.digests.get(p);
      if (digest !== undefined) held.set(p, { digest, items: fresh });
      else held.delete(p);
    }
    return build(listings, first.value.height);
  }

  /**
   * The last listings this kiosk proved whole, as its store kept them: a kiosk restarted
   * without a reachable validator still knows its elections and roll (stale but verified,
   * like the snapshot a failed refresh keeps). Their digests are held, so the first refresh
   * online fetches only what changed meanwhile.
   */
  async function restore(): Promise<
    Result<RefreshOutcome, RefreshError | { kind: 'nothing-stored' }>
  > {
    if (o.source.storedListing === undefined) return err({ kind: 'nothing-stored' });
    const listings = new Map<string, [string, Uint8Array][]>();
    const digests = new Map<string, Uint8Array>();
    let height = -1;
    for (const p of prefixes) {
      const l = o.source.storedListing(p);
      listings.set(p, l.items);
      height = Math.max(height, l.height);
      const digest = await sortedStateRoot(
        l.items.map(([key, value]) => ({ key, value })),
        yieldNow,
      );
      // What the store gives back must be what was proven: a damaged row would otherwise be
      // held as "unchanged" by every later refresh.
      const proven = l.proven ?? null;
      if (proven !== null && !equalBytes(digest, proven.digest)) {
        return err({ kind: 'record', key: p, message: 'stored listing does not match its digest' });
      }
      digests.set(p, digest);
    }
    if (height < 0) return err({ kind: 'nothing-stored' });
    const built = await build(listings, height);
    if (!built.ok) return built;
    for (const [p, items] of listings) {
      held.set(p, { digest: digests.get(p) as Uint8Array, items });
    }
    return built;
  }

  async function build(
    listings: ReadonlyMap<string, [string, Uint8Array][]>,
    height: number,
  ): Promise<Result<RefreshOutcome, RefreshError>> {
    const family = (prefix: string) => listings.get(prefix) ?? [];

    const elections: SyncedElection[] = [];
    const subjects = new Map<string, ElectionSubject>();
    const juryOf = new Map<string, string>();
    for (const [key, bytes] of family('election/')) {
      const r = decode(ElectionRecord, key, bytes);
      if (!r.ok) return r;
      const e = r.value;
      if (e.unit !== unit || e.definition === null) continue;
      const cacheKey = `${e.electionId}/${toHex(e.definition)}`;
      let ctx = loaded.get(cacheKey);
      if (ctx === undefined) {
        const l = loadElectionBytes(e.definition);
        // A definition the kiosk cannot verify is not offered to voters.
        if (!l.ok) continue;
        ctx = l.value;
        loaded.set(cacheKey, ctx);
      }
      const styleId = o.styleFor
        ? o.styleFor(e.electionId, e.ballotStyles)
        : (e.ballotStyles[0] ?? null);
      if (styleId === null || !ctx.styles.has(styleId)) continue;
      elections.push({ ctx, styleId });
      const p = e.purpose;
      subjects.set(
        e.electionId,
        p.kind === 'office'
          ? { kind: 'office', office: p.office, candidates: p.candidates }
          : p.kind === 'rating'
            ? { kind: 'official', official: p.official }
            : { kind: 'none' },
      );
      if (p.kind === 'jury') juryOf.set(e.electionId, p.billId);
    }

    const rollItems = family(rollPrefix);
    if (rollOf === null || rollOf.items !== rollItems) {
      rollOf = { items: rollItems, set: new Set(rollItems.map(([k]) => lastPart(k))) };
    }
    const roll = rollOf.set;

    const jurors = new Map<string, Set<string>>();
    for (const [electionId, entries] of Object.entries(o.extraJurors ?? {})) {
      jurors.set(electionId, new Set(entries.map(toHex)));
    }
    const juries = new Map(family('jury/'));
    for (const [electionId, billId] of juryOf) {
      const bytes = juries.get(`jury/${billId}`);
      if (bytes === undefined) continue;
      const j = decode(JuryRecord, `jury/${billId}`, bytes);
      if (!j.ok) return j;
      if (j.value.status !== 'drawn') continue;
      const set = jurors.get(electionId) ?? new Set<string>();
      for (const entry of j.value.jurors) set.add(toHex(entry));
      jurors.set(electionId, set);
    }

    const people = new Map<string, PersonRecords>();
    const touch = (personId: string): PersonRecords => {
      const p = people.get(personId) ?? {
        personId,
        candidate: null,
        official: null,
        ratings: [],
        recall: null,
      };
      people.set(personId, p);
      return p;
    };
    const put = (p: PersonRecords) => people.set(p.personId, p);
    for (const [key, bytes] of family('candidate/')) {
      const r = decode(CandidateRecord, key, bytes);
      if (!r.ok) return r;
      const c = r.value;
      put({
        ...touch(c.personId),
        candidate: {
          name: c.name,
          names: c.names ?? null,
          certificate: {
            issuer: c.certificate.issuer,
            certificateId: c.certificate.certificateId,
            validUntilS: c.certificate.validUntil,
          },
          promises: c.promises.map((x) => ({
            itemId: x.itemId,
            text: x.text,
            texts: x.texts ?? null,
            status: x.status,
            reason: x.reason,
          })),
        },
      });
    }
    const officials: z.infer<typeof OfficialRecord>[] = [];
    for (const [key, bytes] of family(`official/${unit}/`)) {
      const r = decode(OfficialRecord, key, bytes);
      if (!r.ok) return r;
      officials.push(r.value);
    }
    const recalls = new Map<string, z.infer<typeof RecallRecord>>();
    for (const [key, bytes] of family(`recall/${unit}/`)) {
      const r = decode(RecallRecord, key, bytes);
      if (!r.ok) return r;
      recalls.set(r.value.official, r.value);
    }
    for (const off of officials) {
      const seatedOn = await day(off.seatedAt);
      if (seatedOn === null) return err({ kind: 'header-time', height: off.seatedAt });
      let changedOn: string | null = null;
      const recall = recalls.get(off.personId);
      if (off.status === 'recalled' && recall !== undefined && recall.endedAt !== null) {
        changedOn = await day(recall.endedAt);
      } else if (off.status === 'succeeded') {
        // The successor's seating is when this official's term ended.
        const next = officials
          .filter((x) => x.office === off.office && x.seatedAt > off.seatedAt)
          .sort((a, b) => a.seatedAt - b.seatedAt)[0];
        if (next !== undefined) changedOn = await day(next.seatedAt);
      }
      put({
        ...touch(off.personId),
        official: {
          unit: off.unit,
          office: off.office,
          status: off.status,
          seatedOn,
          changedOn,
        },
      });
    }
    for (const r of recalls.values()) {
      put({
        ...touch(r.official),
        recall: {
          status: r.status,
          startedOn: dayOfSeconds(r.startedAtS),
          endsOn: dayOfSeconds(r.endsAtS),
          acting: r.acting,
          latestSupport: ratio(r.latestSupport),
        },
      });
    }
    for (const [key, bytes] of family('rating/')) {
      const r = decode(RatingRecord, key, bytes);
      if (!r.ok) return r;
      const ratings: PersonRecords['ratings'][number][] = [];
      for (const e of r.value.entries) {
        const d = await day(e.height);
        if (d === null) return err({ kind: 'header-time', height: e.height });
        ratings.push({ electionId: e.electionId, day: d, approval: ratio(e.approval) });
      }
      put({ ...touch(r.value.personId), ratings });
    }

    snap = {
      height,
      elections,
      subjects,
      roll,
      jurors,
      people,
    };
    return ok({
      height,
      elections: elections.length,
      people: people.size,
      truncated: [],
    });
  }

  const view: ChainView = {
    elections: () => snap.elections,
    onRoll: (entry) => snap.roll.has(toHex(entry)),
    isDrawnJuror: (id, entry) => snap.jurors.get(id)?.has(toHex(entry)) ?? false,
    async spentNullifiers(asks) {
      if (asks.length === 0) return new Set<string>();
      const keys = asks.map((a) => `nullifier/${a.electionId}/${toHex(a.nullifier)}`);
      // At the height already trusted: one round trip while the voter waits.
      const r = await o.source.pullState({ keys, prefixes: [], atTrusted: true });
      if (!r.ok) return null;
      return new Set(
        asks.filter((_, i) => r.value.items.has(keys[i] ?? '')).map((a) => a.electionId),
      );
    },
    subject: (id) => snap.subjects.get(id) ?? null,
    person: (id) => snap.people.get(id) ?? null,
    async ballot(electionId, ballotId): Promise<ChainBallot | null> {
      const hex = toHex(ballotId);
      const keys = [`ballot/${electionId}/${hex}`, `challenged/${electionId}/${hex}`] as const;
      const r = await o.source.pullState({ keys: [...keys], prefixes: [] });
      // Unreachable peers mean "the chain cannot say now", which the answer shows as such.
      if (!r.ok) return null;
      for (const [i, key] of keys.entries()) {
        const bytes = r.value.items.get(key);
        if (bytes === undefined) continue;
        const b = decode(BallotRecord, key, bytes);
        if (!b.ok) return null;
        return {
          electionId,
          kind: i === 0 ? 'cast' : 'challenged',
          height: b.value.height,
          kioskId: b.value.kioskId,
        };
      }
      return null;
    },
  };

  return { view, refresh, restore, height: () => (snap.height < 0 ? null : snap.height) };
}
