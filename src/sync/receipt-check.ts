// `veche-kiosk verify-receipt`: what this kiosk's store can prove about one printed ballot,
// offline. The validator receipt is checked as delivery checked it when it arrived
// (signature, chain, the exact submitted bytes, a validator of a verified set), so a
// technician can show a voter's ballot reached the network without trusting the screen.
// Delivery facts only: nothing here reads or prints a choice.
import { z } from 'zod';
import { decodeCanonical } from '../protocol/encoding.js';
import { fromHex, TAG, taggedHash, toHex } from '../protocol/hash.js';
import { HeaderSchema } from '../protocol/header.js';
import {
  batchItemCovers,
  receiptCovers,
  StoredReceiptSchema,
  verifyBatchReceipt,
  verifyReceipt,
  type StoredReceipt,
} from '../protocol/light-rpc.js';
import { ValidatorSetSchema } from '../protocol/validators.js';
import { err, ok, type Result } from '../shared/result.js';
import { deliveryFacts } from '../store/delivery-facts.js';
import type { OutboxState, PendingBallot, RejectReason, Store } from '../store/index.js';

const Hex32 = z.string().regex(/^[0-9a-f]{64}$/);

/** The receipt text (`veche:ballot:v1:<electionId>:<ballotId>:<code>`) or a bare ballot id. */
export const ReceiptInputSchema = z
  .string()
  .transform((s) => s.trim().toLowerCase())
  .pipe(
    z.union([
      Hex32.transform((ballotId) => ({ electionId: null, ballotId, code: null })),
      z
        .string()
        .transform((s) => s.split(':'))
        .pipe(
          z.tuple([
            z.literal('veche'),
            z.literal('ballot'),
            z.literal('v1'),
            z.string().min(1).max(64),
            Hex32,
            Hex32,
          ]),
        )
        .transform(([, , , electionId, ballotId, code]) => ({
          electionId: electionId as string | null,
          ballotId,
          code: code as string | null,
        })),
    ]),
  );

export interface ReceiptFacts {
  /** A receipt of its own (/veche/submit/1) or one item of a batch receipt (submit-batch/2). */
  readonly kind: 'single' | 'batch';
  readonly validator: string;
  readonly chainId: string;
  /** The validator's committed height when it accepted the ballot. */
  readonly height: number;
  readonly signatureValid: boolean;
  /**
   * The receipt names exactly the bytes this kiosk submitted: its txId, or for a batch item
   * the audit path from that txId's leaf to the signed root.
   */
  readonly coversSubmission: boolean;
  /** The key is in a validator set the light client verified and stored. */
  readonly knownValidator: boolean;
}

export interface ReceiptVerdict {
  readonly ballotId: string;
  readonly electionId: string;
  readonly state: OutboxState;
  readonly rejectReason: RejectReason | null;
  /** Whether the printed confirmation code is this ballot's; null when none was given. */
  readonly codeMatches: boolean | null;
  readonly receipt: ReceiptFacts | null;
  readonly includedHeight: number | null;
  readonly finalHeight: number | null;
  /** Whether the verified header of the final height is in the store (null if not final). */
  readonly finalHeaderStored: boolean | null;
  /** Everything given checks out: code (if given) and receipt (if stored) both valid. */
  readonly valid: boolean;
}

export type ReceiptCheckError =
  | { kind: 'malformed' }
  | { kind: 'unknown-ballot'; ballotId: string }
  | { kind: 'other-election'; stored: string };

export interface ReceiptCheckOptions {
  /** The bytes delivery submitted for a row: the sync service's txOf (default: the envelope). */
  readonly txOf?: (b: PendingBallot) => Uint8Array;
}

