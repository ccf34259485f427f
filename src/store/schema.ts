// Versioned schema. A migration is appended, never edited once shipped: kiosks in the field
// carry databases at every earlier version. `PRAGMA user_version` holds the applied version.
//
// Triggers make the invariants hold even against a bug elsewhere in the host: ballots and
// chain links are never deleted or rewritten, outbox states only move forward, and the audit
// log is append-only. (Someone with the file can drop triggers; the hash chains catch that.)

/** The message of the trigger that refuses a delivered ballot's id again (outbox.ts). */
export const BALLOT_ID_STORED = 'a ballot id is stored once';

export interface Migration {
  readonly version: number;
  readonly name: string;
  readonly sql: string;
}

// rank(queued)=0 … rank(final)=4; rejected is terminal and reachable before inclusion only.
const rank = (s: string) =>
  `(CASE ${s} WHEN 'queued' THEN 0 WHEN 'sent' THEN 1 WHEN 'receipted' THEN 2 ` +
  `WHEN 'included' THEN 3 WHEN 'final' THEN 4 ELSE 5 END)`;

const V1 = `
-- Column order matters: small columns first, the envelope last, so reading a row's ids,
-- state or chain link never walks the envelope's overflow pages.
CREATE TABLE outbox (
  kiosk_seq         INTEGER PRIMARY KEY CHECK (kiosk_seq >= 0),
  ballot_id         BLOB    NOT NULL UNIQUE CHECK (length(ballot_id) = 32),
  election_id       TEXT    NOT NULL,
  kind              TEXT    NOT NULL CHECK (kind IN ('cast', 'challenged')),
  state             TEXT    NOT NULL CHECK (state IN ('queued', 'sent', 'receipted', 'included', 'final', 'rejected')),
  reject_reason     TEXT    CHECK ((state = 'rejected') = (reject_reason IS NOT NULL)),
  confirmation_code BLOB    NOT NULL CHECK (length(confirmation_code) = 32),
  chain_prev        BLOB    NOT NULL CHECK (length(chain_prev) = 32),
  enqueued_day      TEXT    NOT NULL,
  included_height   INTEGER,
  final_height      INTEGER,
  receipt           BLOB,
  envelope          BLOB    NOT NULL
) STRICT;

-- One index serves reconciliation and delivery. Counts are a covering range per state;
-- with all four columns pinned the list behind a number is a range already in kiosk_seq
-- (rowid) order; undelivered ballots are the four non-terminal state ranges. Every index
-- costs a WAL frame on every vote, so there is deliberately only this one (and ballot_id).
CREATE INDEX outbox_reconcile ON outbox (state, election_id, kind, reject_reason);

CREATE TRIGGER outbox_no_delete BEFORE DELETE ON outbox
BEGIN SELECT RAISE(ABORT, 'outbox rows are never deleted'); END;

CREATE TRIGGER outbox_immutable
BEFORE UPDATE OF kiosk_seq, ballot_id, election_id, kind, confirmation_code, chain_prev,
  envelope, enqueued_day ON outbox
BEGIN SELECT RAISE(ABORT, 'sealed ballots are immutable'); END;

CREATE TRIGGER outbox_forward_only BEFORE UPDATE OF state ON outbox
WHEN NEW.state <> OLD.state AND NOT (
  OLD.state NOT IN ('final', 'rejected') AND (
    (NEW.state = 'rejected' AND OLD.state IN ('queued', 'sent', 'receipted'))
    OR (NEW.state <> 'rejected' AND ${rank('NEW.state')} > ${rank('OLD.state')})
  )
)
BEGIN SELECT RAISE(ABORT, 'outbox states only move forward'); END;

-- The per-kiosk confirmation chain: code(n) includes code(n-1) (DESIGN.md §4). Cast and
-- challenged ballots are both links: the code is shown before the voter decides. Each link
-- is stored in its ballot's row, written by the same insert and immutable with it; a table of
-- its own cost one more WAL frame per vote (about 10 % of enqueue throughput, measured).
CREATE VIEW confirmation_chain AS
  SELECT kiosk_seq, confirmation_code AS code, chain_prev AS prev FROM outbox;

CREATE TABLE audit_log (
  seq     INTEGER PRIMARY KEY CHECK (seq >= 1),
  time_ms INTEGER NOT NULL,
  event   TEXT    NOT NULL,
  detail  BLOB    NOT NULL,
  prev    BLOB    NOT NULL CHECK (length(prev) = 32),
  hash    BLOB    NOT NULL CHECK (length(hash) = 32)
) STRICT;

CREATE TRIGGER audit_no_update BEFORE UPDATE ON audit_log
BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
CREATE TRIGGER audit_no_delete BEFORE DELETE ON audit_log
BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;

-- Synced chain data. Only the sync module's verified results are written here; the store
-- keeps them consistent (a header's validator set exists, a state item's header exists).
CREATE TABLE validator_sets (
  hash BLOB PRIMARY KEY CHECK (length(hash) = 32),
  body BLOB NOT NULL
) STRICT;

CREATE TABLE headers (
  chain_id        TEXT    NOT NULL,
  height          INTEGER NOT NULL CHECK (height >= 0),
  hash            BLOB    NOT NULL UNIQUE CHECK (length(hash) = 32),
  header          BLOB    NOT NULL,
  commit_sigs     BLOB    NOT NULL,
  validators_hash BLOB    NOT NULL REFERENCES validator_sets (hash),
  app_hash        BLOB    NOT NULL,
  PRIMARY KEY (chain_id, height)
) STRICT;

CREATE TABLE state_items (
  chain_id TEXT    NOT NULL,
  key      TEXT    NOT NULL,
  height   INTEGER NOT NULL,
  value    BLOB    NOT NULL,
  proof    BLOB    NOT NULL,
  PRIMARY KEY (chain_id, key),
  FOREIGN KEY (chain_id, height) REFERENCES headers (chain_id, height)
) STRICT;
CREATE INDEX state_items_by_header ON state_items (chain_id, height);

CREATE TABLE polls (
  election_id TEXT PRIMARY KEY,
  state       TEXT NOT NULL CHECK (state IN ('open', 'paused', 'closed')),
  changed_day TEXT NOT NULL
) STRICT;

-- Staff actions as queryable rows for reports; each points at its audit entry, which holds
-- the time and is what the hash chain protects.
CREATE TABLE staff_events (
  seq         INTEGER PRIMARY KEY,
  audit_seq   INTEGER NOT NULL UNIQUE REFERENCES audit_log (seq),
  staff_id    TEXT    NOT NULL,
  action      TEXT    NOT NULL,
  election_id TEXT
) STRICT;
CREATE INDEX staff_events_by_election ON staff_events (election_id);
`;

