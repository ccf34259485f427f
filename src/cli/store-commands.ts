// Technician commands over the kiosk's store, for a shell on the appliance:
//   veche-kiosk queue status | audit verify | reconcile [--election E]
// The store allows one writer: while the host runs, these say so plainly instead of
// touching the database (staff use the reconciliation screen then).
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { systemClock } from '../shared/clock.js';
import { silentLogger } from '../shared/log.js';
import { assertNever } from '../shared/result.js';
import { openStore, type Store, type StoreOpenError } from '../store/index.js';

const DEFAULT_STATE_DIR = '/var/lib/veche-kiosk';

function openError(e: StoreOpenError, path: string): string {
  switch (e.kind) {
    case 'locked':
      return `the kiosk host is using ${path}; stop it first (systemctl stop veche-host) or use the staff screen`;
    case 'not-a-database':
      return `${path} is not a kiosk database`;
    case 'schema-too-new':
      return `${path} was written by a newer version of the kiosk; update this tool`;
    case 'invalid-kiosk-id':
      return 'the kiosk id is not valid (letters, digits, - and _ only)';
    case 'disk-full':
      return 'the disk is full; free space before reading the database';
    case 'io':
      return `cannot open ${path}: I/O error ${e.code}`;
    default:
      return assertNever(e, 'store open error');
  }
}

function withStore(
  argv: string[],
  run: (store: Store, json: boolean, rest: Record<string, unknown>) => number,
): number {
  const { values } = parseArgs({
    args: argv,
    options: {
      'state-dir': { type: 'string', default: DEFAULT_STATE_DIR },
      db: { type: 'string' },
      'kiosk-id': { type: 'string' },
      election: { type: 'string' },
      json: { type: 'boolean', default: false },
    },
    strict: true,
  });
  const path = values.db ?? join(values['state-dir'], 'kiosk.sqlite');
  const kioskId = values['kiosk-id'];
  if (kioskId === undefined) {
    console.error('give --kiosk-id (shown on the staff screen and in the provisioning record)');
    return 2;
  }
  const opened = openStore({ path, kioskId, clock: systemClock(), logger: silentLogger });
  if (!opened.ok) {
    console.error(openError(opened.error, path));
    return 1;
  }
  try {
    return run(opened.value, values.json, values);
  } finally {
    opened.value.close();
  }
}

export function runQueueStatus(argv: string[]): number {
  return withStore(argv, (store, json) => {
    const rows = store.reconciliation.elections().map((electionId) => {
      const c = store.reconciliation.counts(electionId);
      return { electionId, cast: c.cast.byState, challenged: c.challenged.total };
    });
    if (json) {
      console.log(JSON.stringify({ elections: rows }));
      return 0;
    }
    if (rows.length === 0) console.log('The queue is empty: no ballots on this kiosk.');
    for (const r of rows) {
      const states = Object.entries(r.cast)
        .map(([s, n]) => `${s} ${n}`)
        .join(', ');
      console.log(`${r.electionId}: ${states}; challenged ${r.challenged}`);
    }
    return 0;
  });
}

export function runAuditVerify(argv: string[]): number {
  return withStore(argv, (store, json) => {
    const audit = store.audit.verify();
    const chain = store.chain.verify();
    if (json) {
      console.log(
        JSON.stringify({ audit, chain: chain.ok ? { ok: true, links: chain.links } : chain }),
      );
    } else {
      console.log(
        audit.ok
          ? `audit log: intact, ${audit.entries} entries`
          : `audit log: TAMPERED at entry ${audit.firstBadSeq} (${audit.fault})`,
      );
      console.log(
        chain.ok
          ? `confirmation chain: intact, ${chain.links} ballots`
          : `confirmation chain: BROKEN at ballot ${chain.firstBadSeq} (${chain.fault})`,
      );
    }
    return audit.ok && chain.ok ? 0 : 1;
  });
}

export function runReconcile(argv: string[]): number {
  return withStore(argv, (store, json, rest) => {
    const only = typeof rest['election'] === 'string' ? rest['election'] : undefined;
    const ids = only !== undefined ? [only] : store.reconciliation.elections();
    const out = ids.map((id) => store.reconciliation.counts(id));
    if (json) {
      console.log(JSON.stringify({ elections: out }));
      return 0;
    }
    for (const e of out) {
      console.log(`${e.electionId}`);
      console.log(
        `  cast ${e.cast.total}: ${Object.entries(e.cast.byState)
          .map(([s, n]) => `${s} ${n}`)
          .join(', ')}`,
      );
      const reasons = Object.entries(e.cast.rejectedByReason).filter(([, n]) => n > 0);
      if (reasons.length > 0)
        console.log(`  rejected by reason: ${reasons.map(([r, n]) => `${r} ${n}`).join(', ')}`);
      console.log(`  challenged ${e.challenged.total}`);
    }
    return 0;
  });
}
