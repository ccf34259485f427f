// A validator's persistent chain: committed blocks and the per-ballot index (where each
// ballot landed, or why it was refused). The application state is not stored: a restarted
// validator replays its blocks, which is cheap at devnet scale and can never disagree with
// the blocks themselves.
import Database from 'better-sqlite3';
import { encodeCanonical, type Canonical } from '../../protocol/encoding.js';
import {
  buildMerkleTree,
  leafHash,
  type InclusionProof,
  type MerkleTree,
} from '../../protocol/merkle.js';
import { decodeWire } from '../../protocol/wire.js';
import type { SignState, SignStep } from './sign-guard.js';
import { BlockSchema, type Block } from './types.js';

/** Where a ballot ended up: included at (height, index), or refused with a reason. */
export type BallotStatus =
  | { kind: 'included'; height: number; index: number }
  | { kind: 'rejected'; height: number | null; reason: string; detail: string };

const RECENT_BLOCKS = 16;
const CACHED_TREES = 256;

export class ChainStore {
  private readonly db: Database.Database;
  private readonly insertBlock: Database.Statement;
  private readonly getBlock: Database.Statement;
  private readonly putStatus: Database.Statement;
  private readonly getStatus: Database.Statement;
  /**
   * The newest blocks, decoded: proof queries for a backlog ask about the same few blocks
   * thousands of times, and decoding a 1 000-transaction block costs milliseconds. Blocks
   * never change once stored, and nobody mutates a Block.
   */
  private readonly recent = new Map<number, Block>();
  private readonly insertTx: Database.Statement;
  private readonly getTx: Database.Statement;
  private readonly getTxs: Database.Statement;
  /** Merkle trees of blocks proofs were asked for, by height (a few KiB each). */
  private readonly trees = new Map<number, MerkleTree>();

