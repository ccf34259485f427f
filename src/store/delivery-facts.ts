// What delivery recorded for one ballot beyond BallotRow: the validator receipt and the
// heights. Read-only, for `veche-kiosk verify-receipt`; a separate file so the outbox's
// write path is untouched (the store owner may fold it into the Outbox API).
import { z } from 'zod';
import { TAIL_FLOOR } from './outbox.js';
import { storeDatabase } from './store.js';
import type { Store } from './store.js';

const RowSchema = z.strictObject({
  receipt: z.instanceof(Buffer).nullable(),
  included_height: z.int().nullable(),
  final_height: z.int().nullable(),
  envelope: z.instanceof(Buffer),
});

export interface DeliveryFacts {
  /** Canonical CBOR of the validator's receipt, when one was stored. */
  readonly receipt: Uint8Array | null;
  readonly includedHeight: number | null;
  readonly finalHeight: number | null;
  /** The stored envelope: the bytes that were submitted. */
  readonly envelope: Uint8Array;
}

export function deliveryFacts(store: Store, ballotId: Uint8Array): DeliveryFacts | undefined {
  // By id through the partial UNIQUE index (delivered rows) or the tail (queued rows): since
  // schema V2 no index holds every ballot id (docs/store.md), and a bare `ballot_id = ?`
  // would walk the whole table.
  const row: unknown = storeDatabase(store)
    .prepare(
      `SELECT receipt, included_height, final_height, envelope FROM outbox
       WHERE kiosk_seq = coalesce(
         (SELECT kiosk_seq FROM outbox INDEXED BY outbox_ballot
          WHERE ballot_id = @id AND state <> 'queued'),
         (SELECT kiosk_seq FROM outbox
          WHERE kiosk_seq >= ${TAIL_FLOOR} AND ballot_id = @id))`,
    )
    .get({ id: Buffer.from(ballotId) });
  if (row === undefined) return undefined;
  const r = RowSchema.parse(row);
  return {
    receipt: r.receipt === null ? null : new Uint8Array(r.receipt),
    includedHeight: r.included_height,
    finalHeight: r.final_height,
    envelope: new Uint8Array(r.envelope),
  };
}