// The outbox triggers, as V1 created them (V2 rebuilds the table, which drops them).
const OUTBOX_TRIGGERS = `
CREATE TRIGGER outbox_no_delete BEFORE DELETE ON outbox
BEGIN SELECT RAISE(ABORT, 'outbox rows are never deleted'); END;

CREATE TRIGGER outbox_immutable
BEFORE UPDATE OF kiosk_seq, ballot_id, election_id, kind, confirmation_code, chain_prev,
  envelope, enqueued_day ON outbox
BEGIN SELECT RAISE(ABORT, 'sealed ballots are immutable'); END;

CREATE TRIGGER outbox_forward_only BEFORE UPDATE OF state ON outbox
WHEN NEW.state <> OLD.state AND NOT (
  OLD.state NOT IN ('final', 'rejected') AND (
    (NEW.state = 'rejected' AND OLD.state IN ('queued', 'sent', 'receipted'))
    OR (NEW.state <> 'rejected' AND ${rank('NEW.state')} > ${rank('OLD.state')})
  )
)
BEGIN SELECT RAISE(ABORT, 'outbox states only move forward'); END;
`;

// V2: no index write on the vote's commit (docs/store.md, "Enqueue cost"). Every index page
// a vote dirties is one more 4 KiB WAL frame synced before "recorded"; V1 wrote two (the
// ballot_id UNIQUE index and outbox_reconcile) on top of the row's own, about 25 % of the
// enqueue rate. Both indexes now leave queued rows out; a queued row enters them on its
// first transition, in the sync round's batched commit. Queued rows are found instead in
// the outbox's tail: every row below outbox_tail.floor has left 'queued' (rows never return
// to it), so they are a rowid range scan of the undelivered end of the table. The UNIQUE
// constraint moves to the partial index plus a trigger checking delivered rows; the outbox
// checks the tail (it keeps the tail's ids in memory, loaded at open). The table is rebuilt
// because V1's UNIQUE column constraint owns an index that cannot be dropped.
const V2 = `
CREATE TABLE outbox_v2 (
  kiosk_seq         INTEGER PRIMARY KEY CHECK (kiosk_seq >= 0),
  ballot_id         BLOB    NOT NULL CHECK (length(ballot_id) = 32),
  election_id       TEXT    NOT NULL,
  kind              TEXT    NOT NULL CHECK (kind IN ('cast', 'challenged')),
  state             TEXT    NOT NULL CHECK (state IN ('queued', 'sent', 'receipted', 'included', 'final', 'rejected')),
  reject_reason     TEXT    CHECK ((state = 'rejected') = (reject_reason IS NOT NULL)),
  confirmation_code BLOB    NOT NULL CHECK (length(confirmation_code) = 32),
  chain_prev        BLOB    NOT NULL CHECK (length(chain_prev) = 32),
  enqueued_day      TEXT    NOT NULL,
  included_height   INTEGER,
  final_height      INTEGER,
  receipt           BLOB,
  envelope          BLOB    NOT NULL
) STRICT;
INSERT INTO outbox_v2 (kiosk_seq, ballot_id, election_id, kind, state, reject_reason,
  confirmation_code, chain_prev, enqueued_day, included_height, final_height, receipt, envelope)
SELECT kiosk_seq, ballot_id, election_id, kind, state, reject_reason, confirmation_code,
  chain_prev, enqueued_day, included_height, final_height, receipt, envelope FROM outbox;
DROP VIEW confirmation_chain;
DROP TABLE outbox;
ALTER TABLE outbox_v2 RENAME TO outbox;

CREATE UNIQUE INDEX outbox_ballot ON outbox (ballot_id) WHERE state <> 'queued';
CREATE INDEX outbox_reconcile ON outbox (state, election_id, kind, reject_reason)
  WHERE state <> 'queued';
${OUTBOX_TRIGGERS}
CREATE TRIGGER outbox_ballot_unique BEFORE INSERT ON outbox
WHEN EXISTS (SELECT 1 FROM outbox INDEXED BY outbox_ballot
             WHERE ballot_id = NEW.ballot_id AND state <> 'queued')
BEGIN SELECT RAISE(ABORT, '${BALLOT_ID_STORED}'); END;

CREATE VIEW confirmation_chain AS
  SELECT kiosk_seq, confirmation_code AS code, chain_prev AS prev FROM outbox;

CREATE TABLE outbox_tail (
  id    INTEGER PRIMARY KEY CHECK (id = 1),
  floor INTEGER NOT NULL CHECK (floor >= 0)
) STRICT;
INSERT INTO outbox_tail (id, floor) VALUES (1, coalesce(
  (SELECT min(kiosk_seq) FROM outbox WHERE state = 'queued'),
  (SELECT max(kiosk_seq) + 1 FROM outbox),
  0));
CREATE TRIGGER outbox_tail_forward BEFORE UPDATE ON outbox_tail
WHEN NEW.floor < OLD.floor
BEGIN SELECT RAISE(ABORT, 'the outbox tail floor only moves forward'); END;
CREATE TRIGGER outbox_tail_no_delete BEFORE DELETE ON outbox_tail
BEGIN SELECT RAISE(ABORT, 'the outbox tail floor is never deleted'); END;
`;

