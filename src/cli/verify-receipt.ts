// `veche-kiosk verify-receipt <receipt text | ballot id> --kiosk-id K [--state-dir D | --db F]
// [--json]`: checks a printed receipt against this kiosk's store (offline): the confirmation
// code, the validator receipt (signature, chain, the exact submitted bytes, a verified
// validator key) and the delivery state with its heights. Exit 0 when everything given
// checks out, 1 when something does not (or the ballot is unknown), 2 on usage errors.
// Like the other store commands it needs the host stopped (the store has one writer).
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { systemClock } from '../shared/clock.js';
import { silentLogger } from '../shared/log.js';
import { assertNever } from '../shared/result.js';
import { openStore, type PendingBallot } from '../store/index.js';
import { devnetTxOf } from './demo-tx.js';
import { checkStoredReceipt, type ReceiptVerdict } from '../sync/receipt-check.js';

const DEFAULT_STATE_DIR = '/var/lib/veche-kiosk';

/**
 * What delivery submitted for a row: the host stores signed envelopes and submits them as
 * devnet transactions (demo-tx.ts); stores written by the sync tests and bench hold the
 * transaction itself, which does not decode as an envelope.
 */
function submittedBytes(b: PendingBallot): Uint8Array {
  try {
    return devnetTxOf(b);
  } catch {
    return b.envelope;
  }
}

function describe(v: ReceiptVerdict): string {
  const lines = [
    `ballot    ${v.ballotId}`,
    `election  ${v.electionId}`,
    `state     ${v.state}${v.rejectReason === null ? '' : ` (${v.rejectReason})`}`,
  ];
  if (v.codeMatches !== null)
    lines.push(`code      ${v.codeMatches ? 'matches' : 'DOES NOT MATCH'}`);
  if (v.receipt === null) {
    lines.push('receipt   none stored');
  } else {
    const r = v.receipt;
    lines.push(
      `receipt   ${r.kind === 'batch' ? 'batch receipt of' : 'receipt of'} validator ` +
        `${r.validator.slice(0, 16)}… at height ${r.height} on ${r.chainId}`,
      `          signature ${r.signatureValid ? 'valid' : 'INVALID'}; ` +
        `${r.coversSubmission ? 'covers the submitted ballot' : 'DOES NOT cover the submitted ballot'}; ` +
        `${r.knownValidator ? 'key of a verified validator set' : 'key NOT in a verified validator set'}`,
    );
  }
  if (v.includedHeight !== null) lines.push(`included  at height ${v.includedHeight}`);
  if (v.finalHeight !== null) {
    const stored = v.finalHeaderStored === null ? '' : v.finalHeaderStored ? ', header stored' : '';
    lines.push(`final     at height ${v.finalHeight} (proof verified${stored})`);
  }
  lines.push(v.valid ? 'OK' : 'NOT VALID');
  return lines.join('\n') + '\n';
}

export function runVerifyReceipt(argv: string[]): number {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        'state-dir': { type: 'string', default: DEFAULT_STATE_DIR },
        db: { type: 'string' },
        'kiosk-id': { type: 'string' },
        json: { type: 'boolean', default: false },
      },
      strict: true,
    });
  } catch (e) {
    console.error(e instanceof Error ? e.message : String(e));
    return 2;
  }
  const { values, positionals } = parsed;
  const [input, ...extra] = positionals;
  const kioskId = values['kiosk-id'];
  if (input === undefined || extra.length > 0 || kioskId === undefined) {
    console.error('usage: veche-kiosk verify-receipt <receipt text | ballot id> --kiosk-id K');
    return 2;
  }
  const path = values.db ?? join(values['state-dir'], 'kiosk.sqlite');
  const opened = openStore({ path, kioskId, clock: systemClock(), logger: silentLogger });
  if (!opened.ok) {
    console.error(
      opened.error.kind === 'locked'
        ? `the kiosk host is using ${path}; stop it first or use the staff screen`
        : `cannot open ${path}: ${opened.error.kind}`,
    );
    return 1;
  }
  try {
    const r = checkStoredReceipt(opened.value, input, { txOf: submittedBytes });
    if (!r.ok) {
      switch (r.error.kind) {
        case 'malformed':
          console.error('not a receipt: give the receipt text (veche:ballot:v1:…) or a ballot id');
          return 2;
        case 'unknown-ballot':
          console.error(`ballot ${r.error.ballotId} is not in this kiosk's store`);
          return 1;
        case 'other-election':
          console.error(
            `the receipt names another election than the stored ballot (${r.error.stored})`,
          );
          return 1;
        default:
          return assertNever(r.error, 'receipt check error');
      }
    }
    process.stdout.write(values.json ? JSON.stringify(r.value) + '\n' : describe(r.value));
    return r.value.valid ? 0 : 1;
  } finally {
    opened.value.close();
  }
}
