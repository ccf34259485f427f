import { parseArgs } from 'node:util';

export function parsePort(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0 || n > 65535) throw new Error(`not a port: ${value}`);
  return n;
}

export function hostArgs(argv: string[]) {
  return parseArgs({
    args: argv,
    options: {
      port: { type: 'string' },
      headless: { type: 'boolean', default: false },
      kiosk: { type: 'boolean', default: false },
      simulated: { type: 'boolean', default: false },
      transport: { type: 'string', default: 'pty' },
      'state-dir': { type: 'string' },
      'ready-file': { type: 'string' },
      'export-dir': { type: 'string' },
      devices: { type: 'string' },
      'no-chain': { type: 'boolean', default: false },
    },
    strict: true,
  }).values;
}

/** Resolves when the process is asked to stop (Ctrl-C, systemd stop, parent exit). */
export function untilSignal(): Promise<string> {
  return new Promise((resolve) => {
    for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const)
      process.once(sig, () => resolve(sig));
  });
}
