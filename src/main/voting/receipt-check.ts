// "Check my receipt": what this kiosk's store and the chain say about a printed ballot id.
// Needs no voter and answers only delivery facts (state, height, whether the code matches),
// which the receipt's holder already has on paper; it says nothing about any choice.
import { z } from 'zod';
import { err, ok, type Result } from '../../shared/result.js';
import type { Store } from '../../store/index.js';
import type { ChainBallot, ChainView } from './chain-view.js';
import { toHex } from './hex.js';
import type { ReceiptCheck, ReceiptCheckError, ReceiptStatus } from './types.js';

const Hex32 = z.string().regex(/^[0-9a-fA-F]{64}$/);
const ElectionId = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/);

/** `veche:ballot:v1:<electionId>:<ballotIdHex>:<codeHex>` (receipt.ts) or a bare ballot id. */
export const ReceiptCodeSchema = z.union([
  z
    .string()
    .transform((s) => s.trim())
    .pipe(Hex32)
    .transform((hex) => ({ electionId: null, ballotId: hex.toLowerCase(), code: null })),
  z
    .string()
    .transform((s) => s.trim().split(':'))
    .pipe(
      z.tuple([z.literal('veche'), z.literal('ballot'), z.literal('v1'), ElectionId, Hex32, Hex32]),
    )
    .transform(([, , , electionId, ballotId, code]) => ({
      electionId: electionId as string | null,
      ballotId: ballotId.toLowerCase(),
      code: code.toLowerCase() as string | null,
    })),
]);
export type ReceiptCode = z.infer<typeof ReceiptCodeSchema>;

/** Elections tried for a bare ballot id the store does not know (each try asks the chain). */
const MAX_ELECTIONS_TRIED = 16;

export interface ReceiptCheckDeps {
  readonly chain: ChainView;
  readonly store: Pick<Store, 'outbox'>;
}

export async function checkReceipt(
  deps: ReceiptCheckDeps,
  input: string,
): Promise<Result<ReceiptCheck, ReceiptCheckError>> {
  const parsed = ReceiptCodeSchema.safeParse(input);
  if (!parsed.success) return err({ kind: 'malformed' });
  const { ballotId: hex, code } = parsed.data;
  const ballotId = Uint8Array.from(Buffer.from(hex, 'hex'));
  const row = deps.store.outbox.get(ballotId);
  // A receipt naming another election than the stored ballot is not this ballot's receipt.
  const stored =
    row !== undefined && (parsed.data.electionId ?? row.electionId) === row.electionId
      ? row
      : undefined;
  const electionId = stored?.electionId ?? parsed.data.electionId;
  const titleOf = (id: string) =>
    deps.chain.elections().find((e) => e.ctx.election.electionId === id)?.ctx.election.title ?? {
      be: id,
      ru: id,
      en: id,
    };

  let onChain: ChainBallot | null = null;
  if (stored === undefined || stored.state === 'included' || stored.state === 'final') {
    const ids =
      electionId !== null
        ? [electionId]
        : deps.chain
            .elections()
            .slice(0, MAX_ELECTIONS_TRIED)
            .map((e) => e.ctx.election.electionId);
    for (const id of ids) {
      onChain = await deps.chain.ballot(id, ballotId);
      if (onChain !== null) break;
    }
  }

  if (stored !== undefined) {
    const status: ReceiptStatus =
      stored.kind === 'challenged'
        ? 'challenged'
        : stored.state === 'sent' || stored.state === 'receipted'
          ? 'submitted'
          : stored.state;
    return ok({
      electionId: stored.electionId,
      title: titleOf(stored.electionId),
      status,
      height: onChain?.height ?? null,
      reason: stored.rejectReason,
      codeMatches: code === null ? null : code === toHex(stored.confirmationCode),
    });
  }
  if (onChain !== null) {
    // Another kiosk's ballot (or this kiosk's from before a store reset): the chain's
    // verified state holds it. Its code is not on chain, so there is nothing to compare.
    return ok({
      electionId: onChain.electionId,
      title: titleOf(onChain.electionId),
      status: onChain.kind === 'challenged' ? 'challenged' : 'final',
      height: onChain.height,
      reason: null,
      codeMatches: null,
    });
  }
  const id = electionId ?? '';
  return ok({
    electionId: id,
    title: titleOf(id),
    status: 'unknown',
    height: null,
    reason: null,
    codeMatches: null,
  });
}
