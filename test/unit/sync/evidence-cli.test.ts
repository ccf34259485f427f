// `veche-kiosk sync evidence` against a stopped host's database: it lists, refuses to resolve
// what was not exported (exit 1), resolves under the console staff id once it was, refuses a
// second time, and says so plainly while the host holds the database.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { runSyncEvidence } from '../../../src/cli/evidence-command.js';
import { CONSOLE_STAFF_ID } from '../../../src/main/staff/kiosk-staff.js';
import { ManualClock } from '../../../src/shared/clock.js';
import { EVENTS } from '../../../src/shared/events.js';
import { openStore, type Store } from '../../../src/store/index.js';

let dir: string;
let db: string;
const KIOSK = 'k-cli';

function open(): Store {
  const s = openStore({ path: db, kioskId: KIOSK, clock: new ManualClock(Date.UTC(2027, 0, 1)) });
  if (!s.ok) throw new Error(s.error.kind);
  return s.value;
}

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'veche-evidence-cli-'));
  db = join(dir, 'kiosk.sqlite');
  const store = open();
  const r = store.evidence.record({
    chainId: 'veche-test',
    height: 4,
    commonHeight: 1,
    primaryPeer: 'peer-a',
    witnessPeer: 'peer-b',
    // Not a decodable evidence body: listing and resolving do not need one.
    body: new Uint8Array([1, 2, 3]),
  });
  if (!r.ok) throw new Error(r.error.kind);
  store.close();
});
afterEach(() => {
  vi.restoreAllMocks();
  rmSync(dir, { recursive: true, force: true });
});

async function run(args: string[]): Promise<{ code: number; out: string; errOut: string }> {
  const out: string[] = [];
  const errOut: string[] = [];
  vi.spyOn(console, 'log').mockImplementation((m: unknown) => void out.push(String(m)));
  vi.spyOn(console, 'error').mockImplementation((m: unknown) => void errOut.push(String(m)));
  const code = await runSyncEvidence([...args, '--db', db, '--kiosk-id', KIOSK]);
  vi.restoreAllMocks();
  return { code, out: out.join('\n'), errOut: errOut.join('\n') };
}

describe('veche-kiosk sync evidence', () => {
  it('lists, resolves only after an export, under the console staff id, once', async () => {
    const listed = await run(['--json']);
    expect(listed.code).toBe(0);
    const ev = (JSON.parse(listed.out) as { evidence: { id: number; exported: boolean }[] })
      .evidence;
    expect(ev).toEqual([expect.objectContaining({ id: 1, exported: false, primary: null })]);
    expect((await run([])).out).toContain('OPEN (not exported)');

    const refused = await run(['resolve', '1']);
    expect(refused.code).toBe(1);
    expect(refused.errOut).toContain('must be exported');

    // The export is what the audit log says happened (here written directly, as the host would).
    const store = open();
    store.audit.append(EVENTS.evidenceExported, {
      staffId: CONSOLE_STAFF_ID,
      evidenceId: 1,
      height: 4,
    });
    store.close();
    const done = await run(['resolve', '1']);
    expect(done.code).toBe(0);
    expect(done.out).toContain('trust did not move');
    expect((await run(['resolve', '1'])).code).toBe(1);

    const after = open();
    expect(after.evidence.get(1)?.resolvedMs).not.toBeNull();
    const audited = after.audit.entries(0, 100).filter((e) => e.event === EVENTS.evidenceResolved);
    expect(audited.map((e) => e.detail)).toEqual([
      { staffId: CONSOLE_STAFF_ID, evidenceId: 1, height: 4 },
    ]);
    after.close();
  });

  it('refuses usage errors and a database the host holds', async () => {
    expect((await run(['resolve'])).code).toBe(2);
    expect((await run(['export', '1'])).code).toBe(2);
    expect((await run(['frobnicate'])).code).toBe(2);
    const held = open();
    try {
      const r = await run([]);
      expect(r.code).toBe(1);
      expect(r.errOut).toContain('host is using');
    } finally {
      held.close();
    }
  });
});
