// Runs scripts/check-appliance.sh (shellcheck, systemd-analyze verify, udev rule parsing,
// sysusers/tmpfiles, fstab, electron-builder schema) on the real files, and on a broken
// copy to prove each check can fail. A check whose tool is missing is skipped with the
// script's reason, unless VECHE_REQUIRE_TOOLS=1; CI installs the tools (docs/appliance.md).
import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const repo = path.resolve(import.meta.dirname, '../../..');
const script = path.join(repo, 'scripts/check-appliance.sh');
// CI sets VECHE_REQUIRE_TOOLS=1 so that a missing tool fails instead of skipping.
const requireTools = process.env['VECHE_REQUIRE_TOOLS'] === '1';
const CHECKS = ['shellcheck', 'units', 'udev', 'users', 'fstab', 'builder'] as const;

type Status = { status: 'ok' | 'FAIL' | 'skip'; detail: string };

function run(args: string[]): {
  code: number | null;
  results: Map<string, Status>;
  output: string;
} {
  const r = spawnSync('sh', [script, ...args], {
    cwd: repo,
    encoding: 'utf8',
    env: { ...process.env, VECHE_REQUIRE_TOOLS: '0' },
    timeout: 50_000,
  });
  const output = `${r.stdout}${r.stderr}`;
  const results = new Map<string, Status>();
  let last: Status | undefined;
  for (const line of r.stdout.split('\n')) {
    const m = /^(ok|FAIL|skip) ([a-z]+)(?:: (.*))?$/.exec(line);
    if (m?.[1] !== undefined && m[2] !== undefined) {
      last = { status: m[1] as Status['status'], detail: m[3] ?? '' };
      results.set(m[2], last);
    } else if (last !== undefined) {
      last.detail += `\n${line}`;
    }
  }
  return { code: r.status, results, output };
}

describe('scripts/check-appliance.sh on the appliance files', () => {
  let outcome: ReturnType<typeof run>;
  beforeAll(() => {
    outcome = run([]);
  });

  for (const check of CHECKS) {
    it(`passes ${check}`, (ctx) => {
      const r = outcome.results.get(check);
      expect(r, outcome.output).toBeDefined();
      if (r?.status === 'skip' && !requireTools) ctx.skip(r.detail);
      expect(r?.status, r?.detail).toBe('ok');
    });
  }

  it('exits 0 when nothing failed', () => {
    const failed = [...outcome.results.values()].some((r) => r.status === 'FAIL');
    expect(outcome.code).toBe(failed ? 1 : 0);
  });
});

describe('scripts/check-appliance.sh on broken files', () => {
  let dir: string;
  let outcome: ReturnType<typeof run>;
  const edit = (file: string, from: string | RegExp, to: string): void => {
    const p = path.join(dir, 'images', file);
    const before = readFileSync(p, 'utf8');
    const after = before.replace(from, to);
    if (after === before) throw new Error(`edit of ${file} changed nothing`);
    writeFileSync(p, after);
  };

  beforeAll(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'veche-broken-'));
    cpSync(path.join(repo, 'images'), path.join(dir, 'images'), { recursive: true });
    edit('systemd/veche-host.service', 'ProtectSystem=strict', 'ProtectSystem=strictly');
    edit('udev/70-veche-kiosk.rules', 'ATTRS{idVendor}=="04b8"', 'ATRS{idVendor}=="04b8"');
    edit('tmpfiles.d/veche-kiosk.conf', 'd /run/veche-kiosk 2750', 'd /run/veche-kiosk 2755');
    edit('rootfs/etc/fstab', / ro,noatime,errors=remount-ro/, ' rw,noatime,errors=remount-ro');
    edit('manifest.sh', 'root="$1"', 'root=$1\necho $root');
    writeFileSync(path.join(dir, 'electron-builder.yml'), 'appId: x\nlinux:\n  targett: deb\n');
    outcome = run([
      '--images',
      path.join(dir, 'images'),
      '--builder-config',
      path.join(dir, 'electron-builder.yml'),
    ]);
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  const expectations: Record<(typeof CHECKS)[number], RegExp> = {
    shellcheck: /SC2086/,
    units: /strictly/,
    udev: /ATRS/,
    users: /\/run\/veche-kiosk: want 2750/,
    fstab: /not mounted read-only/,
    builder: /targett/,
  };
  for (const check of CHECKS) {
    it(`fails ${check}`, (ctx) => {
      const r = outcome.results.get(check);
      expect(r, outcome.output).toBeDefined();
      if (r?.status === 'skip' && !requireTools) ctx.skip(r.detail);
      expect(r?.status).toBe('FAIL');
      expect(r?.detail).toMatch(expectations[check]);
    });
  }

  it('exits 1', () => {
    expect(outcome.code).toBe(1);
  });
});
