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

const STOP_SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;

/**
 * `signalled` resolves when the process is asked to stop (Ctrl-C, systemd stop, parent
 * exit). A caller that fails after it started listening disposes, giving the signals their
 * default action back (else a stop request would only resolve a promise nobody awaits, and
 * the process would ignore Ctrl-C).
 */
export function listenForStop(): { readonly signalled: Promise<string>; dispose(): void } {
  let resolve: (sig: string) => void = () => undefined;
  const signalled = new Promise<string>((r) => (resolve = r));
  const handlers = STOP_SIGNALS.map((sig) => {
    const f = () => resolve(sig);
    process.once(sig, f);
    return [sig, f] as const;
  });
  return {
    signalled,
    dispose() {
      for (const [sig, f] of handlers) process.off(sig, f);
    },
  };
}
