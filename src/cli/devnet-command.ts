// `veche-kiosk devnet --validators 4 --scenario demo`: the reference validator network as the
// devnet issue names it. The network itself is src/devnet/main.ts, which launches one process
// per validator; this command only translates the kiosk CLI's vocabulary (scenarios, a
// throwaway directory by default) and runs it in the foreground with the same loader, so the
// same command works from the source tree (tsx) and from the compiled package.
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { z } from 'zod';

const SCENARIOS = ['empty', 'demo'] as const;

const DevnetArgsSchema = z.strictObject({
  validators: z.string().regex(/^\d{1,2}$/, 'a number of validators, 1..64'),
  scenario: z.enum(SCENARIOS),
  dir: z.string().min(1).optional(),
  'base-port': z.string().regex(/^\d{4,5}$/, 'a port number'),
  'block-ms': z.string().regex(/^\d{2,6}$/, 'milliseconds'),
});
export type DevnetArgs = z.infer<typeof DevnetArgsSchema>;

/** Parses the command line; a bad value is a message for the technician, not a stack trace. */
export function parseDevnetArgs(
  argv: string[],
): { ok: true; value: DevnetArgs } | { ok: false; error: string } {
  let values: Record<string, unknown>;
  try {
    values = parseArgs({
      args: argv,
      options: {
        validators: { type: 'string', default: '4' },
        scenario: { type: 'string', default: 'demo' },
        dir: { type: 'string' },
        'base-port': { type: 'string', default: '47100' },
        'block-ms': { type: 'string', default: '2000' },
      },
      strict: true,
    }).values;
  } catch (e) {
    return { ok: false, error: e instanceof Error ? e.message : String(e) };
  }
  const r = DevnetArgsSchema.safeParse(values);
  if (!r.success) {
    const issue = r.error.issues[0];
    return {
      ok: false,
      error: `--${String(issue?.path[0] ?? '?')}: ${issue?.message ?? 'invalid'}`,
    };
  }
  return { ok: true, value: r.data };
}

/** The argument list for src/devnet/main.ts (the launcher) for these options. */
export function launcherArgs(a: DevnetArgs, dir: string): string[] {
  return [
    '--validators',
    a.validators,
    '--dir',
    dir,
    '--base-port',
    a['base-port'],
    '--block-ms',
    a['block-ms'],
    ...(a.scenario === 'demo' ? ['--demo'] : []),
  ];
}

function launcherScript(): string {
  // From source (tsx) the sibling is main.ts; in the compiled package it is main.js.
  const ts = fileURLToPath(new URL('../devnet/main.ts', import.meta.url));
  return existsSync(ts) ? ts : fileURLToPath(new URL('../devnet/main.js', import.meta.url));
}

export async function runDevnet(argv: string[]): Promise<number> {
  const parsed = parseDevnetArgs(argv);
  if (!parsed.ok) {
    process.stderr.write(`devnet: ${parsed.error}\n`);
    return 2;
  }
  const dir = parsed.value.dir ?? mkdtempSync(join(tmpdir(), 'veche-devnet-'));
  process.stderr.write(`devnet: chain data in ${dir} (rerun with --dir ${dir} to resume)\n`);
  const child = spawn(
    process.execPath,
    [...process.execArgv, launcherScript(), ...launcherArgs(parsed.value, dir)],
    { stdio: 'inherit' },
  );
  // The launcher stops its validators on SIGINT/SIGTERM; pass ours on instead of dying first.
  const forward = (sig: NodeJS.Signals) => () => child.kill(sig);
  const onInt = forward('SIGINT');
  const onTerm = forward('SIGTERM');
  process.on('SIGINT', onInt);
  process.on('SIGTERM', onTerm);
  const code = await new Promise<number>((resolve) => {
    child.once('exit', (c, sig) => resolve(c ?? (sig === null ? 1 : 0)));
    child.once('error', () => resolve(1));
  });
  process.off('SIGINT', onInt);
  process.off('SIGTERM', onTerm);
  return code;
}
