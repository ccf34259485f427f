// What the appliance files must say for the trust boundary of DESIGN §2 to hold: two
// users, a watched and hardened host, a screen that can reach only the host, devices that
// only the host may open, a read-only root. The tools' own checks (syntax, loading) are in
// check-appliance.test.ts; these read the files' meaning.
import { spawnSync } from 'node:child_process';
import {
  chownSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import yaml from 'js-yaml';
import { describe, expect, it } from 'vitest';
import { authoritySigner } from '../../../src/devnet/keys.js';
import { DEFAULT_SEED } from '../../../src/devnet/genesis.js';
import { HostConfigSchema } from '../../../src/main/compose/config.js';
import { DEFAULT_EXPORT_DIR } from '../../../src/main/compose/export-dir.js';
import { PASSPHRASE_CREDENTIAL } from '../../../src/main/compose/trust.js';
import { readUnit, value, values } from './unit-file.js';

const repo = path.resolve(import.meta.dirname, '../../..');
const images = path.join(repo, 'images');
const host = readUnit(path.join(images, 'systemd/veche-host.service'));
const ui = readUnit(path.join(images, 'systemd/veche-ui.service'));

function flag(args: string, name: string): string | undefined {
  const m = new RegExp(`${name}[= ](\\S+)`).exec(args);
  return m?.[1];
}

describe('veche-host.service', () => {
  it('is a notify service with a watchdog and a restart policy', () => {
    expect(value(host, 'Service', 'Type')).toBe('notify');
    expect(value(host, 'Service', 'NotifyAccess')).toBe('all');
    expect(Number(value(host, 'Service', 'WatchdogSec'))).toBeGreaterThan(0);
    expect(value(host, 'Service', 'Restart')).toBe('always');
    expect(value(host, 'Unit', 'StartLimitBurst')).toBeDefined();
  });

  it('starts without waiting for a network and keeps the boot token out of the journal', () => {
    // The kiosk queues ballots offline; network-online.target would hold the host back for
    // systemd-networkd-wait-online's two minutes on a kiosk booted without a cable.
    for (const key of ['Wants', 'After', 'Requires']) {
      expect(values(host, 'Unit', key).join(' '), key).not.toContain('network-online');
    }
    // stdout carries the ready message with the token; the host's logs go to stderr.
    expect(value(host, 'Service', 'StandardOutput')).toBe('null');
    expect(value(host, 'Service', 'StandardError')).toBe('journal');
  });

  it('runs the host entry as veche-host with the device group', () => {
    const exec = value(host, 'Service', 'ExecStart') ?? '';
    // The host command of either application package (see the electron-builder tests below
    // and package-offline.test.ts).
    expect(exec).toMatch(/^\/opt\/veche-kiosk\/bin\/veche-kiosk serve /);
    expect(value(host, 'Service', 'User')).toBe('veche-host');
    expect(value(host, 'Service', 'SupplementaryGroups')).toBe('veche-devices');
  });

  it('is hardened, with writable state only where the kiosk keeps it', () => {
    const expected: Record<string, string> = {
      ProtectSystem: 'strict',
      ProtectHome: 'yes',
      PrivateTmp: 'yes',
      NoNewPrivileges: 'yes',
      RestrictSUIDSGID: 'yes',
      DevicePolicy: 'closed',
      CapabilityBoundingSet: '',
      UMask: '0077',
    };
    for (const [k, v] of Object.entries(expected)) expect(value(host, 'Service', k), k).toBe(v);
    // '-': the export drive's mount point may be absent (a plain Debian machine).
    expect(values(host, 'Service', 'ReadWritePaths').join(' ').split(' ').sort()).toEqual([
      `-${DEFAULT_EXPORT_DIR}`,
      '/run/veche-kiosk',
      '/var/lib/veche-kiosk',
    ]);
    expect(flag(value(host, 'Service', 'ExecStart') ?? '', '--state-dir')).toBe(
      '/var/lib/veche-kiosk',
    );
  });
});

describe('the kiosk key passphrase credential', () => {
  const cred = readUnit(path.join(images, 'systemd/veche-kiosk-credential.service'));

  it('reaches the host under the name the host reads, after the unit that makes it', () => {
    expect(values(host, 'Service', 'LoadCredentialEncrypted')).toEqual([PASSPHRASE_CREDENTIAL]);
    expect(value(host, 'Unit', 'Wants')).toContain('veche-kiosk-credential.service');
    expect(value(host, 'Unit', 'After')).toContain('veche-kiosk-credential.service');
    expect(value(cred, 'Service', 'Environment')).toContain(`NAME=${PASSPHRASE_CREDENTIAL}`);
    expect(value(cred, 'Service', 'Type')).toBe('oneshot');
    expect(value(cred, 'Service', 'User')).toBeUndefined();
  });

  // The unit's script, run outside systemd: `$$`/`%%` unescaped, its paths in a temp dir.
  const script = (value(cred, 'Service', 'ExecStart') ?? '')
    .replace(/^\/bin\/sh -euc '/, '')
    .replace(/'$/, '')
    .replaceAll('$$', '$')
    .replaceAll('%%', '%');
  const run = (dir: string) =>
    spawnSync('sh', ['-euc', script], {
      encoding: 'utf8',
      env: {
        PATH: process.env['PATH'] ?? '/usr/bin:/bin',
        STORE: path.join(dir, 'state/.credstore'),
        RUN: path.join(dir, 'run'),
        TPM: path.join(dir, 'no-tpm'),
        NAME: PASSPHRASE_CREDENTIAL,
      },
    });

  it('makes one random passphrase for the machine and puts it in /run/credstore, owner-only', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'veche-cred-'));
    try {
      mkdirSync(path.join(dir, 'state'));
      const first = run(dir);
      expect(first.status, first.stderr).toBe(0);
      const runFile = path.join(dir, 'run/credstore', PASSPHRASE_CREDENTIAL);
      const passphrase = readFileSync(runFile, 'utf8');
      expect(passphrase).toMatch(/^[A-Za-z0-9+/]{43}=\n$/);
      expect(statSync(runFile).mode & 0o777).toBe(0o400);
      expect(statSync(path.join(dir, 'run/credstore')).mode & 0o777).toBe(0o700);
      expect(statSync(path.join(dir, 'state/.credstore')).mode & 0o777).toBe(0o700);
      // The next boot: /run is empty again, the passphrase is the same one.
      rmSync(path.join(dir, 'run'), { recursive: true, force: true });
      expect(run(dir).status).toBe(0);
      expect(readFileSync(runFile, 'utf8')).toBe(passphrase);
      // Another machine gets another passphrase.
      const other = mkdtempSync(path.join(tmpdir(), 'veche-cred-'));
      mkdirSync(path.join(other, 'state'));
      expect(run(other).status).toBe(0);
      expect(
        readFileSync(path.join(other, 'run/credstore', PASSPHRASE_CREDENTIAL), 'utf8'),
      ).not.toBe(passphrase);
      rmSync(other, { recursive: true, force: true });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it.skipIf(process.getuid?.() !== 0)('refuses a store directory someone else made', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'veche-cred-'));
    try {
      mkdirSync(path.join(dir, 'state/.credstore'), { recursive: true });
      chownSync(path.join(dir, 'state/.credstore'), 1, 1);
      const r = run(dir);
      expect(r.status).not.toBe(0);
      expect(r.stderr).toContain('is not ours');
      expect(existsSync(path.join(dir, 'run/credstore'))).toBe(false);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('the pinned host configuration', () => {
  const hostConfig = (keysFile: string) =>
    spawnSync('sh', [path.join(images, 'host-config.sh'), keysFile], { encoding: 'utf8' });

  it('the test image pins the devnet authority, in the format serve reads', () => {
    const r = hostConfig(path.join(images, 'authority/devnet.keys'));
    expect(r.status, r.stderr).toBe(0);
    const config = HostConfigSchema.parse(JSON.parse(r.stdout));
    const devnet = Buffer.from(authoritySigner(DEFAULT_SEED).publicKey).toString('hex');
    expect(config).toEqual({
      format: 'veche/host-config/v1',
      authorityKeys: [devnet],
      sealer: 'passphrase',
    });
  });

  it('refuses a keys file without keys or with anything but public keys', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'veche-keys-'));
    try {
      const cases: Array<[string, RegExp]> = [
        ['# only a comment\n', /holds no authority key/],
        [`${'ab'.repeat(32)}\nnot-a-key\n`, /64 lower-case hex digits/],
        [`${'AB'.repeat(32)}\n`, /64 lower-case hex digits/],
        [`${Array.from({ length: 9 }, (_, i) => String(i).repeat(64)).join('\n')}\n`, /at most 8/],
      ];
      for (const [text, why] of cases) {
        const f = path.join(dir, 'keys');
        writeFileSync(f, text);
        const r = hostConfig(f);
        expect(r.status, text).toBe(2);
        expect(r.stderr).toMatch(why);
        expect(r.stdout).toBe('');
      }
      expect(hostConfig(path.join(dir, 'missing')).status).toBe(2);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('the image recipe refuses to build without authority keys, before anything slow', () => {
    const out = mkdtempSync(path.join(tmpdir(), 'veche-build-'));
    try {
      const r = spawnSync('sh', [path.join(images, 'build.sh'), out, '--no-app'], {
        encoding: 'utf8',
      });
      expect(r.status).toBe(2);
      expect(r.stderr).toMatch(/give --authority-keys FILE/);
      expect(readdirSync(out)).toEqual([]);
    } finally {
      rmSync(out, { recursive: true, force: true });
    }
  });
});

describe('veche-ui.service', () => {
  it('runs the kiosk screen under cage as veche-ui on tty1', () => {
    const exec = value(ui, 'Service', 'ExecStart') ?? '';
    expect(exec).toMatch(/^\/usr\/bin\/cage (-d )?-- \/opt\/veche-kiosk\/bin\/veche-kiosk-screen /);
    // No VT switching for the voter.
    expect(exec).not.toMatch(/cage[^-]*-s/);
    expect(value(ui, 'Service', 'User')).toBe('veche-ui');
    expect(value(ui, 'Service', 'TTYPath')).toBe('/dev/tty1');
    expect(value(ui, 'Service', 'PAMName')).toBe('veche-ui');
    expect(existsSync(path.join(images, 'pam.d/veche-ui'))).toBe(true);
  });

  it('reads the ready file the host writes', () => {
    const uiFile = flag(value(ui, 'Service', 'ExecStart') ?? '', '--host-ready-file');
    const hostFile = flag(value(host, 'Service', 'ExecStart') ?? '', '--ready-file');
    expect(uiFile).toBe('/run/veche-kiosk/ready.json');
    expect(uiFile).toBe(hostFile);
  });

  it('can reach nothing but the loopback address and never gets the device group', () => {
    expect(value(ui, 'Service', 'IPAddressDeny')).toBe('any');
    expect(value(ui, 'Service', 'IPAddressAllow')).toBe('localhost');
    expect(value(ui, 'Service', 'SupplementaryGroups')).toBeUndefined();
    expect(value(ui, 'Service', 'NoNewPrivileges')).toBe('yes');
  });
});

describe('users and directories', () => {
  const sysusers = readFileSync(path.join(images, 'sysusers.d/veche-kiosk.conf'), 'utf8')
    .split('\n')
    .filter((l) => l.trim() !== '' && !l.startsWith('#'))
    .map((l) => l.split(/\s+/));

  it('has separate users for the host and the screen; only the host is in veche-devices', () => {
    const users = sysusers.filter((f) => f[0] === 'u').map((f) => f[1]);
    expect(users).toEqual(['veche-host', 'veche-ui']);
    const devices = sysusers
      .filter((f) => f[0] === 'm' && f[2] === 'veche-devices')
      .map((f) => f[1]);
    expect(devices).toEqual(['veche-host']);
  });

  it('makes the ready file readable by the screen and the state private to the host', () => {
    const tmpfiles = readFileSync(path.join(images, 'tmpfiles.d/veche-kiosk.conf'), 'utf8');
    expect(tmpfiles).toMatch(/^d \/run\/veche-kiosk 2750 veche-host veche-ui -$/m);
    expect(tmpfiles).toMatch(/^d \/var\/lib\/veche-kiosk 0700 veche-host veche-host -$/m);
  });
});

describe('udev rules', () => {
  const rules = readFileSync(path.join(images, 'udev/70-veche-kiosk.rules'), 'utf8')
    .split('\n')
    .filter((l) => l.trim() !== '' && !l.startsWith('#'));

  it('gives every kiosk device a stable name', () => {
    const names = new Set(
      rules.flatMap((r) => [...r.matchAll(/SYMLINK\+="([^"]+)"/g)].map((m) => m[1])),
    );
    expect([...names].sort()).toEqual([
      'veche-card-reader',
      'veche-card-reader-hid',
      'veche-printer',
      'veche-touch',
    ]);
  });

  it('opens every named device to the host group only', () => {
    for (const rule of rules.filter((r) => r.includes('SYMLINK'))) {
      expect(rule, rule).toContain('GROUP="veche-devices"');
      expect(rule, rule).toContain('MODE="0660"');
    }
  });

  it('keeps a keyboard-wedge card reader from typing into the screen', () => {
    expect(
      rules.some(
        (r) => r.startsWith('SUBSYSTEM=="input"') && r.includes('ENV{LIBINPUT_IGNORE_DEVICE}="1"'),
      ),
    ).toBe(true);
  });
});

describe('image root', () => {
  it('mounts the root read-only and only state and logs writable', () => {
    const fstab = readFileSync(path.join(images, 'rootfs/etc/fstab'), 'utf8')
      .split('\n')
      .filter((l) => l.trim() !== '' && !l.startsWith('#'))
      .map((l) => l.split(/\s+/));
    const rw = fstab
      .filter((f) => f[2] !== 'tmpfs' && f[3]?.split(',').includes('rw'))
      .map((f) => f[1]);
    expect(fstab.find((f) => f[1] === '/')?.[3]?.split(',')).toContain('ro');
    expect(rw.sort()).toEqual(['/var/lib/veche-kiosk', '/var/log']);
  });

  it('bounds the journal', () => {
    const conf = readFileSync(
      path.join(images, 'rootfs/etc/systemd/journald.conf.d/50-veche-kiosk.conf'),
      'utf8',
    );
    expect(conf).toMatch(/^SystemMaxUse=\d+M$/m);
    expect(conf).toMatch(/^Storage=persistent$/m);
  });
});

describe('electron-builder.yml', () => {
  const config = yaml.load(readFileSync(path.join(repo, 'electron-builder.yml'), 'utf8')) as {
    productName: string;
    asarUnpack: string[];
    extraResources: Array<{ from: string; to: string; filter: string[] }>;
    extraFiles: Array<{ from: string; to: string }>;
    linux: { executableName: string; target: Array<{ target: string; arch: string[] }> };
    deb: { afterInstall: string; afterRemove: string; packageName: string };
  };

  it('builds deb and AppImage for x64 and arm64', () => {
    expect(config.productName).toBe('Veche Kiosk');
    for (const t of ['deb', 'AppImage']) {
      expect(config.linux.target.find((x) => x.target === t)?.arch.sort()).toEqual([
        'arm64',
        'x64',
      ]);
    }
  });

  it('unpacks the native modules from the asar', () => {
    for (const m of ['better-sqlite3', '@serialport/bindings-cpp', 'node-hid']) {
      expect(config.asarUnpack).toContain(`node_modules/${m}/**`);
    }
  });

  it('ships every file the .deb scripts install, and the scripts exist', () => {
    const res = config.extraResources.find((r) => r.to === 'appliance');
    expect(res?.from).toBe('images');
    const install = readFileSync(path.join(images, 'install-appliance.sh'), 'utf8');
    const placed = [...install.matchAll(/^place \d+ (\S+) /gm)].map((m) => m[1] ?? '');
    expect(placed.length).toBeGreaterThan(0);
    for (const file of placed) {
      expect(existsSync(path.join(images, file)), file).toBe(true);
      const dir = file.split('/')[0] ?? '';
      expect(
        res?.filter.some((f) => f.startsWith(`${dir}/`)),
        file,
      ).toBe(true);
    }
    expect(existsSync(path.join(repo, config.deb.afterInstall))).toBe(true);
    expect(existsSync(path.join(repo, config.deb.afterRemove))).toBe(true);
    expect(config.deb.packageName).toBe('veche-kiosk');
  });

  it('puts the commands the units run beside the Electron binary', () => {
    // after-install links /opt/veche-kiosk to the install directory; the units run bin/.
    const shipped = new Map(config.extraFiles.map((f) => [f.to, f.from]));
    const hostCmd = shipped.get(`bin/${config.linux.executableName}`);
    const screenCmd = shipped.get(`bin/${config.linux.executableName}-screen`);
    expect(value(host, 'Service', 'ExecStart')).toContain('/opt/veche-kiosk/bin/veche-kiosk ');
    expect(value(ui, 'Service', 'ExecStart')).toContain('/opt/veche-kiosk/bin/veche-kiosk-screen ');
    const hostScript = readFileSync(path.join(repo, hostCmd ?? 'missing'), 'utf8');
    // The Electron binary doubles as the host's Node, so one ABI serves the native modules.
    expect(hostScript).toMatch(
      /ELECTRON_RUN_AS_NODE=1 exec "\$app\/veche-kiosk" "\$app\/resources\/app\.asar\/dist\/host\/cli\/main\.js" "\$@"/,
    );
    const screenScript = readFileSync(path.join(repo, screenCmd ?? 'missing'), 'utf8');
    expect(screenScript).toMatch(/exec "\$app\/veche-kiosk" --ozone-platform=wayland "\$@"/);
  });
});
