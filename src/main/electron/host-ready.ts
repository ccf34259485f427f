// The one message the host sends the shell: where it listens and the boot token the page
// must present. It crosses a process boundary, so it is parsed, not trusted: the origin
// must be plain http on the loopback address (the shell pins navigation to it, so a bad
// origin here would widen what the kiosk window may load).
import { z } from 'zod';
import { err, ok, type Result } from '../../shared/result.js';

export interface HostReady {
  /** `http://127.0.0.1:<port>`, exactly; no path. */
  readonly origin: string;
  /** Opaque boot token; travels to the page in the URL fragment only. */
  readonly token: string;
}

const readySchema = z.object({
  type: z.literal('veche-host-ready'),
  origin: z.string().regex(/^http:\/\/127\.0\.0\.1:[1-9][0-9]{0,4}$/),
  // URL-fragment safe, so it cannot smuggle a second fragment or a path into the URL.
  token: z.string().regex(/^[A-Za-z0-9_-]{16,256}$/),
});

export function parseHostReady(message: unknown): Result<HostReady, string> {
  const parsed = readySchema.safeParse(message);
  if (!parsed.success)
    return err('not a veche-host-ready message with a loopback origin and a token');
  // Not `new URL(...)`: it throws on a port above 65535 instead of saying no.
  const port = Number(parsed.data.origin.slice(parsed.data.origin.lastIndexOf(':') + 1));
  if (port > 65535) return err('port out of range');
  return ok({ origin: parsed.data.origin, token: parsed.data.token });
}

/** The page URL: the token rides in the fragment, which browsers never send to a server. */
export function pageUrl(ready: HostReady): string {
  return `${ready.origin}/#token=${ready.token}`;
}
