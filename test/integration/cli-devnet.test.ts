// `veche-kiosk devnet --scenario demo`: the command the devnet issue names starts real
// validator processes, prints their ready line, and stops them all on SIGTERM.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { afterAll, describe, expect, it } from 'vitest';
import { launcherArgs, parseDevnetArgs } from '../../src/cli/devnet-command.js';

const dir = mkdtempSync(join(tmpdir(), 'veche-cli-devnet-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('veche-kiosk devnet', () => {
  it('refuses bad options with a plain message', () => {
    const bad = parseDevnetArgs(['--scenario', 'mars']);
    expect(bad.ok).toBe(false);
    if (!bad.ok) expect(bad.error).toMatch(/^--scenario: /);
    expect(parseDevnetArgs(['--validators', 'four']).ok).toBe(false);
    expect(parseDevnetArgs(['--bogus']).ok).toBe(false);
  });

  it('maps the demo scenario to the launcher', () => {
    const a = parseDevnetArgs(['--validators', '3', '--scenario', 'demo']);
    expect(a.ok).toBe(true);
    if (!a.ok) return;
    expect(launcherArgs(a.value, '/d')).toEqual([
      '--validators',
      '3',
      '--dir',
      '/d',
      '--base-port',
      '47100',
      '--block-ms',
      '2000',
      '--demo',
    ]);
    const empty = parseDevnetArgs(['--scenario', 'empty']);
    expect(empty.ok && launcherArgs(empty.value, '/d').includes('--demo')).toBe(false);
  });

  it('starts validator processes, reports them ready, and stops on SIGTERM', async () => {
    // Below the ephemeral range (32768+), where outgoing connections of tests running beside
    // this one could hold a port; apart from processes.test.ts (24000–31999).
    const basePort = 16000 + Math.floor(Math.random() * 1000) * 8;
    const child = spawn(
      process.execPath,
      [
        '--import',
        'tsx',
        'src/cli/main.ts',
        'devnet',
        '--validators',
        '2',
        '--scenario',
        'demo',
        '--dir',
        dir,
        '--base-port',
        String(basePort),
        '--block-ms',
        '300',
      ],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    const lines = createInterface({ input: child.stdout });
    const ready = await new Promise<{ ready: boolean; validators: unknown[] }>(
      (resolve, reject) => {
        const t = setTimeout(() => reject(new Error('no ready line in 45 s')), 45_000);
        lines.on('line', (line) => {
          try {
            const v = JSON.parse(line) as {
              ready?: boolean;
              chainId?: string;
              validators?: unknown[];
            };
            if (v.ready === true && v.chainId !== undefined) {
              clearTimeout(t);
              resolve({ ready: true, validators: v.validators ?? [] });
            }
          } catch {
            // log lines are not the ready line
          }
        });
      },
    );
    expect(ready.validators).toHaveLength(2);
    const exited = new Promise<number | null>((r) => child.once('exit', (c) => r(c)));
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
  });
});
