// A validator's persistent chain: committed blocks and the per-ballot index (where each
// ballot landed, or why it was refused). The application state is not stored: a restarted
// validator replays its blocks, which is cheap at devnet scale and can never disagree with
// the blocks themselves.
import Database from 'better-sqlite3';
import { encodeCanonical, type Canonical } from '../../protocol/encoding.js';
import { decodeWire } from '../../protocol/wire.js';
import { BlockSchema, type Block } from './types.js';

/** Where a ballot ended up: included at (height, index), or refused with a reason. */
export type BallotStatus =
  | { kind: 'included'; height: number; index: number }
  | { kind: 'rejected'; height: number | null; reason: string; detail: string };

export class ChainStore {
  private readonly db: Database.Database;
  private readonly insertBlock: Database.Statement;
  private readonly getBlock: Database.Statement;
  private readonly putStatus: Database.Statement;
  private readonly getStatus: Database.Statement;

  constructor(path: string) {
    this.db = new Database(path);
    this.db.pragma('journal_mode = WAL');
    this.db.pragma('synchronous = NORMAL');
    this.db.exec(`
      CREATE TABLE IF NOT EXISTS blocks (height INTEGER PRIMARY KEY, block BLOB NOT NULL);
      CREATE TABLE IF NOT EXISTS ballots (
        ballot_id TEXT PRIMARY KEY, status TEXT NOT NULL, included INTEGER NOT NULL);
    `);
    this.insertBlock = this.db.prepare('INSERT INTO blocks (height, block) VALUES (?, ?)');
    this.getBlock = this.db.prepare('SELECT block FROM blocks WHERE height = ?');
    // An inclusion is final; a refusal may be superseded by a later inclusion (the same
    // ballot resubmitted once its kiosk is registered), never the other way round.
    this.putStatus = this.db.prepare(`
      INSERT INTO ballots (ballot_id, status, included) VALUES (@id, @status, @included)
      ON CONFLICT (ballot_id) DO UPDATE SET status = excluded.status, included = 1
        WHERE ballots.included = 0 AND excluded.included = 1`);
    this.getStatus = this.db.prepare('SELECT status FROM ballots WHERE ballot_id = ?');
  }

  height(): number {
    const row = this.db.prepare('SELECT MAX(height) AS h FROM blocks').get() as {
      h: number | null;
    };
    return row.h ?? 0;
  }

  /** Appends a block with the statuses of the ballots it carried, atomically. */
  append(block: Block, statuses: ReadonlyMap<string, BallotStatus>): void {
    const bytes = encodeCanonical(block as unknown as Canonical);
    this.db.transaction(() => {
      this.insertBlock.run(block.header.height, bytes);
      for (const [id, s] of statuses) this.recordStatusRow(id, s);
    })();
  }

  /** Records a refusal at the mempool (never supersedes an inclusion). */
  recordStatus(ballotIdHex: string, status: BallotStatus): void {
    this.recordStatusRow(ballotIdHex, status);
  }

  private recordStatusRow(id: string, s: BallotStatus): void {
    this.putStatus.run({ id, status: JSON.stringify(s), included: s.kind === 'included' ? 1 : 0 });
  }

  block(height: number): Block | undefined {
    const row = this.getBlock.get(height) as { block: Buffer } | undefined;
    if (row === undefined) return undefined;
    const b = decodeWire(BlockSchema, new Uint8Array(row.block));
    // Only this process writes the table: an undecodable row is corruption, not input.
    if (!b.ok) throw new Error(`stored block ${height} does not decode: ${b.error.kind}`);
    return b.value;
  }

  ballotStatus(ballotIdHex: string): BallotStatus | undefined {
    const row = this.getStatus.get(ballotIdHex) as { status: string } | undefined;
    return row === undefined ? undefined : (JSON.parse(row.status) as BallotStatus);
  }

  close(): void {
    this.db.close();
  }
}
