// Reading and checking the per-kiosk confirmation chain. Links are written by the outbox in
// the same commit as their ballot; here we only check that each link's prev is the code
// before it and that sequence numbers have no gap. The code itself is the ballot module's
// hash of the encrypted ballot, which the store cannot recompute from opaque bytes.
import type { Db } from './db.js';

export interface ChainLink {
  readonly kioskSeq: number;
  readonly code: Uint8Array;
  readonly prev: Uint8Array;
}

export type ChainVerification =
  | { readonly ok: true; readonly links: number; readonly head: ChainLink | undefined }
  | {
      readonly ok: false;
      readonly firstBadSeq: number;
      readonly fault: 'gap' | 'broken-link' | 'orphan';
    };

export interface ConfirmationChain {
  head(): ChainLink | undefined;
  links(afterSeq: number, limit: number): ChainLink[];
  verify(): ChainVerification;
}

interface RawLink {
  kiosk_seq: number;
  code: Buffer;
  prev: Buffer;
  has_ballot: number;
}

const toLink = (r: { kiosk_seq: number; code: Buffer; prev: Buffer }): ChainLink => ({
  kioskSeq: r.kiosk_seq,
  code: new Uint8Array(r.code),
  prev: new Uint8Array(r.prev),
});

export function createConfirmationChain(db: Db): ConfirmationChain {
  const q = {
    head: db.prepare<[], RawLink>(
      'SELECT kiosk_seq, code, prev, 1 AS has_ballot FROM confirmation_chain ORDER BY kiosk_seq DESC LIMIT 1',
    ),
    page: db.prepare<[number, number], RawLink>(
      'SELECT kiosk_seq, code, prev, 1 AS has_ballot FROM confirmation_chain WHERE kiosk_seq > ? ORDER BY kiosk_seq LIMIT ?',
    ),
    all: db.prepare<[], RawLink>(
      `SELECT c.kiosk_seq, c.code, c.prev, (o.kiosk_seq IS NOT NULL) AS has_ballot
       FROM confirmation_chain c LEFT JOIN outbox o ON o.kiosk_seq = c.kiosk_seq ORDER BY c.kiosk_seq`,
    ),
    ballotsWithoutLink: db.prepare<[], { kiosk_seq: number }>(
      `SELECT o.kiosk_seq FROM outbox o LEFT JOIN confirmation_chain c ON c.kiosk_seq = o.kiosk_seq
       WHERE c.kiosk_seq IS NULL ORDER BY o.kiosk_seq LIMIT 1`,
    ),
  };
  return {
    head() {
      const r = q.head.get();
      return r === undefined ? undefined : toLink(r);
    },
    links(afterSeq, limit) {
      return q.page.all(afterSeq, limit).map(toLink);
    },
    verify() {
      let last: RawLink | undefined;
      let n = 0;
      let firstBad: { seq: number; fault: 'gap' | 'broken-link' | 'orphan' } | undefined;
      for (const r of q.all.iterate()) {
        if (last !== undefined && r.kiosk_seq !== last.kiosk_seq + 1) {
          firstBad = { seq: last.kiosk_seq + 1, fault: 'gap' };
          break;
        }
        if (last !== undefined && !r.prev.equals(last.code)) {
          firstBad = { seq: r.kiosk_seq, fault: 'broken-link' };
          break;
        }
        if (r.has_ballot !== 1) {
          firstBad = { seq: r.kiosk_seq, fault: 'orphan' };
          break;
        }
        last = r;
        n++;
      }
      const unlinked = q.ballotsWithoutLink.get();
      if (unlinked !== undefined && (firstBad === undefined || unlinked.kiosk_seq < firstBad.seq)) {
        firstBad = { seq: unlinked.kiosk_seq, fault: 'orphan' };
      }
      if (firstBad !== undefined)
        return { ok: false, firstBadSeq: firstBad.seq, fault: firstBad.fault };
      return { ok: true, links: n, head: last === undefined ? undefined : toLink(last) };
    },
  };
}
