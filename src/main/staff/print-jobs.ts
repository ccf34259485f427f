// What staff printouts say. They are working papers for the polling place and the technician,
// printed in plain ASCII English like the CSV export, with counts, ids and hashes only: no
// voter data exists at this layer to print.
import type { PrintJob } from '../../hardware/types.js';
import type { ReconciliationCounts } from '../../store/index.js';
import type { ClosingSummary, ZeroReport } from './polls.js';
import type { ReconcileReport } from './reconcile-view.js';

type Line = PrintJob['lines'][number];

const when = (ms: number) => `${new Date(ms).toISOString().slice(0, 19).replace('T', ' ')} UTC`;

function title(text: string): Line[] {
  return [
    { kind: 'text', text, bold: true, size: 2, align: 'center' },
    { kind: 'feed', lines: 1 },
  ];
}

function countLines(c: ReconciliationCounts): Line[] {
  const out: Line[] = [];
  for (const kind of ['cast', 'challenged'] as const) {
    const k = c[kind];
    out.push({ kind: 'text', text: `${kind}: ${k.total}`, bold: true });
    const states = Object.entries(k.byState)
      .filter(([, n]) => n > 0)
      .map(([s, n]) => `${s} ${n}`);
    if (states.length > 0) out.push({ kind: 'text', text: `  ${states.join(', ')}` });
    for (const [reason, n] of Object.entries(k.rejectedByReason)) {
      if (n > 0) out.push({ kind: 'text', text: `  rejected ${reason}: ${n}` });
    }
  }
  return out;
}

export function zeroReportJob(r: ZeroReport): PrintJob {
  return {
    lines: [
      ...title('ZERO REPORT'),
      { kind: 'text', text: `Kiosk: ${r.kioskId}` },
      { kind: 'text', text: `Election: ${r.electionId}` },
      { kind: 'text', text: `Opened: ${when(r.openedAt)}` },
      { kind: 'text', text: `Staff: ${r.staffId}` },
      ...countLines(r.counts),
      { kind: 'text', text: `Queue empty: ${r.queueEmpty ? 'yes' : 'NO'}` },
      { kind: 'text', text: `Audit head: #${r.auditHead.seq} ${r.auditHead.hash.slice(0, 16)}` },
      { kind: 'feed', lines: 1 },
      { kind: 'text', text: 'Signature: ____________________' },
      { kind: 'feed', lines: 2 },
    ],
    cut: true,
  };
}

export function closingSummaryJob(s: ClosingSummary): PrintJob {
  return {
    lines: [
      ...title('POLLS CLOSED'),
      { kind: 'text', text: `Kiosk: ${s.kioskId}` },
      { kind: 'text', text: `Election: ${s.electionId}` },
      { kind: 'text', text: `Closed: ${when(s.closedAt)}` },
      { kind: 'text', text: `Staff: ${s.staffId}` },
      ...countLines(s.counts),
      { kind: 'text', text: `Not yet delivered: ${s.undelivered}`, bold: s.undelivered > 0 },
      { kind: 'text', text: `Audit head: #${s.auditHead.seq} ${s.auditHead.hash.slice(0, 16)}` },
      {
        kind: 'text',
        text:
          s.chainHead === null
            ? 'Confirmation chain: empty'
            : `Confirmation chain: #${s.chainHead.kioskSeq} ${s.chainHead.code.slice(0, 16)}`,
      },
      { kind: 'feed', lines: 1 },
      { kind: 'text', text: 'Signature: ____________________' },
      { kind: 'feed', lines: 2 },
    ],
    cut: true,
  };
}

const CAUSE_TEXT: Record<string, string> = {
  queued: 'still queued on the kiosk (sync will deliver)',
  sent: 'sent, no answer yet (sync will resend)',
  receipted: 'accepted by a validator, not yet in a block',
  'rejected:duplicate-nullifier': 'refused: this voter had already voted',
};

export function reconcileJob(r: ReconcileReport, kioskId: string, nowMs: number): PrintJob {
  const lines: Line[] = [
    ...title('RECONCILIATION'),
    { kind: 'text', text: `Kiosk: ${kioskId}` },
    { kind: 'text', text: `Election: ${r.electionId} (polls ${r.polls})` },
    { kind: 'text', text: `Printed: ${when(nowMs)}` },
    {
      kind: 'text',
      text: `Verified chain height: ${r.verifiedHeight === null ? 'none' : r.verifiedHeight}`,
    },
    { kind: 'feed', lines: 1 },
    { kind: 'text', text: 'kind        kiosk  chain  final', bold: true },
  ];
  for (const l of r.lines) {
    const pad = (v: number) => String(v).padStart(6);
    lines.push({
      kind: 'text',
      text: `${l.ballotKind.padEnd(10)}${pad(l.local)} ${pad(l.onChain)} ${pad(l.final)}`,
    });
  }
  lines.push({ kind: 'feed', lines: 1 });
  if (r.differences.length === 0) lines.push({ kind: 'text', text: 'No differences.' });
  for (const d of r.differences) {
    const why = CAUSE_TEXT[d.cause] ?? d.cause.replace('rejected:', 'refused: ');
    lines.push({ kind: 'text', text: `${d.ballotKind} ${d.count}: ${why}` });
  }
  lines.push(
    { kind: 'text', text: r.balanced ? 'BALANCED' : 'NOT YET BALANCED', bold: true },
    { kind: 'feed', lines: 2 },
  );
  return { lines, cut: true };
}

export function testPageJob(kioskId: string, nowMs: number): PrintJob {
  return {
    lines: [
      ...title('PRINTER TEST'),
      { kind: 'text', text: `Kiosk: ${kioskId}` },
      { kind: 'text', text: when(nowMs) },
      { kind: 'text', text: 'ABCDEFGHIJKLMNOPQRSTUVWXYZ 0123456789' },
      { kind: 'text', text: 'Bold line', bold: true },
      { kind: 'text', text: 'Centred', align: 'center' },
      { kind: 'qr', payload: `veche:printer-test:${kioskId}` },
      { kind: 'feed', lines: 2 },
    ],
    cut: true,
  };
}
