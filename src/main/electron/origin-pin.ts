// Which URLs the kiosk window may reach: the host's origin (http and its WebSocket twin on
// the same port) and nothing else. The origin is only known once the host said where it
// listens, and it may change when the host restarts, hence a getter.
export type CurrentOrigin = () => string | undefined;

function parse(url: string): URL | undefined {
  try {
    return new URL(url);
  } catch {
    return undefined;
  }
}

/** True only for a page URL on exactly the host's origin. */
export function isHostPage(url: string, origin: string | undefined): boolean {
  if (origin === undefined) return false;
  const u = parse(url);
  return u !== undefined && u.protocol === 'http:' && u.origin === origin;
}

/** True for a request the renderer may make: the host's origin over http or ws. */
export function isHostRequest(url: string, origin: string | undefined): boolean {
  if (origin === undefined) return false;
  const u = parse(url);
  const o = parse(origin);
  if (u === undefined || o === undefined) return false;
  if (u.protocol !== 'http:' && u.protocol !== 'ws:') return false;
  return u.hostname === o.hostname && u.port === o.port && u.username === '' && u.password === '';
}

/** Origin of a URL for logging: never the path, query or fragment (the token lives there). */
export function originForLog(url: string): string {
  const u = parse(url);
  if (u === undefined) return 'unparseable';
  return u.protocol === 'data:' ? 'data:' : `${u.protocol}//${u.host}`;
}
