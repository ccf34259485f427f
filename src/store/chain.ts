// Reading and checking the per-kiosk confirmation chain. Each link lives in its ballot's
// outbox row (the confirmation_chain view); here we only check that each link's prev is the
// code before it and that sequence numbers have no gap. The code itself is the ballot module's
// hash of the encrypted ballot, which the store cannot recompute from opaque bytes.
import type { Db } from './db.js';

export interface ChainLink {
  readonly kioskSeq: number;
  readonly code: Uint8Array;
  readonly prev: Uint8Array;
}

export type ChainVerification =
  | { readonly ok: true; readonly links: number; readonly head: ChainLink | undefined }
  | { readonly ok: false; readonly firstBadSeq: number; readonly fault: 'gap' | 'broken-link' };

export interface ConfirmationChain {
  head(): ChainLink | undefined;
  links(afterSeq: number, limit: number): ChainLink[];
  /** Walks the whole chain (reads every outbox row): diagnostics and audits, not a hot path. */
  verify(): ChainVerification;
}

interface RawLink {
  kiosk_seq: number;
  code: Buffer;
  prev: Buffer;
}

const toLink = (r: RawLink): ChainLink => ({
  kioskSeq: r.kiosk_seq,
  code: new Uint8Array(r.code),
  prev: new Uint8Array(r.prev),
});

export function createConfirmationChain(db: Db): ConfirmationChain {
  const q = {
    head: db.prepare<[], RawLink>(
      'SELECT kiosk_seq, code, prev FROM confirmation_chain ORDER BY kiosk_seq DESC LIMIT 1',
    ),
    page: db.prepare<[number, number], RawLink>(
      'SELECT kiosk_seq, code, prev FROM confirmation_chain WHERE kiosk_seq > ? ORDER BY kiosk_seq LIMIT ?',
    ),
    all: db.prepare<[], RawLink>(
      'SELECT kiosk_seq, code, prev FROM confirmation_chain ORDER BY kiosk_seq',
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
      for (const r of q.all.iterate()) {
        if (last !== undefined && r.kiosk_seq !== last.kiosk_seq + 1) {
          return { ok: false, firstBadSeq: last.kiosk_seq + 1, fault: 'gap' };
        }
        if (last !== undefined && !r.prev.equals(last.code)) {
          return { ok: false, firstBadSeq: r.kiosk_seq, fault: 'broken-link' };
        }
        last = r;
        n++;
      }
      return { ok: true, links: n, head: last === undefined ? undefined : toLink(last) };
    },
  };
}
