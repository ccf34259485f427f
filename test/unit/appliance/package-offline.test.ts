// The offline application package (scripts/package-offline.ts), without building it: what
// the plan puts where, that the units' commands are in it, that production dependencies and
// nothing of the tool chain go in, and that the two launchers work from an unpacked tree
// (the host command through its /usr/bin link; the screen following the ready file).
// The real package is built and installed by the opt-in image test (image.test.ts).
import { spawn, spawnSync } from 'node:child_process';
import {
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readlinkSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import {
  APP_DIR,
  applianceFiles,
  planPackage,
  productionModules,
  stagePlan,
  type Entry,
  type PackagePlan,
} from '../../../scripts/package-offline.js';
import { readUnit, value } from './unit-file.js';

const repo = path.resolve(import.meta.dirname, '../../..');
const pkg = JSON.parse(readFileSync(path.join(repo, 'package.json'), 'utf8')) as {
  version: string;
  dependencies: Record<string, string>;
  devDependencies: Record<string, string>;
};
const tmp = mkdtempSync(path.join(tmpdir(), 'veche-package-test-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

function mustPlan(): PackagePlan {
  const plan = planPackage({
    repo,
    distDir: path.join(repo, 'dist'),
    arch: 'amd64',
    nodeBinary: process.execPath,
    nodeDocDir: '/usr/share/doc/nodejs',
  });
  if (!plan.ok) throw new Error(plan.error);
  return plan.value;
}

const byTarget = (plan: PackagePlan, to: string): Entry | undefined =>
  plan.entries.find((e) => e.to === to);
const excluded = (e: Entry | undefined, rel: string): boolean =>
  e?.kind === 'tree' && e.exclude.some((re) => re.test(rel));

describe('the offline package plan', () => {
  const plan = mustPlan();

  it('is the veche-kiosk package at the version of package.json, with its runtime dependencies', () => {
    const control = Object.fromEntries(
      plan.control
        .split('\n')
        .filter((l) => /^[A-Z][\w-]*: /.test(l))
        .map((l) => [l.slice(0, l.indexOf(':')), l.slice(l.indexOf(':') + 2)]),
    );
    expect(control['Package']).toBe('veche-kiosk');
    expect(control['Version']).toBe(pkg.version);
    expect(control['Architecture']).toBe('amd64');
    const depends = (control['Depends'] ?? '').split(', ').map((d) => d.split(' ')[0]);
    for (const d of ['libc6', 'libstdc++6', 'libudev1', 'systemd', 'chromium']) {
      expect(depends).toContain(d);
    }
    expect(control['Recommends']).toContain('cage');
    // dpkg-deb rejects a description line that is not indented, or a blank one.
    const description = plan.control
      .split('\n')
      .slice(plan.control.split('\n').findIndex((l) => l.startsWith('Description:')) + 1);
    expect(description.filter((l) => l !== '').every((l) => l.startsWith(' '))).toBe(true);
    expect([...plan.conffiles].sort()).toEqual([
      '/etc/chromium/policies/managed/veche-kiosk.json',
      '/etc/pam.d/veche-ui',
    ]);
  });

  it('has the commands the systemd units run', () => {
    const host = readUnit(path.join(repo, 'images/systemd/veche-host.service'));
    const ui = readUnit(path.join(repo, 'images/systemd/veche-ui.service'));
    const hostExe = (value(host, 'Service', 'ExecStart') ?? '').split(' ')[0] ?? '';
    const uiExe = (value(ui, 'Service', 'ExecStart') ?? '').split(' -- ')[1]?.split(' ')[0] ?? '';
    for (const exe of [hostExe, uiExe]) {
      const e = byTarget(plan, exe.slice(1));
      expect(e, exe).toMatchObject({ kind: 'file', mode: 0o755 });
    }
    expect(byTarget(plan, `${APP_DIR}/bin/veche-kiosk-screen.mjs`)).toBeDefined();
    expect(byTarget(plan, `${APP_DIR}/node/bin/node`)).toMatchObject({ kind: 'file', mode: 0o755 });
    expect(byTarget(plan, `${APP_DIR}/node/LICENSE`)).toBeDefined();
    // The command on PATH is a relative link, so it resolves inside an unpacked root too.
    const link = byTarget(plan, 'usr/bin/veche-kiosk');
    expect(link?.kind).toBe('link');
    if (link?.kind === 'link') {
      expect(path.posix.join('usr/bin', link.target)).toBe(`${APP_DIR}/bin/veche-kiosk`);
    }
  });

  it('has the compiled host and the production renderer, without source maps or the demo', () => {
    const host = byTarget(plan, `${APP_DIR}/dist/host`);
    const renderer = byTarget(plan, `${APP_DIR}/dist/renderer`);
    expect(host?.kind).toBe('tree');
    expect(renderer?.kind).toBe('tree');
    expect(host?.kind === 'tree' && host.from).toBe(path.join(repo, 'dist/host'));
    expect(excluded(host, 'cli/main.js.map')).toBe(true);
    expect(excluded(host, 'cli/main.js')).toBe(false);
    expect(excluded(renderer, 'assets/index.js.map')).toBe(true);
    expect(plan.entries.some((e) => e.to.includes('renderer-demo'))).toBe(false);
  });

  it('has every production dependency and none of the tool chain', () => {
    const modules = plan.entries
      .filter((e) => e.to.startsWith(`${APP_DIR}/node_modules/`))
      .map((e) => e.to.slice(`${APP_DIR}/`.length));
    for (const dep of Object.keys(pkg.dependencies)) {
      expect(modules, dep).toContain(`node_modules/${dep}`);
    }
    for (const tool of [
      'electron',
      'electron-builder',
      'vite',
      'vitest',
      'typescript',
      'tsx',
      'eslint',
      'playwright-core',
    ]) {
      expect(pkg.devDependencies[tool], tool).toBeDefined();
      expect(modules, tool).not.toContain(`node_modules/${tool}`);
    }
    // Each one is installed here (CI ran npm ci), unless it is an optional platform package.
    for (const e of plan.entries) {
      if (e.kind === 'tree' && e.to.includes('/node_modules/') && !e.optional) {
        expect(existsSync(e.from), e.from).toBe(true);
      }
    }
  });

  it('keeps the built native modules and drops their build intermediates', () => {
    const sqlite = byTarget(plan, `${APP_DIR}/node_modules/better-sqlite3`);
    expect(
      existsSync(path.join(repo, 'node_modules/better-sqlite3/build/Release/better_sqlite3.node')),
    ).toBe(true);
    expect(excluded(sqlite, 'build/Release/better_sqlite3.node')).toBe(false);
    expect(excluded(sqlite, 'build/Release/obj.target/better_sqlite3/src/better_sqlite3.o')).toBe(
      true,
    );
    expect(excluded(sqlite, 'lib/index.js')).toBe(false);
    // Nested node_modules are entries of their own (the lock file decides what goes in).
    expect(excluded(sqlite, 'node_modules/foo/index.js')).toBe(true);
    for (const m of ['node-hid', '@serialport/bindings-cpp']) {
      expect(byTarget(plan, `${APP_DIR}/node_modules/${m}`), m).toBeDefined();
    }
  });

  it('ships the units, rules, users, directories and PAM file the image recipe installs', () => {
    const placed = applianceFiles(
      readFileSync(path.join(repo, 'images/install-appliance.sh'), 'utf8'),
    );
    expect(placed.map((f) => f.to).sort()).toEqual([
      'etc/pam.d/veche-ui',
      'usr/lib/systemd/system/veche-host.service',
      'usr/lib/systemd/system/veche-kiosk-credential.service',
      'usr/lib/systemd/system/veche-ui.service',
      'usr/lib/sysusers.d/veche-kiosk.conf',
      'usr/lib/tmpfiles.d/veche-kiosk.conf',
      'usr/lib/udev/rules.d/70-veche-kiosk.rules',
    ]);
    for (const f of placed)
      expect(byTarget(plan, f.to), f.to).toMatchObject({ kind: 'file', mode: 0o644 });
    for (const script of Object.values(plan.scripts)) {
      expect(statSync(script).mode & 0o111, script).not.toBe(0);
    }
  });
});

describe('the Chromium policy of the offline package', () => {
  const policy = JSON.parse(
    readFileSync(path.join(repo, 'images/app/chromium-policy.json'), 'utf8'),
  ) as Record<string, unknown>;

  it('lets the screen show the host on 127.0.0.1 and nothing else', () => {
    expect(policy['URLBlocklist']).toEqual(['*']);
    expect(policy['URLAllowlist']).toEqual(['http://127.0.0.1']);
  });

  it('turns off what a voter could reach past the page', () => {
    expect(policy).toMatchObject({
      TranslateEnabled: false,
      DeveloperToolsAvailability: 2,
      DownloadRestrictions: 3,
      PrintingEnabled: false,
      DefaultWebUsbGuardSetting: 2,
      DefaultWebHidGuardSetting: 2,
      DefaultSerialGuardSetting: 2,
    });
  });
});

describe('productionModules', () => {
  const lock = (packages: Record<string, object>, lockfileVersion = 3): string =>
    JSON.stringify({ lockfileVersion, packages: { '': {}, ...packages } });

  it('takes what is not dev-only, nested ones included, and marks optional ones', () => {
    const r = productionModules(
      lock({
        'node_modules/a': {},
        'node_modules/a/node_modules/b': {},
        'node_modules/vite': { dev: true },
        'node_modules/typescript': { devOptional: true },
        'node_modules/@x/linux-arm64': { optional: true },
      }),
    );
    expect(r).toEqual({
      ok: true,
      value: [
        { path: 'node_modules/@x/linux-arm64', optional: true },
        { path: 'node_modules/a', optional: false },
        { path: 'node_modules/a/node_modules/b', optional: false },
      ],
    });
  });

  it('refuses a lock file it cannot trust to list the tree', () => {
    expect(productionModules('{').ok).toBe(false);
    expect(productionModules(lock({}, 1)).ok).toBe(false);
    expect(productionModules(JSON.stringify({ lockfileVersion: 3 })).ok).toBe(false);
  });
});

describe('stagePlan', () => {
  it('copies trees less their exclusions, skips absent optional ones, writes links and scripts', () => {
    const src = path.join(tmp, 'src');
    mkdirSync(path.join(src, 'mod/build/Release/obj.target'), { recursive: true });
    writeFileSync(path.join(src, 'mod/index.js'), 'x');
    writeFileSync(path.join(src, 'mod/build/Release/m.node'), 'x');
    writeFileSync(path.join(src, 'mod/build/Release/obj.target/m.o'), 'x');
    const script = path.join(src, 'postinst.sh');
    writeFileSync(script, '#!/bin/sh\n');
    const base = mustPlan();
    const plan: PackagePlan = {
      ...base,
      conffiles: ['/etc/x'],
      scripts: { postinst: script, prerm: script, postrm: script },
      entries: [
        {
          kind: 'tree',
          from: path.join(src, 'mod'),
          to: 'opt/a/mod',
          exclude: [/^build\/Release\/obj\.target(\/|$)/],
          optional: false,
        },
        {
          kind: 'tree',
          from: path.join(src, 'absent'),
          to: 'opt/a/absent',
          exclude: [],
          optional: true,
        },
        { kind: 'link', to: 'usr/bin/a', target: '../../opt/a/mod/index.js' },
        { kind: 'text', to: 'etc/x', content: 'hello\n', mode: 0o644 },
      ],
    };
    const stage = path.join(tmp, 'stage');
    expect(stagePlan(plan, stage)).toEqual({ ok: true, value: { paths: 6 } });
    expect(existsSync(path.join(stage, 'opt/a/mod/build/Release/m.node'))).toBe(true);
    expect(existsSync(path.join(stage, 'opt/a/mod/build/Release/obj.target'))).toBe(false);
    expect(existsSync(path.join(stage, 'opt/a/absent'))).toBe(false);
    expect(readlinkSync(path.join(stage, 'usr/bin/a'))).toBe('../../opt/a/mod/index.js');
    expect(readFileSync(path.join(stage, 'usr/bin/a'), 'utf8')).toBe('x');
    expect(statSync(path.join(stage, 'DEBIAN/prerm')).mode & 0o777).toBe(0o755);
    expect(readFileSync(path.join(stage, 'DEBIAN/conffiles'), 'utf8')).toBe('/etc/x\n');

    const missing = stagePlan(
      {
        ...plan,
        entries: [
          {
            kind: 'tree',
            from: path.join(src, 'absent'),
            to: 'opt/b',
            exclude: [],
            optional: false,
          },
        ],
      },
      path.join(tmp, 'stage2'),
    );
    expect(missing.ok).toBe(false);
  });
});

describe('the launchers, from an unpacked tree', () => {
  it('veche-kiosk runs the host entry on the package’s node, also through the /usr/bin link', () => {
    const root = path.join(tmp, 'root1');
    const app = path.join(root, APP_DIR);
    mkdirSync(path.join(app, 'bin'), { recursive: true });
    mkdirSync(path.join(app, 'node/bin'), { recursive: true });
    mkdirSync(path.join(app, 'dist/host/cli'), { recursive: true });
    mkdirSync(path.join(root, 'usr/bin'), { recursive: true });
    cpSync(path.join(repo, 'images/app/veche-kiosk.sh'), path.join(app, 'bin/veche-kiosk'));
    symlinkSync(process.execPath, path.join(app, 'node/bin/node'));
    writeFileSync(path.join(app, 'package.json'), '{"type":"module"}');
    writeFileSync(
      path.join(app, 'dist/host/cli/main.js'),
      'console.log(JSON.stringify({ entry: import.meta.url, args: process.argv.slice(2) }));\n',
    );
    symlinkSync(`../../${APP_DIR}/bin/veche-kiosk`, path.join(root, 'usr/bin/veche-kiosk'));
    const r = spawnSync(
      'sh',
      [path.join(root, 'usr/bin/veche-kiosk'), 'serve', '--state-dir', '/var/lib/x y'],
      {
        encoding: 'utf8',
      },
    );
    expect(r.stderr).toBe('');
    expect(JSON.parse(r.stdout)).toEqual({
      entry: `file://${path.join(app, 'dist/host/cli/main.js')}`,
      args: ['serve', '--state-dir', '/var/lib/x y'],
    });
  });

  it('veche-kiosk-screen shows the host in Chromium, follows a new boot token, refuses a bad file', async () => {
    // The screen imports the compiled host (../dist/host/...); here that is the source tree,
    // which tsx compiles on the fly.
    const app = path.join(tmp, 'root2', APP_DIR);
    mkdirSync(path.join(app, 'bin'), { recursive: true });
    mkdirSync(path.join(app, 'dist'), { recursive: true });
    cpSync(
      path.join(repo, 'images/app/veche-kiosk-screen.mjs'),
      path.join(app, 'bin/veche-kiosk-screen.mjs'),
    );
    symlinkSync(path.join(repo, 'src'), path.join(app, 'dist/host'));
    const calls = path.join(tmp, 'chromium-calls.txt');
    const fake = path.join(tmp, 'chromium');
    writeFileSync(
      fake,
      `#!/bin/sh\necho "start $*" >> '${calls}'\ntrap 'echo stop >> "${calls}"; exit 0' TERM\nwhile :; do sleep 0.05; done\n`,
      { mode: 0o755 },
    );
    const readyFile = path.join(tmp, 'ready.json');
    const ready = (port: number, token: string): void =>
      writeFileSync(
        readyFile,
        JSON.stringify({ type: 'veche-host-ready', origin: `http://127.0.0.1:${port}`, token }),
      );
    const token1 = 'tokenAAAAAAAAAAAAAAAAAAAA';
    const token2 = 'tokenBBBBBBBBBBBBBBBBBBBB';
    ready(41001, token1);
    const child = spawn(
      process.execPath,
      [
        '--import',
        'tsx',
        path.join(app, 'bin/veche-kiosk-screen.mjs'),
        `--host-ready-file=${readyFile}`,
        '--poll-ms=50',
      ],
      {
        cwd: repo,
        env: {
          ...process.env,
          VECHE_CHROMIUM: fake,
          WAYLAND_DISPLAY: 'wayland-1',
          RUNTIME_DIRECTORY: tmp,
        },
        stdio: ['ignore', 'ignore', 'pipe'],
      },
    );
    let log = '';
    child.stderr.on('data', (d: Buffer) => (log += d.toString()));
    const lines = (): string[] =>
      existsSync(calls) ? readFileSync(calls, 'utf8').trim().split('\n') : [];
    const until = async (what: string, cond: () => boolean): Promise<void> => {
      const deadline = Date.now() + 15_000;
      while (!cond()) {
        if (Date.now() > deadline)
          throw new Error(
            `timed out waiting for ${what}; calls: ${lines().join(' | ')}; log: ${log}`,
          );
        await new Promise((r) => setTimeout(r, 50));
      }
    };
    try {
      await until('the first launch', () => lines().length >= 1);
      const first = lines()[0] ?? '';
      expect(first).toContain(`--app=http://127.0.0.1:41001/#token=${token1}`);
      expect(first).toContain('--kiosk');
      expect(first).toContain('--ozone-platform=wayland');
      expect(first).toContain(`--user-data-dir=${tmp}/chromium-`);

      ready(41002, token2);
      await until('the relaunch', () => lines().length >= 3);
      expect(lines()[1]).toBe('stop');
      expect(lines()[2]).toContain(`--app=http://127.0.0.1:41002/#token=${token2}`);

      writeFileSync(
        readyFile,
        JSON.stringify({
          type: 'veche-host-ready',
          origin: 'http://evil.example:80',
          token: token1,
        }),
      );
      await until('the refusal', () => log.includes('shell.host.invalid'));
      expect(lines()).toHaveLength(3);

      const exited = new Promise<number | null>((r) => child.once('exit', r));
      child.kill('SIGTERM');
      expect(await exited).toBe(0);
      await until('the browser to stop', () => lines().length >= 4);
      expect(lines()[3]).toBe('stop');
      // The origin is logged, the boot token never.
      expect(log).toContain('http://127.0.0.1:41002');
      expect(log).not.toContain(token1);
      expect(log).not.toContain(token2);
    } finally {
      child.kill('SIGKILL');
    }
  }, 30_000);
});
