// The offline application package: a .deb of the kiosk that is built from what this machine
// already has, for machines that cannot download the Electron runtime (CI, this project's
// build machines). electron-builder's package remains the release path where it can run.
//
//   npm run package:offline -- [--out DIR] [--no-build] [--list] [--keep-stage]
//
// The package (docs/appliance.md §7) holds, under /opt/veche-kiosk: the compiled host
// (tsc), the production renderer (vite), the production node_modules exactly as the lock
// file lists them (their native modules are the ones built here, for Node 20's ABI), and
// this machine's own Node 20 binary with its licence, because Debian's nodejs in bookworm
// is Node 18 and could not load those native modules: the same reason Electron ships its
// runtime. Launchers in bin/: `veche-kiosk` (the host CLI; the host unit runs `serve`) and
// `veche-kiosk-screen` (Debian's Chromium in kiosk mode under cage). The units, udev rules,
// sysusers, tmpfiles and PAM files are dpkg-owned files of the package.
//
// Needs dpkg-deb (no root: --root-owner-group). --list prints the plan and builds nothing;
// the always-on unit test (test/unit/appliance/package-offline.test.ts) checks the plan.
import { spawnSync } from 'node:child_process';
import {
  chmodSync,
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  realpathSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import yaml from 'js-yaml';
import { z } from 'zod';
import { assertNever, err, ok, type Result } from '../src/shared/result.js';

/** Where the application lives on the kiosk; the units name this path. */
export const APP_DIR = 'opt/veche-kiosk';

/**
 * Debian packages the offline package needs on the kiosk: the Node binary's libraries, libudev
 * for node-hid, systemd for the units, Chromium and fonts for the screen. All are in Debian's
 * main archive, so `apt-get install ./veche-kiosk_*.deb` works from Debian's mirror alone.
 */
export const DEPENDS = [
  'libc6 (>= 2.28)',
  'libstdc++6',
  'libgcc-s1',
  'libudev1',
  'systemd',
  'chromium',
  'fonts-dejavu-core',
] as const;

export type Entry =
  /** A directory copied whole, less the relative paths that match `exclude`. */
  | { kind: 'tree'; from: string; to: string; exclude: readonly RegExp[]; optional: boolean }
  | { kind: 'file'; from: string; to: string; mode: number }
  | { kind: 'link'; to: string; target: string }
  | { kind: 'text'; to: string; content: string; mode: number };

export interface PackagePlan {
  readonly name: string;
  readonly version: string;
  readonly arch: string;
  readonly control: string;
  readonly conffiles: readonly string[];
  /** Maintainer scripts: DEBIAN name → source file. */
  readonly scripts: Readonly<Record<'postinst' | 'prerm' | 'postrm', string>>;
  readonly entries: readonly Entry[];
}

const lockSchema = z.object({
  lockfileVersion: z.number().int().min(2),
  packages: z.record(
    z.string(),
    z.object({
      dev: z.boolean().optional(),
      devOptional: z.boolean().optional(),
      optional: z.boolean().optional(),
      link: z.boolean().optional(),
    }),
  ),
});

const packageJsonSchema = z.object({
  name: z.string().min(1),
  version: z.string().regex(/^\d+\.\d+\.\d+/),
  license: z.string().min(1),
});

const builderSchema = z.object({
  linux: z.object({ maintainer: z.string(), synopsis: z.string(), description: z.string() }),
  deb: z.object({ packageName: z.string(), recommends: z.array(z.string()).default([]) }),
});

export interface ProductionModule {
  /** e.g. `node_modules/@libp2p/tcp`, or a nested `node_modules/a/node_modules/b`. */
  readonly path: string;
  /** Platform-specific optional packages may be absent on this machine. */
  readonly optional: boolean;
}

/** The installed packages a production install has: the lock file's entries that are not dev-only. */
export function productionModules(lockText: string): Result<ProductionModule[], string> {
  let json: unknown;
  try {
    json = JSON.parse(lockText);
  } catch (e) {
    return err(`package-lock.json: ${e instanceof Error ? e.message : String(e)}`);
  }
  const lock = lockSchema.safeParse(json);
  if (!lock.success) return err(`package-lock.json: ${lock.error.message}`);
  const modules = Object.entries(lock.data.packages)
    // devOptional: a dev dependency that production needs only optionally (today only
    // typescript, an optional peer of i18next for its types); the smoke test's `npm ls`
    // proves nothing required is left out.
    .filter(
      ([p, meta]) =>
        p.startsWith('node_modules/') && meta.dev !== true && meta.devOptional !== true,
    )
    .map(([p, meta]) => {
      if (meta.link === true) throw new Error(`${p}: linked packages cannot be packaged`);
      return { path: p, optional: meta.optional === true };
    })
    .sort((a, b) => a.path.localeCompare(b.path));
  return ok(modules);
}

/** The files images/install-appliance.sh places: one list for the image, both packages and this. */
export function applianceFiles(
  installScript: string,
): Array<{ from: string; to: string; mode: number }> {
  return [...installScript.matchAll(/^place (\d+) (\S+) (\S+)$/gm)].map((m) => {
    const [, mode = '', from = '', dir = ''] = m;
    return {
      from,
      to: path.posix.join(dir.replace(/^\//, ''), path.posix.basename(from)),
      mode: parseInt(mode, 8),
    };
  });
}

// Build intermediates of native modules (object files, dependency lists) are not needed to
// load them; a module's nested node_modules are entries of their own in the lock file.
// Source maps and type declarations are for debuggers and compilers, not for running.
const MODULE_EXCLUDE = [
  /^node_modules(\/|$)/,
  /^build\/Release\/(obj|obj\.target|\.deps)(\/|$)/,
  /\.map$/,
  /\.d\.[cm]?ts$/,
];
const DIST_EXCLUDE = [/\.map$/, /\.d\.ts$/];

export interface PlanInputs {
  readonly repo: string;
  /** The directory holding `host/` (tsc output) and `renderer/` (vite output). */
  readonly distDir: string;
  readonly arch: string;
  readonly nodeBinary: string;
  readonly nodeDocDir: string;
}

export function planPackage(inputs: PlanInputs): Result<PackagePlan, string> {
  const { repo } = inputs;
  const read = (f: string): string => readFileSync(path.join(repo, f), 'utf8');
  const pkg = packageJsonSchema.safeParse(JSON.parse(read('package.json')));
  if (!pkg.success) return err(`package.json: ${pkg.error.message}`);
  const builder = builderSchema.safeParse(yaml.load(read('electron-builder.yml')));
  if (!builder.success) return err(`electron-builder.yml: ${builder.error.message}`);
  const modules = productionModules(read('package-lock.json'));
  if (!modules.ok) return modules;

  const app = APP_DIR;
  const entries: Entry[] = [
    { kind: 'file', from: path.join(repo, 'package.json'), to: `${app}/package.json`, mode: 0o644 },
    {
      kind: 'tree',
      from: path.join(inputs.distDir, 'host'),
      to: `${app}/dist/host`,
      exclude: DIST_EXCLUDE,
      optional: false,
    },
    {
      kind: 'tree',
      from: path.join(inputs.distDir, 'renderer'),
      to: `${app}/dist/renderer`,
      exclude: DIST_EXCLUDE,
      optional: false,
    },
    ...modules.value.map((m): Entry => ({
      kind: 'tree',
      from: path.join(repo, m.path),
      to: `${app}/${m.path}`,
      exclude: MODULE_EXCLUDE,
      optional: m.optional,
    })),
    { kind: 'file', from: inputs.nodeBinary, to: `${app}/node/bin/node`, mode: 0o755 },
    ...['LICENSE', 'copyright']
      .filter((f) => existsSync(path.join(inputs.nodeDocDir, f)))
      .map((f): Entry => ({
        kind: 'file',
        from: path.join(inputs.nodeDocDir, f),
        to: `${app}/node/${f}`,
        mode: 0o644,
      })),
    {
      kind: 'file',
      from: path.join(repo, 'images/app/veche-kiosk.sh'),
      to: `${app}/bin/veche-kiosk`,
      mode: 0o755,
    },
    {
      kind: 'file',
      from: path.join(repo, 'images/app/veche-kiosk-screen.sh'),
      to: `${app}/bin/veche-kiosk-screen`,
      mode: 0o755,
    },
    {
      kind: 'file',
      from: path.join(repo, 'images/app/veche-kiosk-screen.mjs'),
      to: `${app}/bin/veche-kiosk-screen.mjs`,
      mode: 0o644,
    },
    // Chromium reads managed policies machine-wide: on the kiosk it is the screen and
    // nothing else, so it may show 127.0.0.1 only, without translate bar, downloads,
    // devtools, printing dialogs or device choosers (docs/appliance.md §7.1).
    {
      kind: 'file',
      from: path.join(repo, 'images/app/chromium-policy.json'),
      to: 'etc/chromium/policies/managed/veche-kiosk.json',
      mode: 0o644,
    },
    // Relative, so the link also resolves inside an unpacked root file system.
    { kind: 'link', to: 'usr/bin/veche-kiosk', target: `../../${app}/bin/veche-kiosk` },
    ...applianceFiles(read('images/install-appliance.sh')).map((f): Entry => ({
      kind: 'file',
      from: path.join(repo, 'images', f.from),
      to: f.to,
      mode: f.mode,
    })),
    {
      kind: 'text',
      to: 'usr/share/doc/veche-kiosk/copyright',
      mode: 0o644,
      content:
        `Veche Kiosk ${pkg.data.version}\nLicense: ${pkg.data.license}\n\n` +
        `The Node.js runtime in /${app}/node is Node.js ${process.versions.node} as built for ` +
        `this architecture; its licence (covering the libraries built into it) is ` +
        `/${app}/node/LICENSE.\nEach package under /${app}/node_modules carries its own ` +
        `licence file.\n`,
    },
  ];

  const b = builder.data;
  const description = b.linux.description
    .trim()
    .split(/\s+/)
    .reduce<string[]>((lines, word) => {
      const last = lines.at(-1);
      if (last !== undefined && last.length + word.length < 78)
        lines[lines.length - 1] = `${last} ${word}`;
      else lines.push(word);
      return lines;
    }, [])
    .map((l) => ` ${l}`)
    .join('\n');
  const control = [
    `Package: ${b.deb.packageName}`,
    `Version: ${pkg.data.version}`,
    `Architecture: ${inputs.arch}`,
    `Maintainer: ${b.linux.maintainer}`,
    `Section: misc`,
    `Priority: optional`,
    `Depends: ${DEPENDS.join(', ')}`,
    ...(b.deb.recommends.length > 0 ? [`Recommends: ${b.deb.recommends.join(', ')}`] : []),
    `Description: ${b.linux.synopsis} (offline build, Node.js runtime)`,
    description,
    '',
  ].join('\n');

  return ok({
    name: b.deb.packageName,
    version: pkg.data.version,
    arch: inputs.arch,
    control,
    conffiles: entries.filter((e) => e.to.startsWith('etc/')).map((e) => `/${e.to}`),
    scripts: {
      postinst: path.join(repo, 'images/app/postinst.sh'),
      prerm: path.join(repo, 'images/app/prerm.sh'),
      postrm: path.join(repo, 'images/app/postrm.sh'),
    },
    entries,
  });
}

/** Copies the plan into `stage` (a package root). Missing required sources are an error. */
export function stagePlan(plan: PackagePlan, stage: string): Result<{ paths: number }, string> {
  let paths = 0;
  for (const e of plan.entries) {
    const to = path.join(stage, e.to);
    mkdirSync(path.dirname(to), { recursive: true });
    switch (e.kind) {
      case 'tree': {
        if (!existsSync(e.from)) {
          if (e.optional) continue;
          return err(`missing: ${e.from}`);
        }
        cpSync(e.from, to, {
          recursive: true,
          filter: (src) => {
            const rel = path.relative(e.from, src).split(path.sep).join('/');
            const keep = rel === '' || !e.exclude.some((re) => re.test(rel));
            if (keep && rel !== '') paths++;
            return keep;
          },
        });
        break;
      }
      case 'file':
        if (!existsSync(e.from)) return err(`missing: ${e.from}`);
        cpSync(e.from, to);
        chmodSync(to, e.mode);
        paths++;
        break;
      case 'link':
        symlinkSync(e.target, to);
        paths++;
        break;
      case 'text':
        writeFileSync(to, e.content, { mode: e.mode });
        paths++;
        break;
      default:
        assertNever(e, 'entry');
    }
  }
  const debian = path.join(stage, 'DEBIAN');
  mkdirSync(debian, { recursive: true });
  for (const [name, from] of Object.entries(plan.scripts)) {
    cpSync(from, path.join(debian, name));
    chmodSync(path.join(debian, name), 0o755);
  }
  if (plan.conffiles.length > 0)
    writeFileSync(path.join(debian, 'conffiles'), `${plan.conffiles.join('\n')}\n`);
  return ok({ paths });
}

function run(cmd: string, args: string[], opts: { cwd?: string } = {}): Result<string, string> {
  const r = spawnSync(cmd, args, { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024, ...opts });
  if (r.error !== undefined) return err(`${cmd}: ${r.error.message}`);
  if (r.status !== 0)
    return err(
      `${cmd} ${args.join(' ')} exited ${r.status}:\n${(r.stderr || r.stdout).slice(-3000)}`,
    );
  return ok(r.stdout);
}

function step(what: string): (outcome: string) => void {
  const started = Date.now();
  process.stderr.write(`package: ${what} …\n`);
  return (outcome) =>
    process.stderr.write(
      `package: ${what}: ${outcome} (${((Date.now() - started) / 1000).toFixed(1)} s)\n`,
    );
}

/** Runs the packaged application from the stage: the runtime, the CLI and the native modules. */
function smokeTest(stage: string): Result<string, string> {
  const app = path.join(stage, APP_DIR);
  const node = run(path.join(app, 'node/bin/node'), ['--version']);
  if (!node.ok) return node;
  const help = run(path.join(app, 'bin/veche-kiosk'), ['--help']);
  if (!help.ok) return help;
  if (!help.value.startsWith('usage: veche-kiosk'))
    return err(`veche-kiosk --help printed: ${help.value.slice(0, 200)}`);
  const natives = run(
    path.join(app, 'node/bin/node'),
    [
      '--input-type=module',
      '-e',
      "const { default: Database } = await import('better-sqlite3'); " +
        "new Database(':memory:').prepare('select 1').get(); " +
        "await import('@serialport/bindings-cpp'); await import('node-hid');",
    ],
    { cwd: app },
  );
  if (!natives.ok) return natives;
  // Every production dependency, transitively, is where Node will look for it.
  const tree = run('npm', ['ls', '--omit=dev', '--all', '--offline'], { cwd: app });
  if (!tree.ok) return err(`npm ls: the packaged node_modules are incomplete: ${tree.error}`);
  return ok(`node ${node.value.trim()}`);
}

async function main(argv: string[]): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: {
      out: { type: 'string', default: 'out/package' },
      'no-build': { type: 'boolean', default: false },
      list: { type: 'boolean', default: false },
      'keep-stage': { type: 'boolean', default: false },
    },
  });
  const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
  const arch = run('dpkg', ['--print-architecture']);
  if (!arch.ok) {
    console.error(`package: ${arch.error}`);
    return 1;
  }
  const work = mkdtempSync(path.join(tmpdir(), 'veche-package-'));
  try {
    const distDir =
      values['no-build'] || values.list ? path.join(repo, 'dist') : path.join(work, 'dist');
    const plan = planPackage({
      repo,
      distDir,
      arch: arch.value.trim(),
      nodeBinary: realpathSync(process.execPath),
      nodeDocDir: '/usr/share/doc/nodejs',
    });
    if (!plan.ok) {
      console.error(`package: ${plan.error}`);
      return 1;
    }
    if (values.list) {
      process.stdout.write(plan.value.control);
      for (const e of plan.value.entries) {
        process.stdout.write(`${e.kind} /${e.to}${e.kind === 'link' ? ` -> ${e.target}` : ''}\n`);
      }
      return 0;
    }
    if (!values['no-build']) {
      let done = step('compile the host');
      const host = run(
        'npx',
        [
          'tsc',
          '-p',
          'tsconfig.host.json',
          '--outDir',
          path.join(distDir, 'host'),
          '--sourceMap',
          'false',
        ],
        { cwd: repo },
      );
      if (!host.ok) return fail(host.error);
      done('ok');
      done = step('build the production renderer');
      const renderer = run(
        'npx',
        // The runner config loader writes nothing into node_modules, so the package also
        // builds from a checkout the builder cannot write to.
        [
          'vite',
          'build',
          '--configLoader',
          'runner',
          '--outDir',
          path.join(distDir, 'renderer'),
          '--emptyOutDir',
        ],
        { cwd: repo },
      );
      if (!renderer.ok) return fail(renderer.error);
      done('ok');
    }
    let done = step('stage');
    const stage = path.join(work, 'stage');
    const staged = stagePlan(plan.value, stage);
    if (!staged.ok) return fail(staged.error);
    done(`${staged.value.paths} files and directories`);
    done = step('smoke test the staged application');
    const smoke = smokeTest(stage);
    if (!smoke.ok) return fail(smoke.error);
    done(smoke.value);
    const size = run('du', ['-sk', '--exclude=DEBIAN', stage]);
    if (!size.ok) return fail(size.error);
    writeFileSync(
      path.join(stage, 'DEBIAN/control'),
      plan.value.control.replace(
        /^(Depends: )/m,
        `Installed-Size: ${size.value.split('\t')[0]}\n$1`,
      ),
    );
    const outDir = path.resolve(repo, values.out);
    mkdirSync(outDir, { recursive: true });
    const deb = path.join(
      outDir,
      `${plan.value.name}_${plan.value.version}_${plan.value.arch}.deb`,
    );
    done = step('dpkg-deb');
    const built = run('dpkg-deb', ['--root-owner-group', '-Zzstd', '--build', stage, deb]);
    if (!built.ok) return fail(built.error);
    done(`${deb} (${readFileSync(deb).length} bytes)`);
    if (values['keep-stage']) process.stderr.write(`package: stage kept at ${stage}\n`);
    process.stdout.write(`${deb}\n`);
    return 0;
  } finally {
    if (!values['keep-stage']) rmSync(work, { recursive: true, force: true });
  }
}

function fail(why: string): number {
  console.error(`package: ${why}`);
  return 1;
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  main(process.argv.slice(2)).then(
    (code) => {
      process.exitCode = code;
    },
    (e: unknown) => {
      console.error(e instanceof Error ? e.message : String(e));
      process.exitCode = 1;
    },
  );
}
