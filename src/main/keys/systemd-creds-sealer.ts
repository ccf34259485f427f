// Seals with systemd-creds (systemd ≥ 250): `--with-key=auto` uses the TPM2 when the machine
// has one (the blob then only opens on this board) and systemd's host key
// /var/lib/systemd/credential.secret otherwise (the blob then opens for whoever can read that
// file: root on this disk). No passphrase needs typing at boot, which is why the appliance
// uses it; docs/keys.md weighs what that costs. The credential name is the label, and
// systemd refuses to decrypt under another name.
import { spawn } from 'node:child_process';
import { err, ok, type Result } from '../../shared/result.js';
import { LABEL_RE, type KeySealer, type UnsealError } from './sealer.js';

export interface SystemdCredsOptions {
  /** The binary; tests and odd installs may point elsewhere. */
  readonly binary?: string;
  /** `auto` (TPM2 if present, else host key), `tpm2`, `host`, `host+tpm2`. */
  readonly withKey?: 'auto' | 'tpm2' | 'host' | 'host+tpm2';
  readonly timeoutMs?: number;
}

interface RunResult {
  readonly code: number | null;
  readonly stdout: Uint8Array;
  readonly stderr: string;
  readonly spawnError?: string;
}

function run(binary: string, args: string[], input: Uint8Array, timeoutMs: number) {
  return new Promise<RunResult>((resolve) => {
    const child = spawn(binary, args, { stdio: ['pipe', 'pipe', 'pipe'], timeout: timeoutMs });
    const out: Buffer[] = [];
    const errOut: Buffer[] = [];
    let spawnError: string | undefined;
    child.stdout.on('data', (b: Buffer) => out.push(b));
    child.stderr.on('data', (b: Buffer) => errOut.push(b));
    // systemd-creds may stop reading early on bad input: EPIPE here is not our failure.
    child.stdin.on('error', () => undefined);
    child.on('error', (e) => {
      spawnError = e.message;
    });
    child.on('close', (code) =>
      resolve({
        code,
        stdout: new Uint8Array(Buffer.concat(out)),
        stderr: Buffer.concat(errOut).toString('utf8').slice(0, 500),
        ...(spawnError !== undefined ? { spawnError } : {}),
      }),
    );
    child.stdin.end(input);
  });
}

// Messages that mean "the facility is missing", as opposed to "this blob is not authentic".
const UNAVAILABLE_RE = /tpm|credential\.secret|not supported|permission denied|no such device/i;

export function createSystemdCredsSealer(opts: SystemdCredsOptions = {}): KeySealer {
  const binary = opts.binary ?? 'systemd-creds';
  const withKey = opts.withKey ?? 'auto';
  const timeoutMs = opts.timeoutMs ?? 30_000;
  const checkLabel = (label: string) => {
    if (!LABEL_RE.test(label)) throw new TypeError(`bad sealing label ${label}`);
  };
  return {
    kind: 'systemd-creds',
    async seal(plaintext, label) {
      checkLabel(label);
      const r = await run(
        binary,
        ['encrypt', `--name=${label}`, `--with-key=${withKey}`, '-', '-'],
        plaintext,
        timeoutMs,
      );
      if (r.spawnError !== undefined) return err({ kind: 'unavailable', message: r.spawnError });
      if (r.code !== 0 || r.stdout.length === 0) {
        return err({ kind: 'unavailable', message: r.stderr.trim() || `exit ${String(r.code)}` });
      }
      return ok(r.stdout);
    },
    async unseal(sealed, label): Promise<Result<Uint8Array, UnsealError>> {
      checkLabel(label);
      const r = await run(binary, ['decrypt', `--name=${label}`, '-', '-'], sealed, timeoutMs);
      if (r.spawnError !== undefined) return err({ kind: 'unavailable', message: r.spawnError });
      if (r.code === 0) return ok(r.stdout);
      if (UNAVAILABLE_RE.test(r.stderr)) {
        return err({ kind: 'unavailable', message: r.stderr.trim() });
      }
      return err({ kind: 'auth-failed' });
    },
  };
}

/** True when a systemd-creds binary runs here (not whether it can reach a TPM or host key). */
export async function systemdCredsAvailable(binary = 'systemd-creds'): Promise<boolean> {
  const r = await run(binary, ['--version'], new Uint8Array(), 10_000);
  return r.spawnError === undefined && r.code === 0;
}