// V3: light-client evidence (docs/sync.md, "The alarm"). A witness conflict is written here
// in the same moment the alarm is raised, so a restarted kiosk is still alarmed and the
// evidence can be filed. Rows are never deleted or rewritten; the only change is the one-way
// resolution a technician records after re-provisioning.
const V3 = `
CREATE TABLE evidence (
  id            INTEGER PRIMARY KEY,
  chain_id      TEXT    NOT NULL,
  height        INTEGER NOT NULL CHECK (height >= 1),
  common_height INTEGER NOT NULL CHECK (common_height >= 0 AND common_height < height),
  primary_peer  TEXT    NOT NULL,
  witness_peer  TEXT    NOT NULL,
  body          BLOB    NOT NULL,
  created_ms    INTEGER NOT NULL,
  resolved_ms   INTEGER CHECK (resolved_ms IS NULL OR resolved_ms >= created_ms)
) STRICT;
CREATE INDEX evidence_open ON evidence (chain_id, id) WHERE resolved_ms IS NULL;
CREATE TRIGGER evidence_no_delete BEFORE DELETE ON evidence
BEGIN SELECT RAISE(ABORT, 'evidence is never deleted'); END;
CREATE TRIGGER evidence_immutable
BEFORE UPDATE OF id, chain_id, height, common_height, primary_peer, witness_peer, body,
  created_ms ON evidence
BEGIN SELECT RAISE(ABORT, 'evidence is immutable'); END;
CREATE TRIGGER evidence_resolve_once BEFORE UPDATE OF resolved_ms ON evidence
WHEN OLD.resolved_ms IS NOT NULL
BEGIN SELECT RAISE(ABORT, 'evidence is resolved once'); END;
`;

