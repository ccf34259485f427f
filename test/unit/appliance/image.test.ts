// The real appliance image, built from Debian's packages by images/build.sh (mmdebstrap,
// unshare mode, no root needed) with the application in it: the offline package that the
// recipe builds first (scripts/package-offline.ts), or VECHE_APP_DEB=path/to/veche-kiosk.deb.
// Opt-in because it downloads ~400 MB and takes minutes: VECHE_IMAGE_TEST=1.
// It reads the tarball itself rather than trusting the recipe's manifest, runs the
// application from the unpacked root without chroot, and, when it may chroot (root), runs
// the image's own systemd and udev tools on the kiosk's files.
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import {
  chmodSync,
  cpSync,
  existsSync,
  lstatSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readlinkSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import yaml from 'js-yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const enabled = process.env['VECHE_IMAGE_TEST'] === '1';
/** images/authority/devnet.keys; appliance-files.test.ts checks it is the devnet's. */
const DEVNET_AUTHORITY = '5193f9c2fa215bb7acc4ee53256b0c16518b7822ad483c483155773f54b0eb83';
const appDeb = process.env['VECHE_APP_DEB'];
const repo = path.resolve(import.meta.dirname, '../../..');
const arch = enabled
  ? execFileSync('dpkg', ['--print-architecture'], { encoding: 'utf8' }).trim()
  : 'amd64';

describe.skipIf(!enabled)('appliance image (VECHE_IMAGE_TEST=1)', () => {
  let out: string;
  let tarball: string;
  let entries: Set<string>;
  const fromTar = (member: string): string =>
    execFileSync('tar', ['-xOf', tarball, member], {
      encoding: 'utf8',
      maxBuffer: 64 * 1024 * 1024,
    });

  beforeAll(() => {
    out = mkdtempSync(path.join(tmpdir(), 'veche-image-'));
    const args = [
      path.join(repo, 'images/build.sh'),
      out,
      '--arch',
      arch,
      '--authority-keys',
      path.join(repo, 'images/authority/devnet.keys'),
    ];
    if (appDeb !== undefined && appDeb !== '') args.push('--app-deb', appDeb);
    const started = Date.now();
    const r = spawnSync('sh', args, {
      encoding: 'utf8',
      maxBuffer: 256 * 1024 * 1024,
      timeout: 1_500_000,
    });
    if (r.status !== 0)
      throw new Error(`images/build.sh failed (${r.status}):\n${r.stderr.slice(-4000)}`);
    tarball = path.join(out, `veche-kiosk-rootfs-${arch}.tar`);
    entries = new Set(
      execFileSync('tar', ['-tf', tarball], {
        encoding: 'utf8',
        maxBuffer: 256 * 1024 * 1024,
      }).split('\n'),
    );
    console.log(
      `image built in ${Math.round((Date.now() - started) / 1000)} s:\n${fromTar('./usr/share/veche-kiosk/image-manifest.txt')}`,
    );
  }, 1_600_000);
  afterAll(() => {
    if (out !== undefined) rmSync(out, { recursive: true, force: true });
  });

  it('has the kiosk users, and only the host may open devices', () => {
    const passwd = fromTar('./etc/passwd');
    const group = fromTar('./etc/group');
    const users = passwd.split('\n').filter((l) => l.startsWith('veche-'));
    console.log(`users:\n  ${users.join('\n  ')}`);
    expect(users.map((l) => l.split(':')[0]).sort()).toEqual(['veche-host', 'veche-ui']);
    const devices = group.split('\n').find((l) => l.startsWith('veche-devices:'));
    expect(devices?.split(':')[3]).toBe('veche-host');
  });

  it('enables the host and screen units and boots to the graphical target', () => {
    const units = [...entries].filter((e) => /veche-(host|ui)\.service$/.test(e)).sort();
    console.log(`units:\n  ${units.join('\n  ')}`);
    expect(units).toContain('./usr/lib/systemd/system/veche-host.service');
    expect(units).toContain('./usr/lib/systemd/system/veche-ui.service');
    expect(units).toContain('./etc/systemd/system/multi-user.target.wants/veche-host.service');
    expect(units).toContain('./etc/systemd/system/graphical.target.wants/veche-ui.service');
    expect(entries.has('./etc/systemd/system/default.target')).toBe(true);
    // Pulled in by the host unit (Wants=), not enabled on its own.
    expect(entries.has('./usr/lib/systemd/system/veche-kiosk-credential.service')).toBe(true);
  });

  it('pins the authority keys it was built with, and has the export mount point', () => {
    const config = JSON.parse(fromTar('./etc/veche-kiosk/host.json')) as Record<string, unknown>;
    expect(config).toEqual({
      format: 'veche/host-config/v1',
      authorityKeys: [DEVNET_AUTHORITY],
      sealer: 'passphrase',
    });
    expect(entries.has('./media/veche-export/')).toBe(true);
  });

  it('has the udev rules, the journald limits and a read-only root', () => {
    const rules = [...entries].filter((e) => e.includes('rules.d/') && e.includes('veche'));
    console.log(`rules:\n  ${rules.join('\n  ')}`);
    expect(rules).toEqual(['./usr/lib/udev/rules.d/70-veche-kiosk.rules']);
    expect(fromTar('./etc/systemd/journald.conf.d/50-veche-kiosk.conf')).toMatch(/SystemMaxUse=/);
    const root = fromTar('./etc/fstab')
      .split('\n')
      .find((l) => /^\S+\s+\/\s/.test(l));
    expect(root?.split(/\s+/)[3]?.split(',')).toContain('ro');
  });

  it('has cage, and the application with the commands the units run', () => {
    const status = fromTar('./var/lib/dpkg/status');
    const installed = (name: string): string | undefined =>
      new RegExp(`^Package: ${name}\\n(?:.+\\n)*?Version: (.+)$`, 'm').exec(status)?.[1];
    expect(installed('cage')).toBeDefined();
    const app = installed('veche-kiosk');
    const version = (
      JSON.parse(readFileSync(path.join(repo, 'package.json'), 'utf8')) as { version: string }
    ).version;
    const manifest = fromTar('./usr/share/veche-kiosk/image-manifest.txt')
      .split('\n')
      .filter((l) => l.startsWith('application'));
    console.log(`application (dpkg): veche-kiosk ${app}\n  ${manifest.join('\n  ')}`);
    expect(app).toBeDefined();
    if (appDeb === undefined || appDeb === '') {
      expect(app).toBe(version);
      expect(installed('chromium')).toBeDefined();
      // Run inside the image by the recipe (chroot in mmdebstrap's user namespace).
      expect(manifest).toContain(`application.runtime node v${process.versions.node}`);
      expect(manifest).toContain('application.cli usage: veche-kiosk <command> [options]');
    }
    for (const exe of [
      './usr/bin/cage',
      './opt/veche-kiosk/bin/veche-kiosk',
      './opt/veche-kiosk/bin/veche-kiosk-screen',
    ]) {
      expect(entries.has(exe), exe).toBe(true);
    }
  });

  // Without chroot and without root: the application as unpacked from the image, through its
  // /usr/bin link, on the Node runtime the package carries.
  it.skipIf(appDeb !== undefined && appDeb !== '')(
    'runs the application from the unpacked image: runtime, CLI, and a host serving the UI',
    async () => {
      const root = path.join(out, 'app-root');
      mkdirSync(root);
      execFileSync('tar', [
        '-xf',
        tarball,
        '-C',
        root,
        './opt/veche-kiosk',
        './usr/bin/veche-kiosk',
      ]);
      const link = readlinkSync(path.join(root, 'usr/bin/veche-kiosk'));
      const node = execFileSync(path.join(root, 'opt/veche-kiosk/node/bin/node'), ['--version'], {
        encoding: 'utf8',
      }).trim();
      const help = execFileSync(path.join(root, 'usr/bin/veche-kiosk'), ['--help'], {
        encoding: 'utf8',
      });
      console.log(
        `launcher: /usr/bin/veche-kiosk -> ${link}\nruntime: node ${node}\ncli: ${help.split('\n')[0]}`,
      );
      expect(link).toBe('../../opt/veche-kiosk/bin/veche-kiosk');
      expect(node).toBe(`v${process.versions.node}`);
      expect(help).toMatch(/^usage: veche-kiosk <command>/);

      const state = path.join(out, 'state');
      const host = spawn(
        path.join(root, 'usr/bin/veche-kiosk'),
        ['serve', '--simulated', '--transport', 'mock', '--state-dir', state],
        { stdio: ['ignore', 'pipe', 'pipe'] },
      );
      try {
        const ready = await new Promise<{ origin: string }>((resolve, reject) => {
          let buf = '';
          const timer = setTimeout(() => reject(new Error(`no ready line: ${buf}`)), 30_000);
          host.stdout.on('data', (d: Buffer) => {
            buf += d.toString();
            const line = buf.split('\n').find((l) => l.includes('veche-host-ready'));
            if (line !== undefined) {
              clearTimeout(timer);
              resolve(JSON.parse(line) as { origin: string });
            }
          });
          host.once('exit', (code) => reject(new Error(`host exited ${code}: ${buf}`)));
        });
        const page = await fetch(`${ready.origin}/`);
        const html = await page.text();
        console.log(`host: ${ready.origin} served ${html.length} bytes of UI`);
        expect(page.status).toBe(200);
        expect(html).toMatch(/<div id="root">/);
      } finally {
        const exited = new Promise<number | null>((r) => host.once('exit', r));
        host.kill('SIGTERM');
        expect(await exited).toBe(0);
      }
    },
    60_000,
  );

  // The image carries newer systemd/udev than a CI host may (udevadm verify needs systemd
  // >= 253): run them inside the image on the files as installed there.
  const canChroot = process.getuid?.() === 0;
  it.skipIf(!canChroot)(
    'passes the image’s own systemd-analyze verify, security and udevadm verify',
    () => {
      const root = path.join(out, 'root');
      mkdirSync(root);
      execFileSync('tar', ['-xf', tarball, '-C', root]);
      for (const exe of ['bin/veche-kiosk', 'bin/veche-kiosk-screen']) {
        const app = path.join(root, 'opt/veche-kiosk', exe);
        if (!existsSync(app)) {
          // Without the application, an empty executable stands at its path for verify.
          mkdirSync(path.dirname(app), { recursive: true });
          writeFileSync(app, '#!/bin/sh\nexit 0\n');
          chmodSync(app, 0o755);
        }
      }
      const inImage = (...cmd: string[]): string =>
        execFileSync('chroot', [root, ...cmd], { encoding: 'utf8' });
      expect(inImage('udevadm', 'verify', '/usr/lib/udev/rules.d/70-veche-kiosk.rules')).toMatch(
        /Fail:\s+0/,
      );
      const verify = spawnSync(
        'chroot',
        [
          root,
          'systemd-analyze',
          'verify',
          '--man=no',
          'veche-host.service',
          'veche-ui.service',
          'veche-kiosk-credential.service',
        ],
        {
          encoding: 'utf8',
        },
      );
      expect(verify.status, verify.stderr).toBe(0);
      expect(verify.stderr.trim()).toBe('');
      for (const [unit, max] of [
        ['veche-host.service', 2.5],
        ['veche-ui.service', 5.0],
      ] as const) {
        const report = inImage('systemd-analyze', 'security', '--offline=true', unit);
        const level = Number(/Overall exposure level for \S+: ([\d.]+)/.exec(report)?.[1]);
        console.log(`${unit}: exposure ${level}`);
        expect(level).toBeLessThanOrEqual(max);
      }
    },
  );

  // A rehearsal of the .deb's maintainer scripts with the image's real dpkg: a package laid
  // out as electron-builder lays it out (/opt/Veche Kiosk, resources/appliance), with the
  // scripts templated as electron-builder templates them. Its executable is a stand-in (the
  // Electron runtime cannot be downloaded here); what is tested is install, upgrade, remove.
  it.skipIf(!canChroot)('installs, upgrades and removes the .deb scripts cleanly', () => {
    const root = path.join(out, 'root');
    if (!existsSync(path.join(root, 'etc'))) {
      mkdirSync(root, { recursive: true });
      execFileSync('tar', ['-xf', tarball, '-C', root]);
    }
    const template = (file: string): string =>
      readFileSync(path.join(repo, file), 'utf8')
        .replaceAll('${sanitizedProductName}', 'Veche Kiosk')
        .replaceAll('${executable}', 'veche-kiosk');
    // The real package's dependencies: dpkg -i fails if the image lacks one, which proves
    // the application installs on the appliance offline.
    const builder = yaml.load(readFileSync(path.join(repo, 'electron-builder.yml'), 'utf8')) as {
      deb: { depends: string[] };
    };
    const depends = builder.deb.depends;
    const buildDeb = (version: string): string => {
      const stage = path.join(out, `deb-${version}`);
      const app = path.join(stage, 'opt/Veche Kiosk');
      mkdirSync(path.join(stage, 'DEBIAN'), { recursive: true });
      mkdirSync(path.join(app, 'resources/appliance'), { recursive: true });
      for (const part of [
        'systemd',
        'udev',
        'sysusers.d',
        'tmpfiles.d',
        'pam.d',
        'install-appliance.sh',
      ]) {
        cpSync(path.join(repo, 'images', part), path.join(app, 'resources/appliance', part), {
          recursive: true,
        });
      }
      writeFileSync(
        path.join(app, 'veche-kiosk'),
        '#!/bin/sh\necho stand-in for the Electron binary\n',
        { mode: 0o755 },
      );
      writeFileSync(path.join(app, 'chrome-sandbox'), '', { mode: 0o755 });
      writeFileSync(
        path.join(stage, 'DEBIAN/control'),
        `Package: veche-kiosk\nVersion: ${version}\nArchitecture: all\nMaintainer: test <t@veche.invalid>\nDepends: ${depends.join(', ')}\nDescription: maintainer-script rehearsal\n`,
      );
      writeFileSync(path.join(stage, 'DEBIAN/postinst'), template('images/deb/after-install.sh'), {
        mode: 0o755,
      });
      writeFileSync(path.join(stage, 'DEBIAN/postrm'), template('images/deb/after-remove.sh'), {
        mode: 0o755,
      });
      const deb = path.join(root, `tmp/veche-kiosk_${version}.deb`);
      execFileSync('dpkg-deb', ['--root-owner-group', '--build', stage, deb], { stdio: 'pipe' });
      return `/tmp/veche-kiosk_${version}.deb`;
    };
    const inImage = (...cmd: string[]): string =>
      execFileSync('chroot', [root, ...cmd], { encoding: 'utf8' });
    const unitPath = path.join(root, 'usr/lib/systemd/system/veche-host.service');
    // The image has the offline package: purging it removes its units, rules and files (dpkg
    // owns them) and keeps the users; then the Electron layout installs on a clean system.
    if (existsSync(path.join(root, 'opt/veche-kiosk/bin/veche-kiosk'))) {
      inImage('dpkg', '--purge', 'veche-kiosk');
      expect(existsSync(unitPath)).toBe(false);
      expect(existsSync(path.join(root, 'usr/lib/udev/rules.d/70-veche-kiosk.rules'))).toBe(false);
      expect(existsSync(path.join(root, 'opt/veche-kiosk'))).toBe(false);
      expect(inImage('getent', 'passwd', 'veche-host')).toMatch(/^veche-host:/);
    }
    for (const f of [
      'usr/lib/systemd/system/veche-host.service',
      'usr/lib/systemd/system/veche-ui.service',
    ]) {
      rmSync(path.join(root, f), { force: true });
    }
    rmSync(path.join(root, 'opt/veche-kiosk'), { recursive: true, force: true });

    inImage('dpkg', '-i', buildDeb('1.0.0'));
    expect(readlinkSync(path.join(root, 'opt/veche-kiosk'))).toBe('/opt/Veche Kiosk');
    expect(lstatSync(path.join(root, 'usr/bin/veche-kiosk')).isSymbolicLink()).toBe(true);
    expect(existsSync(unitPath)).toBe(true);
    expect(existsSync(path.join(root, 'usr/lib/udev/rules.d/70-veche-kiosk.rules'))).toBe(true);
    expect(inImage('getent', 'passwd', 'veche-host')).toMatch(/^veche-host:/);

    // An upgrade runs the old postrm with "upgrade": nothing may disappear.
    inImage('dpkg', '-i', buildDeb('1.0.1'));
    expect(existsSync(unitPath)).toBe(true);
    expect(inImage('dpkg-query', '-W', '-f', '${Version}', 'veche-kiosk')).toBe('1.0.1');

    inImage('dpkg', '-r', 'veche-kiosk');
    expect(existsSync(unitPath)).toBe(false);
    expect(existsSync(path.join(root, 'usr/lib/udev/rules.d/70-veche-kiosk.rules'))).toBe(false);
    expect(existsSync(path.join(root, 'opt/veche-kiosk'))).toBe(false);
    // Users (and with them the ownership of any kept state) stay.
    expect(inImage('getent', 'passwd', 'veche-host')).toMatch(/^veche-host:/);
  });
});
