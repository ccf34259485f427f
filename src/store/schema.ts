// Versioned schema. A migration is appended, never edited once shipped: kiosks in the field
// carry databases at every earlier version. `PRAGMA user_version` holds the applied version.
//
// Triggers make the invariants hold even against a bug elsewhere in the host: ballots and
// chain links are never deleted or rewritten, outbox states only move forward, and the audit
// log is append-only. (Someone with the file can drop triggers; the hash chains catch that.)

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
CREATE TABLE outbox (
  kiosk_seq     INTEGER PRIMARY KEY CHECK (kiosk_seq >= 0),
  ballot_id     BLOB    NOT NULL UNIQUE CHECK (length(ballot_id) = 32),
  election_id   TEXT    NOT NULL,
  kind          TEXT    NOT NULL CHECK (kind IN ('cast', 'challenged')),
  state         TEXT    NOT NULL CHECK (state IN ('queued', 'sent', 'receipted', 'included', 'final', 'rejected')),
  reject_reason TEXT    CHECK ((state = 'rejected') = (reject_reason IS NOT NULL)),
  envelope      BLOB    NOT NULL,
  enqueued_day  TEXT    NOT NULL,
  receipt       BLOB,
  included_height INTEGER,
  final_height  INTEGER
) STRICT;

-- Reconciliation counts are a range scan of this covering index (no table access), and the
-- list behind a state or reason is the same range in kiosk_seq (rowid) order.
CREATE INDEX outbox_reconcile ON outbox (election_id, kind, state, reject_reason);
-- What the sync module still has to deliver: small, because final and rejected rows leave it.
CREATE INDEX outbox_pending ON outbox (kiosk_seq) WHERE state NOT IN ('final', 'rejected');

CREATE TRIGGER outbox_no_delete BEFORE DELETE ON outbox
BEGIN SELECT RAISE(ABORT, 'outbox rows are never deleted'); END;

CREATE TRIGGER outbox_immutable
BEFORE UPDATE OF kiosk_seq, ballot_id, election_id, kind, envelope, enqueued_day ON outbox
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
-- challenged ballots are both links: the code is shown before the voter decides.
CREATE TABLE confirmation_chain (
  kiosk_seq INTEGER PRIMARY KEY REFERENCES outbox (kiosk_seq),
  -- No UNIQUE index on code: each code hashes its predecessor, so a repeat is a hash
  -- collision, and every index page costs a WAL frame on every vote.
  code      BLOB NOT NULL CHECK (length(code) = 32),
  prev      BLOB NOT NULL CHECK (length(prev) = 32)
) STRICT;

CREATE TRIGGER chain_no_update BEFORE UPDATE ON confirmation_chain
BEGIN SELECT RAISE(ABORT, 'the confirmation chain is append-only'); END;
CREATE TRIGGER chain_no_delete BEFORE DELETE ON confirmation_chain
BEGIN SELECT RAISE(ABORT, 'the confirmation chain is append-only'); END;

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

export const MIGRATIONS: readonly Migration[] = [{ version: 1, name: 'initial', sql: V1 }];

export const SCHEMA_VERSION = MIGRATIONS.length;
