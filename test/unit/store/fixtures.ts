// Synthetic inputs for store tests, benches and the crash harness: sealed ballots as opaque
// random bytes (the ballot module produces real ones), chained like real confirmation codes.
import { createHash, generateKeyPairSync, randomBytes, sign } from 'node:crypto';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TAG, taggedHash } from '../../../src/protocol/hash.js';
import { ManualClock } from '../../../src/shared/clock.js';
import type { ExportSigner } from '../../../src/store/export.js';
import type { SealedBallot } from '../../../src/store/outbox.js';
import type { Db } from '../../../src/store/db.js';
import {
  openStore,
  storeDatabase,
  type Store,
  type StoreOptions,
} from '../../../src/store/store.js';

export const GENESIS_PREV = new Uint8Array(32);

/** Produces the next ballots of one kiosk's confirmation chain. */
export class BallotFactory {
  constructor(
    private seq = 0,
    private prev: Uint8Array = GENESIS_PREV,
  ) {}

  /** Continue after a stored head (after a restart). */
  static after(head: { kioskSeq: number; code: Uint8Array } | undefined): BallotFactory {
    return head === undefined
      ? new BallotFactory()
      : new BallotFactory(head.kioskSeq + 1, head.code);
  }

  next(
    opts: {
      electionId?: string;
      kind?: 'cast' | 'challenged';
      size?: number;
      envelope?: Uint8Array;
    } = {},
  ): SealedBallot {
    const envelope =
      opts.envelope ??
      new Uint8Array(randomBytes(opts.size ?? 2048 + Math.floor(Math.random() * 2048)));
    const ballotId = new Uint8Array(createHash('sha256').update(envelope).digest());
    const confirmationCode = taggedHash(TAG.confirmationCode, this.prev, ballotId);
    const b: SealedBallot = {
      ballotId,
      electionId: opts.electionId ?? 'e-2026-council',
      kioskSeq: this.seq,
      confirmationCode,
      chainPrev: this.prev,
      envelope,
      kind: opts.kind ?? 'cast',
    };
    this.seq++;
    this.prev = confirmationCode;
    return b;
  }
}

/**
 * A scratch directory. Unit tests default to tmpfs (/dev/shm) where it exists: they check
 * logic, not the disk, and thousands of fsyncs on a shared CI disk only make them slow. The
 * crash harness asks for the real disk.
 */
export function tempDir(
  prefix = 'veche-store-',
  opts: { onDisk?: boolean } = {},
): { dir: string; cleanup(): void } {
  const base = !opts.onDisk && existsSync('/dev/shm') ? '/dev/shm' : tmpdir();
  const dir = mkdtempSync(join(base, prefix));
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

export function openTestStore(
  dir: string,
  extra: Partial<StoreOptions> = {},
): Store & { db: Db; clock: ManualClock } {
  const clock = new ManualClock();
  const r = openStore({ path: join(dir, 'kiosk.db'), kioskId: 'kiosk-7', clock, ...extra });
  if (!r.ok) throw new Error(`openStore failed: ${JSON.stringify(r.error)}`);
  return Object.assign(r.value, {
    db: storeDatabase(r.value),
    clock: (extra.clock as ManualClock | undefined) ?? clock,
  });
}

/** An Ed25519 signer on node:crypto, as the kiosk key would be. */
export function testSigner(): ExportSigner {
  const { publicKey, privateKey } = generateKeyPairSync('ed25519');
  const raw = publicKey.export({ format: 'der', type: 'spki' }).subarray(-32);
  return {
    publicKey: new Uint8Array(raw),
    sign: (bytes) => new Uint8Array(sign(null, bytes, privateKey)),
  };
}

export const STAFF = '0123456789abcdef';