// V4: the undelivered rows past 'queued' in kiosk order (docs/store.md, "Pending"). The sync
// node pages through them oldest first (`pending`, a page of 1 000 at a time); through
// outbox_reconcile, which is ordered by state, every page read and sorted all of them, so a
// round over a backlog of n such rows cost O(n²/page) (115 µs per ballot at 100 000 in the
// sync bench's profile, 20 at 10 000). Ascending kiosk_seq: a row enters at the right edge
// on its first transition and leaves when final or rejected.
const V4 = `
CREATE INDEX outbox_undelivered ON outbox (kiosk_seq)
  WHERE state IN ('sent', 'receipted', 'included');
`;

// V5: headers the light client reached by the backwards hash chain from a verified one (the
// heights a record names: an official's seating, a rating poll). They have no commit of
// their own, so they are not `headers` rows; kept, a kiosk restarted offline can still turn
// those heights into days (docs/sync.md, "What is persisted").
const V5 = `
CREATE TABLE linked_headers (
  chain_id TEXT    NOT NULL,
  height   INTEGER NOT NULL CHECK (height >= 0),
  hash     BLOB    NOT NULL CHECK (length(hash) = 32),
  header   BLOB    NOT NULL,
  PRIMARY KEY (chain_id, height)
) STRICT;
`;

// The height and digest at which each listing was last proven whole (re-listed or found
// unchanged): a kiosk restored offline knows how fresh its view is (the items' own heights
// say only when each last changed) and checks the stored items against the digest.
const V6 = `
CREATE TABLE state_listings (
  chain_id TEXT    NOT NULL,
  prefix   TEXT    NOT NULL,
  height   INTEGER NOT NULL CHECK (height >= 0),
  digest   BLOB    NOT NULL CHECK (length(digest) = 32),
  PRIMARY KEY (chain_id, prefix)
) STRICT;
`;

export const MIGRATIONS: readonly Migration[] = [
  { version: 1, name: 'initial', sql: V1 },
  { version: 2, name: 'no index write on enqueue', sql: V2 },
  { version: 3, name: 'light-client evidence', sql: V3 },
  { version: 4, name: 'undelivered rows in kiosk order', sql: V4 },
  { version: 5, name: 'backwards-linked headers', sql: V5 },
  { version: 6, name: 'proven listings', sql: V6 },
];

export const SCHEMA_VERSION = MIGRATIONS.length;