  constructor(path: string) {
    this.db = new Database(path);
    this.db.pragma('journal_mode = WAL');
    this.db.pragma('synchronous = NORMAL');
    // Ballot ids are random, so every status insert lands on a random page of the ballots
    // index; with SQLite's default 2 MiB page cache that index stops fitting at some tens of
    // thousands of ballots and each insert reads pages back (the sync bench's per-ballot
    // SQLite time more than doubled from 10 000 to 100 000 ballots). 64 MiB holds it.
    this.db.pragma('cache_size = -65536');
    this.db.exec(`
      CREATE TABLE IF NOT EXISTS blocks (height INTEGER PRIMARY KEY, block BLOB NOT NULL);
      CREATE TABLE IF NOT EXISTS ballots (
        ballot_id TEXT PRIMARY KEY, status TEXT NOT NULL, included INTEGER NOT NULL)
        WITHOUT ROWID;
      CREATE TABLE IF NOT EXISTS block_txs (
        height INTEGER NOT NULL, idx INTEGER NOT NULL, tx BLOB NOT NULL,
        PRIMARY KEY (height, idx)) WITHOUT ROWID;
      CREATE TABLE IF NOT EXISTS sign_state (
        id INTEGER PRIMARY KEY CHECK (id = 0), height INTEGER NOT NULL,
        round INTEGER NOT NULL, step INTEGER NOT NULL, signature BLOB NOT NULL);
    `);
    this.insertTx = this.db.prepare('INSERT INTO block_txs (height, idx, tx) VALUES (?, ?, ?)');
    this.getTx = this.db.prepare('SELECT tx FROM block_txs WHERE height = ? AND idx = ?');
    this.getTxs = this.db.prepare('SELECT tx FROM block_txs WHERE height = ? ORDER BY idx');
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

  /** The last step this validator signed (sign-guard.ts), or undefined before any. */
  lastSigned(): SignState | undefined {
    const r = this.db
      .prepare('SELECT height, round, step, signature FROM sign_state WHERE id = 0')
      .get() as { height: number; round: number; step: number; signature: Buffer } | undefined;
    if (r === undefined) return undefined;
    return {
      height: r.height,
      round: r.round,
      step: r.step as SignStep,
      signature: new Uint8Array(r.signature),
    };
  }

  /** Kept before the signed message is sent, so a restart knows it. */
  putSigned(s: SignState): void {
    this.db
      .prepare(
        'INSERT OR REPLACE INTO sign_state (id, height, round, step, signature) VALUES (0, ?, ?, ?, ?)',
      )
      .run(s.height, s.round, s.step, s.signature);
  }

  height(): number {
    const row = this.db.prepare('SELECT MAX(height) AS h FROM blocks').get() as {
      h: number | null;
    };
    return row.h ?? 0;
  }

  /** Appends a block with the statuses of the ballots it carried, atomically. */
  append(block: Block, statuses: ReadonlyMap<string, BallotStatus>): void {
    // The transactions are stored once, as rows (the proof path reads them one by one); the
    // blocks row keeps the rest. Writing them twice was half of the devnet's SQLite bytes.
    const bytes = encodeCanonical({ ...block, txs: [] } as unknown as Canonical);
    this.db.transaction(() => {
      this.insertBlock.run(block.header.height, bytes);
      block.txs.forEach((tx, i) => this.insertTx.run(block.header.height, i, tx));
      for (const [id, s] of statuses) this.recordStatusRow(id, s);
    })();
    this.remember(block);
  }

  private remember(block: Block): void {
    this.recent.set(block.header.height, block);
    if (this.recent.size > RECENT_BLOCKS) {
      const oldest = Math.min(...this.recent.keys());
      this.recent.delete(oldest);
    }
  }

  /** Records a refusal at the mempool (never supersedes an inclusion). */
  recordStatus(ballotIdHex: string, status: BallotStatus): void {
    this.recordStatusRow(ballotIdHex, status);
  }

  private recordStatusRow(id: string, s: BallotStatus): void {
    this.putStatus.run({ id, status: JSON.stringify(s), included: s.kind === 'included' ? 1 : 0 });
  }

  block(height: number): Block | undefined {
    const hit = this.recent.get(height);
    if (hit !== undefined) return hit;
    const row = this.getBlock.get(height) as { block: Buffer } | undefined;
    if (row === undefined) return undefined;
    const b = decodeWire(BlockSchema, new Uint8Array(row.block));
    // Only this process writes the table: an undecodable row is corruption, not input.
    if (!b.ok) throw new Error(`stored block ${height} does not decode: ${b.error.kind}`);
    // A directory of an older devnet kept the transactions inside the block as well.
    const block =
      b.value.txs.length > 0
        ? b.value
        : {
            ...b.value,
            txs: (this.getTxs.all(height) as { tx: Buffer }[]).map((r) => new Uint8Array(r.tx)),
          };
    this.remember(block);
    return block;
  }

  /**
   * Transaction `index` of block `height` with its inclusion proof against the block's
   * dataHash. Answers from the per-transaction rows and a cached tree, so a backlog's proof
   * queries do not decode whole blocks again and again; blocks stored before the rows existed
   * (an older devnet directory) are decoded once.
   */
  txProof(height: number, index: number): { tx: Uint8Array; proof: InclusionProof } | undefined {
    let tree = this.trees.get(height);
    let tx = this.txRow(height, index);
    if (tree === undefined || tx === undefined) {
      const b = this.block(height);
      if (b === undefined) return undefined;
      tx ??= b.txs[index];
      tree ??= buildMerkleTree(b.txs.map((t) => leafHash(t)));
      this.trees.set(height, tree);
      if (this.trees.size > CACHED_TREES) this.trees.delete(Math.min(...this.trees.keys()));
    }
    if (tx === undefined || index >= tree.size) return undefined;
    return { tx, proof: tree.proof(index) };
  }

  private txRow(height: number, index: number): Uint8Array | undefined {
    const row = this.getTx.get(height, index) as { tx: Buffer } | undefined;
    return row === undefined ? undefined : new Uint8Array(row.tx);
  }

  ballotStatus(ballotIdHex: string): BallotStatus | undefined {
    const row = this.getStatus.get(ballotIdHex) as { status: string } | undefined;
    return row === undefined ? undefined : (JSON.parse(row.status) as BallotStatus);
  }

  close(): void {
    this.db.close();
  }
}
