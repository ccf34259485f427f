// Light-client evidence from a shell on the appliance, with the host stopped (the store has
// one writer; while the host runs, the technician uses the diagnostics screen):
//   veche-kiosk sync evidence [--json]                       list, newest first
//   veche-kiosk sync evidence export <id> --out DIR          the signed file for the authority
//   veche-kiosk sync evidence resolve <id>                   after an export (docs/sync.md)
// Actions are recorded under the console staff id, as provisioning from the shell is: a shell
// on the appliance is already root (docs/staff.md).
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { writeFileAtomic } from '../main/keys/index.js';
import { CONSOLE_STAFF_ID } from '../main/staff/kiosk-staff.js';
import { systemClock } from '../shared/clock.js';
import { silentLogger } from '../shared/log.js';
import { err, ok } from '../shared/result.js';
import { openStore, type Store } from '../store/index.js';
import {
  describeEvidenceError,
  exportEvidence,
  listEvidence,
  resolveEvidence,
  type EvidenceActor,
  type EvidenceView,
} from '../sync/evidence.js';
import { unsealKioskKey } from './staff-commands.js';

const DEFAULT_STATE_DIR = '/var/lib/veche-kiosk';
const CONSOLE: EvidenceActor = { staffId: CONSOLE_STAFF_ID, role: 'technician' };

const USAGE = `usage: veche-kiosk sync evidence [list] --kiosk-id K [--state-dir D | --db F] [--json]
       veche-kiosk sync evidence export <id> --kiosk-id K --out DIR [--state-dir D | --db F]
       veche-kiosk sync evidence resolve <id> --kiosk-id K [--state-dir D | --db F] [--json]`;

function line(v: EvidenceView): string {
  const when = new Date(v.detectedMs).toISOString();
  const state =
    v.resolvedMs !== null
      ? `resolved ${new Date(v.resolvedMs).toISOString()}`
      : v.exported
        ? 'OPEN (exported)'
        : 'OPEN (not exported)';
  return (
    `#${v.id} height ${v.height} (trusted ${v.commonHeight}) ${state}; seen ${when}\n` +
    `  primary ${v.primaryPeer}: ${v.primary?.headerHash ?? '(body does not decode)'}\n` +
    `  witness ${v.witnessPeer}: ${v.witness?.headerHash ?? '(body does not decode)'}`
  );
}

function openFor(values: {
  'state-dir': string;
  db?: string | undefined;
  'kiosk-id'?: string | undefined;
}): { store: Store } | { code: number } {
  const kioskId = values['kiosk-id'];
  if (kioskId === undefined) {
    console.error('give --kiosk-id (shown on the staff screen and in the provisioning record)');
    return { code: 2 };
  }
  const path = values.db ?? join(values['state-dir'], 'kiosk.sqlite');
  const opened = openStore({ path, kioskId, clock: systemClock(), logger: silentLogger });
  if (!opened.ok) {
    console.error(
      opened.error.kind === 'locked'
        ? `the kiosk host is using ${path}; use the diagnostics screen, or stop the host first`
        : `cannot open ${path}: ${opened.error.kind}`,
    );
    return { code: 1 };
  }
  return { store: opened.value };
}

const parseId = (s: string | undefined): number | null =>
  s !== undefined && /^[1-9][0-9]{0,14}$/.test(s) ? Number(s) : null;

export async function runSyncEvidence(argv: string[]): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        'state-dir': { type: 'string', default: DEFAULT_STATE_DIR },
        db: { type: 'string' },
        'kiosk-id': { type: 'string' },
        out: { type: 'string' },
        json: { type: 'boolean', default: false },
      },
      strict: true,
    });
  } catch (e) {
    console.error(`${e instanceof Error ? e.message : String(e)}\n${USAGE}`);
    return 2;
  }
  const { values, positionals } = parsed;
  const [action = 'list', idText, ...extra] = positionals;
  if (extra.length > 0 || !['list', 'export', 'resolve'].includes(action)) {
    console.error(USAGE);
    return 2;
  }
  const id = parseId(idText);
  if (action !== 'list' && id === null) {
    console.error(`give the evidence id (a positive number)\n${USAGE}`);
    return 2;
  }
  if (action === 'export' && values.out === undefined) {
    console.error('give --out DIR (the removable drive)');
    return 2;
  }
  const o = openFor(values);
  if ('code' in o) return o.code;
  const store = o.store;
  try {
    if (action === 'list') {
      const all = listEvidence(store, null);
      if (values.json) console.log(JSON.stringify({ evidence: all }));
      else if (all.length === 0) console.log('No light-client evidence on this kiosk.');
      else for (const v of all) console.log(line(v));
      return 0;
    }
    const row = store.evidence.get(id as number);
    if (row === undefined) {
      console.error(`no evidence ${id}`);
      return 1;
    }
    if (action === 'resolve') {
      const r = resolveEvidence(store, { chainId: row.chainId, id: row.id, actor: CONSOLE });
      if (!r.ok) {
        console.error(describeEvidenceError(r.error));
        return 1;
      }
      const open = store.evidence.open(row.chainId);
      if (values.json)
        console.log(JSON.stringify({ resolved: r.value, stillOpen: open?.id ?? null }));
      else {
        console.log(`evidence ${row.id} resolved; trust did not move.`);
        console.log(
          open === undefined
            ? 'No open evidence remains: the light node cross-checks again at its next start.'
            : `Evidence ${open.id} is still open: the light node stays alarmed.`,
        );
      }
      return 0;
    }
    return await exportWith(
      store,
      values['state-dir'],
      values['kiosk-id'] as string,
      row.id,
      row.chainId,
      values.out as string,
    );
  } finally {
    store.close();
  }
}

async function exportWith(
  store: Store,
  stateDir: string,
  kioskId: string,
  id: number,
  chainId: string,
  out: string,
): Promise<number> {
  const keys = await unsealKioskKey(stateDir);
  if (!keys.ok) {
    console.error(keys.error);
    return 1;
  }
  mkdirSync(out, { recursive: true });
  const stamp = new Date().toISOString().replace(/[:.]/g, '-');
  const r = await exportEvidence(store, {
    chainId,
    kioskId,
    id,
    actor: CONSOLE,
    signer: keys.value.signer,
    now: Date.now(),
    deliver: async (text) => {
      const name = `evidence-${kioskId}-${id}-${stamp}.json`;
      const w = await writeFileAtomic(join(out, name), Buffer.from(text, 'utf8'));
      return w.ok ? ok(join(out, name)) : err(`writing ${name}: ${w.error.code}`);
    },
  });
  if (!r.ok) {
    console.error(describeEvidenceError(r.error));
    return 1;
  }
  console.log(`signed evidence written: ${r.value.file}`);
  return 0;
}