/** Keys of the validator sets the stored verified headers name around `heights`. */
function verifiedKeys(store: Store, chainId: string, heights: readonly number[]): Set<string> {
  const keys = new Set<string>();
  const addSet = (hash: Uint8Array) => {
    const bytes = store.synced.validatorSet(hash);
    if (bytes === undefined) return;
    const d = decodeCanonical(bytes);
    const set = d.ok ? ValidatorSetSchema.safeParse(d.value) : undefined;
    if (set?.success !== true) return;
    for (const v of set.data.validators) keys.add(toHex(v.pubKey));
  };
  const rows = [store.synced.latestHeader(chainId)];
  for (const h of heights) if (h >= 1) rows.push(store.synced.header(chainId, h));
  for (const row of rows) {
    if (row === undefined) continue;
    const d = decodeCanonical(row.header);
    const header = d.ok ? HeaderSchema.safeParse(d.value) : undefined;
    if (header?.success !== true) continue;
    addSet(header.data.validatorsHash);
    addSet(header.data.nextValidatorsHash);
  }
  return keys;
}

export function checkStoredReceipt(
  store: Store,
  input: string,
  opts: ReceiptCheckOptions = {},
): Result<ReceiptVerdict, ReceiptCheckError> {
  const parsed = ReceiptInputSchema.safeParse(input);
  if (!parsed.success) return err({ kind: 'malformed' });
  const { ballotId, electionId, code } = parsed.data;
  const id = fromHex(ballotId);
  const row = store.outbox.get(id);
  const facts = deliveryFacts(store, id);
  if (row === undefined || facts === undefined) return err({ kind: 'unknown-ballot', ballotId });
  if (electionId !== null && electionId !== row.electionId.toLowerCase()) {
    return err({ kind: 'other-election', stored: row.electionId });
  }
  const codeMatches = code === null ? null : code === toHex(row.confirmationCode);

  let receipt: ReceiptFacts | null = null;
  if (facts.receipt !== null) {
    const d = decodeCanonical(facts.receipt);
    const r = d.ok ? StoredReceiptSchema.safeParse(d.value) : undefined;
    // Delivery stored only receipts that parsed: anything else is a damaged row.
    if (r?.success !== true) throw new Error(`stored receipt of ${ballotId} does not decode`);
    const pending: PendingBallot = {
      kioskSeq: row.kioskSeq,
      ballotId: id,
      electionId: row.electionId,
      kind: row.kind,
      state: row.state,
      envelope: facts.envelope,
    };
    const submitted = (opts.txOf ?? ((b) => b.envelope))(pending);
    receipt = receiptFacts(r.data, taggedHash(TAG.devnetTxId, submitted), (chainId, height) =>
      verifiedKeys(store, chainId, [height, height + 1, facts.finalHeight ?? 0]),
    );
  }
  const finalHeaderStored =
    facts.finalHeight === null
      ? null
      : receipt !== null
        ? store.synced.header(receipt.chainId, facts.finalHeight) !== undefined
        : null;
  const receiptValid =
    receipt === null ||
    (receipt.signatureValid && receipt.coversSubmission && receipt.knownValidator);
  return ok({
    ballotId,
    electionId: row.electionId,
    state: row.state,
    rejectReason: row.rejectReason,
    codeMatches,
    receipt,
    includedHeight: facts.includedHeight,
    finalHeight: facts.finalHeight,
    finalHeaderStored,
    valid: receiptValid && codeMatches !== false,
  });
}

function receiptFacts(
  r: StoredReceipt,
  txId: Uint8Array,
  keysAt: (chainId: string, height: number) => Set<string>,
): ReceiptFacts {
  const facts = (
    kind: ReceiptFacts['kind'],
    b: { validator: Uint8Array; chainId: string; height: number },
    signatureValid: boolean,
    coversSubmission: boolean,
  ): ReceiptFacts => ({
    kind,
    validator: toHex(b.validator),
    chainId: b.chainId,
    height: b.height,
    signatureValid,
    coversSubmission,
    knownValidator: keysAt(b.chainId, b.height).has(toHex(b.validator)),
  });
  return 'batch' in r
    ? facts('batch', r.batch.body, verifyBatchReceipt(r.batch), batchItemCovers(r, txId))
    : facts('single', r.body, verifyReceipt(r), receiptCovers(r, txId));
}
