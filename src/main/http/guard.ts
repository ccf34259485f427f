// Every request must come from the kiosk's own page on loopback: the Host header names our
// listening address (DNS rebinding), the Origin (when a browser sends one) is our origin,
// and API calls carry the boot token the host generated at start.
import { timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';

export interface GuardConfig {
  port: number;
  token: string;
}

export type GuardFailure = 'forbidden-origin' | 'unauthorized';

export function allowedHosts(port: number): ReadonlySet<string> {
  return new Set([`127.0.0.1:${port}`, `localhost:${port}`]);
}

export function checkHostAndOrigin(req: IncomingMessage, port: number): GuardFailure | null {
  const hosts = allowedHosts(port);
  const host = req.headers.host;
  if (host === undefined || !hosts.has(host.toLowerCase())) return 'forbidden-origin';
  const origin = req.headers.origin;
  if (origin !== undefined) {
    if (origin === 'null') return 'forbidden-origin';
    let parsed: URL;
    try {
      parsed = new URL(origin);
    } catch {
      return 'forbidden-origin';
    }
    if (parsed.protocol !== 'http:' || !hosts.has(parsed.host.toLowerCase())) {
      return 'forbidden-origin';
    }
  }
  return null;
}

export function tokenMatches(presented: string | undefined, token: string): boolean {
  if (presented === undefined) return false;
  const a = Buffer.from(presented);
  const b = Buffer.from(token);
  return a.length === b.length && timingSafeEqual(a, b);
}

export function bearerToken(req: IncomingMessage): string | undefined {
  const h = req.headers.authorization;
  if (h === undefined) return undefined;
  const m = /^Bearer ([A-Za-z0-9_-]{16,128})$/.exec(h);
  return m?.[1];
}
