// The host's only listening socket: 127.0.0.1, an ephemeral or configured port. Serves the
// renderer, the RPC under /rpc/<method>, and live events as a WebSocket on /events.
import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { WebSocketServer, type WebSocket } from 'ws';
import { EVENTS } from '../../shared/events.js';
import type { Logger } from '../../shared/log.js';
import { dispatch, type Handlers } from '../rpc/dispatch.js';
import { WS_PROTOCOL, WS_TOKEN_PREFIX, type LiveEvent, type RpcError } from '../rpc/schema.js';
import { readBody } from './body.js';
import { bearerToken, checkHostAndOrigin, tokenMatches } from './guard.js';
import { serveStatic } from './static.js';

export interface HostServer {
  readonly origin: string;
  readonly port: number;
  readonly token: string;
  broadcast(event: LiveEvent): void;
  /** Sends each new client its initial state. */
  onClient(greet: () => LiveEvent[]): void;
  close(): Promise<void>;
}

export interface ServerOptions {
  handlers: Handlers;
  rendererDir: string;
  logger: Logger;
  port?: number;
  /** Tests pass a fixed token; production generates one per boot. */
  token?: string;
}

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'Content-Type': 'application/json; charset=utf-8',
    'Content-Length': String(Buffer.byteLength(text)),
    'Cache-Control': 'no-store',
    'X-Content-Type-Options': 'nosniff',
  });
  res.end(text);
}

function refuse(res: ServerResponse, status: number, error: RpcError): void {
  sendJson(res, status, { ok: false, error });
}

export async function startServer(opts: ServerOptions): Promise<HostServer> {
  const token = opts.token ?? randomBytes(32).toString('base64url');
  const log = opts.logger;
  let port = 0;
  let greet: () => LiveEvent[] = () => [];
  const sockets = new Set<Socket>();
  let closing = false;

  const wss = new WebSocketServer({
    noServer: true,
    maxPayload: 4 * 1024,
    handleProtocols: (protocols) => (protocols.has(WS_PROTOCOL) ? WS_PROTOCOL : false),
  });

  const handleRpc = async (req: IncomingMessage, res: ServerResponse, method: string) => {
    if (req.method !== 'POST') {
      refuse(res, 405, { kind: 'invalid-request', message: 'RPC calls are POST' });
      return;
    }
    if (!tokenMatches(bearerToken(req), token)) {
      log.warn(EVENTS.rpcRejected, { reason: 'unauthorized', method });
      refuse(res, 401, { kind: 'unauthorized', message: 'missing or wrong boot token' });
      return;
    }
    const ct = req.headers['content-type'] ?? '';
    if (!ct.startsWith('application/json')) {
      refuse(res, 415, {
        kind: 'invalid-request',
        message: 'content-type must be application/json',
      });
      return;
    }
    const body = await readBody(req);
    if (!body.ok) {
      log.warn(EVENTS.rpcRejected, { reason: body.error, method });
      res.setHeader('Connection', 'close');
      refuse(res, 413, { kind: 'payload-too-large', message: 'request body too large' });
      return;
    }
    try {
      const out = await dispatch(opts.handlers, method, body.value);
      if (out.status !== 200) log.warn(EVENTS.rpcRejected, { reason: out.body.error.kind, method });
      sendJson(res, out.status, out.body);
    } catch (e) {
      log.error(EVENTS.rpcFailed, { method, error: e instanceof Error ? e.message : String(e) });
      refuse(res, 500, { kind: 'internal', message: 'the kiosk hit an internal error' });
    }
  };

  const server = createServer((req, res) => {
    const bad = checkHostAndOrigin(req, port);
    if (bad !== null) {
      log.warn(EVENTS.rpcRejected, { reason: bad, path: (req.url ?? '').slice(0, 64) });
      refuse(res, 403, { kind: 'forbidden-origin', message: 'wrong Host or Origin' });
      return;
    }
    const path = (req.url ?? '/').split('?')[0] ?? '/';
    if (path.startsWith('/rpc/')) {
      void handleRpc(req, res, path.slice('/rpc/'.length));
      return;
    }
    serveStatic(req, res, opts.rendererDir, port);
  });
  server.headersTimeout = 10_000;
  server.requestTimeout = 15_000;
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });

  server.on('upgrade', (req, socket, head) => {
    const path = (req.url ?? '').split('?')[0];
    const offered = (req.headers['sec-websocket-protocol'] ?? '').split(',').map((p) => p.trim());
    const presented = offered
      .find((p) => p.startsWith(WS_TOKEN_PREFIX))
      ?.slice(WS_TOKEN_PREFIX.length);
    if (
      closing ||
      path !== '/events' ||
      checkHostAndOrigin(req, port) !== null ||
      !tokenMatches(presented, token)
    ) {
      log.warn(EVENTS.rpcRejected, { reason: 'websocket-refused' });
      socket.end('HTTP/1.1 403 Forbidden\r\nConnection: close\r\n\r\n');
      return;
    }
    wss.handleUpgrade(req, socket, head, (ws: WebSocket) => {
      log.info(EVENTS.eventsClientOpen, { clients: wss.clients.size });
      ws.on('close', () => log.info(EVENTS.eventsClientClose, { clients: wss.clients.size }));
      // The renderer never needs to send anything; a client that does is closed.
      ws.on('message', () => ws.close(1008, 'no messages accepted'));
      for (const e of greet()) ws.send(JSON.stringify(e));
    });
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  port = (server.address() as AddressInfo).port;
  const origin = `http://127.0.0.1:${port}`;

  return {
    origin,
    port,
    token,
    broadcast(event) {
      const text = JSON.stringify(event);
      for (const c of wss.clients) if (c.readyState === c.OPEN) c.send(text);
    },
    onClient(fn) {
      greet = fn;
    },
    async close() {
      closing = true;
      for (const c of wss.clients) c.close(1001, 'host shutting down');
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeIdleConnections();
      // In-flight requests get a moment to finish; then the sockets are cut.
      const timer = setTimeout(() => {
        for (const s of sockets) s.destroy();
      }, 2000);
      await closed;
      clearTimeout(timer);
      wss.close();
    },
  };
}
