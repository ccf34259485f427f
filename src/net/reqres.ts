// Request/response over libp2p streams. One stream per exchange:
//   unary:     caller sends one frame, closes its write end; handler answers one frame.
//   streaming: caller sends many frames, then closes; handler answers many, then closes.
// Each frame is a varint length plus canonical CBOR; requests are bare values, responses
// are `{ok: value}` or `{error: code}` envelopes. Expected failures come back as Result
// values on the calling side and as counted, logged rejections on the serving side.
import type { Connection, PeerId, Stream } from '@libp2p/interface';
import { peerIdFromString } from '@libp2p/peer-id';
import { multiaddr, type Multiaddr } from '@multiformats/multiaddr';
import type { Canonical } from '../protocol/encoding.js';
import { EVENTS } from '../shared/events.js';
import { err, ok, type Result } from '../shared/result.js';
import { deadline, idleDeadline, type Deadline, type IdleDeadline } from './deadline.js';
import { classifyDialError, errorMessage, type NetError, type RemoteErrorCode } from './errors.js';
import { FrameReader, FrameWriter, type ReadError, type WriteError } from './frames.js';
import type { NetNode } from './node.js';
import {
  decodeEnvelope,
  decodeMessage,
  encodeError,
  encodeMessage,
  encodeOk,
  type Protocol,
} from './protocol.js';
import { PeerLimiter } from './rate-limit.js';

export type Target = PeerId | Multiaddr | string;

export interface CallOptions {
  signal?: AbortSignal;
  /** Overrides the protocol's default timeout for this call, ms. */
  timeoutMs?: number;
}

export interface RequestContext {
  readonly peer: PeerId;
  readonly protocol: string;
  /** Aborts when the stream goes away (caller timed out, reset, or the node stopped). */
  readonly signal: AbortSignal;
}

export type Handler<Req, Res> = (request: Req, ctx: RequestContext) => Res | Promise<Res>;

export type StreamingHandler<Req, Res> = (
  requests: AsyncIterable<Req>,
  ctx: RequestContext,
) => AsyncIterable<Res> | Iterable<Res> | Promise<AsyncIterable<Res> | Iterable<Res>>;

export interface ServeOptions {
  /** How long a peer may take to deliver its request once the stream is open, ms. */
  readTimeoutMs?: number;
}

export const DEFAULT_READ_TIMEOUT_MS = 10_000;

export type RejectReason =
  | 'rate-limited'
  | 'too-large'
  | 'malformed'
  | 'too-many-messages'
  | 'timeout'
  | 'closed'
  | 'handler-failed'
  | 'response-too-large';

export interface ServiceStats {
  /** Exchanges whose response (or response stream) was written completely. */
  handled: number;
  rejected: Record<RejectReason, number>;
}

export interface Service {
  readonly protocol: string;
  readonly stats: Readonly<ServiceStats>;
  stop(): Promise<void>;
}

function parseTarget(t: Target): Result<PeerId | Multiaddr, NetError> {
  if (typeof t !== 'string') return ok(t);
  try {
    return ok(t.startsWith('/') ? multiaddr(t) : peerIdFromString(t));
  } catch (e) {
    return err({ kind: 'refused', reason: 'unreachable', message: errorMessage(e) });
  }
}

function readErrorToNet(e: ReadError, d: Deadline): NetError {
  switch (e.kind) {
    case 'too-large':
      return { kind: 'too-large', side: 'response', bytes: e.bytes, limit: e.limit };
    case 'malformed':
      return { kind: 'malformed', side: 'response', message: e.message };
    case 'closed':
      return { kind: 'closed', message: e.message };
    case 'aborted':
      return d.error();
  }
}

function writeErrorToNet(e: WriteError, d: Deadline): NetError {
  return e.kind === 'aborted' ? d.error() : { kind: 'closed', message: e.message };
}

async function openStream(
  node: NetNode,
  target: Target,
  protocol: Protocol<Canonical, Canonical>,
  d: Deadline,
): Promise<Result<Stream, NetError>> {
  const to = parseTarget(target);
  if (!to.ok) return to;
  try {
    return ok(await node.libp2p.dialProtocol(to.value, protocol.id, { signal: d.signal }));
  } catch (e) {
    return err(d.signal.aborted ? d.error() : classifyDialError(e));
  }
}

/** Sends one request and waits for its response. Never rejects. */
export async function call<Req extends Canonical, Res extends Canonical>(
  node: NetNode,
  target: Target,
  protocol: Protocol<Req, Res>,
  request: Req,
  opts: CallOptions = {},
): Promise<Result<Res, NetError>> {
  const body = encodeMessage(protocol.request, request);
  if (!body.ok) return err({ kind: 'malformed', side: 'request', message: body.error.message });
  if (body.value.byteLength > protocol.maxRequestBytes) {
    return err({
      kind: 'too-large',
      side: 'request',
      bytes: body.value.byteLength,
      limit: protocol.maxRequestBytes,
    });
  }
  const d = deadline(node.clock, opts.timeoutMs ?? protocol.timeoutMs, opts.signal);
  let stream: Stream | undefined;
  let outcome: Result<Res, NetError> | undefined;
  try {
    const opened = await openStream(node, target, protocol, d);
    if (!opened.ok) return (outcome = opened);
    stream = opened.value;
    const reader = new FrameReader(stream, protocol.maxResponseBytes, d.signal);
    const writer = new FrameWriter(stream);
    const wrote = await writer.write(body.value, d.signal);
    if (!wrote.ok) return (outcome = err(writeErrorToNet(wrote.error, d)));
    const ended = await writer.end(d.signal);
    if (!ended.ok) return (outcome = err(writeErrorToNet(ended.error, d)));
    const frame = await reader.next();
    if (!frame.ok) return (outcome = err(readErrorToNet(frame.error, d)));
    if (frame.value === null) {
      return (outcome = err({ kind: 'closed', message: 'stream ended without a response' }));
    }
    const env = decodeEnvelope(protocol.response, frame.value);
    if (!env.ok) {
      return (outcome = err({ kind: 'malformed', side: 'response', message: env.error.message }));
    }
    if ('error' in env.value) {
      const { error: code, message } = env.value;
      return (outcome = err(
        message === undefined ? { kind: 'remote', code } : { kind: 'remote', code, message },
      ));
    }
    return (outcome = ok(env.value.ok));
  } finally {
    d.dispose();
    // On any failure reset the stream, so the peer stops sending and frees it at once.
    if (stream !== undefined && outcome?.ok !== true) stream.abort(new Error('call failed'));
  }
}

export interface StreamCallOptions<Res> extends CallOptions {
  /**
   * Receives each response in order. It is awaited before the next response is read, so a
   * slow consumer pauses the peer. Without it responses are collected into the result.
   */
  onResponse?: (response: Res) => void | Promise<void>;
}

export interface StreamCallResult<Res> {
  sent: number;
  received: number;
  /** Empty when `onResponse` was given. */
  responses: Res[];
}

/**
 * Streams many requests over one stream and reads the responses concurrently (reading
 * while writing avoids a deadlock when both directions fill their windows). Never rejects,
 * except with what `onResponse` itself throws.
 */
export async function callStream<Req extends Canonical, Res extends Canonical>(
  node: NetNode,
  target: Target,
  protocol: Protocol<Req, Res>,
  requests: Iterable<Req> | AsyncIterable<Req>,
  opts: StreamCallOptions<Res> = {},
): Promise<Result<StreamCallResult<Res>, NetError>> {
  const d = deadline(node.clock, opts.timeoutMs ?? protocol.timeoutMs, opts.signal);
  let failure: NetError | undefined;
  let thrown: { e: unknown } | undefined;
  const result: StreamCallResult<Res> = { sent: 0, received: 0, responses: [] };
  try {
    const opened = await openStream(node, target, protocol, d);
    if (!opened.ok) return opened;
    const s = opened.value;
    const reader = new FrameReader(s, protocol.maxResponseBytes, d.signal);
    const writer = new FrameWriter(s);
    let writingDone = false;
    const failed = Promise.withResolvers<undefined>();
    const fail = (e: NetError): void => {
      if (failure !== undefined) return;
      failure = e;
      writer.discard();
      s.abort(new Error(`callStream failed: ${e.kind}`));
      failed.resolve(undefined);
    };
    // The deadline must also end a write loop that is waiting on a stalled async source.
    d.signal.addEventListener('abort', () => fail(d.error()), { once: true });

    const writing = async (): Promise<void> => {
      for await (const request of requests) {
        if (failure !== undefined) return;
        const body = encodeMessage(protocol.request, request);
        if (!body.ok) {
          return fail({
            kind: 'malformed',
            side: 'request',
            message: `request ${result.sent}: ${body.error.message}`,
          });
        }
        if (body.value.byteLength > protocol.maxRequestBytes) {
          return fail({
            kind: 'too-large',
            side: 'request',
            bytes: body.value.byteLength,
            limit: protocol.maxRequestBytes,
          });
        }
        if (result.sent >= protocol.maxMessages) {
          return fail({ kind: 'malformed', side: 'request', message: 'too many requests' });
        }
        const wrote = await writer.write(body.value, d.signal);
        if (!wrote.ok) return fail(writeErrorToNet(wrote.error, d));
        result.sent++;
      }
      if (failure !== undefined) return;
      // Set before end(): the peer may answer and close as soon as our FIN is out.
      writingDone = true;
      const ended = await writer.end(d.signal);
      if (!ended.ok) return fail(writeErrorToNet(ended.error, d));
    };

    const reading = async (): Promise<void> => {
      for (;;) {
        const frame = await reader.next();
        if (failure !== undefined) return;
        if (!frame.ok) return fail(readErrorToNet(frame.error, d));
        if (frame.value === null) {
          if (!writingDone) {
            fail({
              kind: 'closed',
              message: 'peer ended the stream before all requests were sent',
            });
          }
          return;
        }
        const env = decodeEnvelope(protocol.response, frame.value);
        if (!env.ok)
          return fail({ kind: 'malformed', side: 'response', message: env.error.message });
        if ('error' in env.value) {
          const { error: code, message } = env.value;
          return fail(
            message === undefined ? { kind: 'remote', code } : { kind: 'remote', code, message },
          );
        }
        if (result.received >= protocol.maxMessages) {
          return fail({ kind: 'malformed', side: 'response', message: 'too many responses' });
        }
        result.received++;
        if (opts.onResponse === undefined) {
          result.responses.push(env.value.ok);
        } else {
          try {
            await opts.onResponse(env.value.ok);
          } catch (e) {
            thrown = { e };
            return fail({ kind: 'aborted' });
          }
        }
      }
    };

    await Promise.all([
      // A failure ends the exchange even while the source is still awaited; that pending
      // next() is abandoned.
      Promise.race([
        writing().catch((e: unknown) => {
          // The caller's async iterable threw: a bug on the caller's side, rethrown below.
          thrown ??= { e };
          fail({ kind: 'aborted' });
        }),
        failed.promise,
      ]),
      reading(),
    ]);
  } finally {
    d.dispose();
  }
  if (thrown !== undefined) throw thrown.e;
  if (failure !== undefined) return err(failure);
  return ok(result);
}

interface Exchange {
  stream: Stream;
  connection: Connection;
  ctx: RequestContext;
  reject(reason: RejectReason, detail?: string): void;
}

/** The serving side shared by both variants: admission, stats, logging, the context. */
function register<Req extends Canonical, Res extends Canonical>(
  node: NetNode,
  protocol: Protocol<Req, Res>,
  run: (x: Exchange) => Promise<boolean>,
): Promise<Service> {
  const limiter = new PeerLimiter(protocol.rateLimit, node.clock);
  const stats: ServiceStats = {
    handled: 0,
    rejected: {
      'rate-limited': 0,
      'too-large': 0,
      malformed: 0,
      'too-many-messages': 0,
      timeout: 0,
      closed: 0,
      'handler-failed': 0,
      'response-too-large': 0,
    },
  };
  const log = node.logger.child({ protocol: protocol.id });

  const onStream = async (stream: Stream, connection: Connection): Promise<void> => {
    const peer = connection.remotePeer;
    const reject = (reason: RejectReason, detail?: string) => {
      stats.rejected[reason]++;
      const fields = { peer: peer.toString(), reason, detail };
      if (reason === 'handler-failed') log.error(EVENTS.netHandlerFailed, fields);
      else log.warn(EVENTS.netRequestRejected, fields);
    };
    const admitted = limiter.acquire(peer.toString());
    if (!admitted.ok) {
      reject('rate-limited', admitted.error);
      await replyError(stream, 'rate-limited', admitted.error === 'rate' ? 'rate' : 'concurrency');
      return;
    }
    const release = admitted.value;
    const ac = new AbortController();
    const onClose = () => {
      // A stalled handler must not hold the peer's slot after its stream is gone.
      release();
      ac.abort();
    };
    stream.addEventListener('close', onClose, { once: true });
    try {
      const done = await run({
        stream,
        connection,
        ctx: { peer, protocol: protocol.id, signal: ac.signal },
        reject,
      });
      if (done) stats.handled++;
    } catch (e) {
      // run() handles every expected failure; this is a bug, but one peer's request must
      // never take the node down.
      reject('handler-failed', errorMessage(e));
      stream.abort(new Error('internal error'));
    } finally {
      stream.removeEventListener('close', onClose);
      release();
    }
  };

  const maxStreams = Math.max(32, protocol.rateLimit.maxConcurrent * 2);
  return node.libp2p
    .handle(protocol.id, onStream, {
      maxInboundStreams: maxStreams,
      maxOutboundStreams: maxStreams,
    })
    .then(() => ({
      protocol: protocol.id,
      stats,
      stop: () => node.libp2p.unhandle(protocol.id),
    }));
}

async function replyError(stream: Stream, code: RemoteErrorCode, message?: string): Promise<void> {
  const writer = new FrameWriter(stream);
  const wrote = await writer.write(encodeError(code, message));
  if (wrote.ok) await writer.end();
}

/** Arms the serving side's read timeout on the node's clock. */
function readDeadline(x: Exchange, node: NetNode, opts: ServeOptions): IdleDeadline {
  return idleDeadline(node.clock, opts.readTimeoutMs ?? DEFAULT_READ_TIMEOUT_MS, x.ctx.signal);
}

/**
 * Maps a failed read of a request to a rejection. A too-large or timed-out request gets a
 * stream reset (the peer must stop sending); a malformed one gets a `bad-request` answer.
 */
async function rejectRead(x: Exchange, e: ReadError, d: Deadline): Promise<void> {
  switch (e.kind) {
    case 'too-large':
      x.reject('too-large', `${e.bytes} > ${e.limit}`);
      x.stream.abort(new Error('request too large'));
      return;
    case 'malformed':
      x.reject('malformed', e.message);
      await replyError(x.stream, 'bad-request', e.message);
      return;
    case 'closed':
      x.reject('closed', e.message);
      return;
    case 'aborted':
      if (d.error().kind === 'timeout') {
        x.reject('timeout');
        x.stream.abort(new Error('request timed out'));
      } else {
        x.reject('closed');
      }
      return;
  }
}

/** Serves a unary protocol: one request in, one response out, per stream. */
export function serve<Req extends Canonical, Res extends Canonical>(
  node: NetNode,
  protocol: Protocol<Req, Res>,
  handler: Handler<Req, Res>,
  opts: ServeOptions = {},
): Promise<Service> {
  return register(node, protocol, async (x) => {
    const d = readDeadline(x, node, opts);
    const reader = new FrameReader(x.stream, protocol.maxRequestBytes, d.signal);
    const frame = await reader.next().finally(() => d.dispose());
    if (!frame.ok) {
      await rejectRead(x, frame.error, d);
      return false;
    }
    if (frame.value === null) {
      x.reject('malformed', 'no request');
      await replyError(x.stream, 'bad-request', 'no request');
      return false;
    }
    const request = decodeMessage(protocol.request, frame.value);
    if (!request.ok) {
      x.reject('malformed', request.error.message);
      await replyError(x.stream, 'bad-request', request.error.message);
      return false;
    }
    let response: Res;
    try {
      response = await handler(request.value, x.ctx);
    } catch (e) {
      x.reject('handler-failed', errorMessage(e));
      await replyError(x.stream, 'internal');
      return false;
    }
    if (x.ctx.signal.aborted) {
      x.reject('closed', 'stream closed before the response');
      return false;
    }
    const body = encodeOk(protocol.response, response);
    if (!body.ok) {
      // The handler broke its own protocol's schema: a bug on this side, not the peer's.
      x.reject('handler-failed', `response: ${body.error.message}`);
      await replyError(x.stream, 'internal');
      return false;
    }
    if (body.value.byteLength > protocol.maxResponseBytes) {
      x.reject('response-too-large', `${body.value.byteLength} > ${protocol.maxResponseBytes}`);
      await replyError(x.stream, 'response-too-large');
      return false;
    }
    const writer = new FrameWriter(x.stream);
    const wrote = await writer.write(body.value);
    const ended = wrote.ok ? await writer.end() : wrote;
    if (!ended.ok) {
      x.reject('closed', ended.error.kind === 'closed' ? ended.error.message : 'aborted');
      return false;
    }
    return true;
  });
}

/**
 * Serves a streaming protocol: the handler consumes the requests as an async iterable
 * (pulled on demand, so a slow handler pauses the peer) and yields responses.
 */
export function serveStream<Req extends Canonical, Res extends Canonical>(
  node: NetNode,
  protocol: Protocol<Req, Res>,
  handler: StreamingHandler<Req, Res>,
  opts: ServeOptions = {},
): Promise<Service> {
  return register(node, protocol, async (x) => {
    const idle = readDeadline(x, node, opts);
    const reader = new FrameReader(x.stream, protocol.maxRequestBytes, idle.signal);
    const writer = new FrameWriter(x.stream);
    let inputDone = false;
    // Set by the request iterable when the peer misbehaves; ends the exchange.
    let readFailure:
      | { e: ReadError; d: Deadline }
      | { reason: 'malformed' | 'too-many-messages'; message: string }
      | undefined;

    async function* requests(): AsyncGenerator<Req> {
      let count = 0;
      for (;;) {
        // Idle time only: a bulk upload may take long, a silent peer may not.
        idle.waiting();
        const frame = await reader.next();
        idle.delivered();
        if (!frame.ok) {
          readFailure = { e: frame.error, d: idle };
          return;
        }
        if (frame.value === null) {
          inputDone = true;
          return;
        }
        if (++count > protocol.maxMessages) {
          readFailure = {
            reason: 'too-many-messages',
            message: `more than ${protocol.maxMessages}`,
          };
          return;
        }
        const request = decodeMessage(protocol.request, frame.value);
        if (!request.ok) {
          readFailure = {
            reason: 'malformed',
            message: `request ${count - 1}: ${request.error.message}`,
          };
          return;
        }
        yield request.value;
      }
    }

    let failure: { reason: RejectReason; code: RemoteErrorCode; message: string } | undefined;
    try {
      const out = await handler(requests(), x.ctx);
      for await (const response of out) {
        if (readFailure !== undefined || x.ctx.signal.aborted) break;
        const body = encodeOk(protocol.response, response);
        if (!body.ok) {
          failure = { reason: 'handler-failed', code: 'internal', message: body.error.message };
          break;
        }
        if (body.value.byteLength > protocol.maxResponseBytes) {
          failure = {
            reason: 'response-too-large',
            code: 'response-too-large',
            message: `${body.value.byteLength} > ${protocol.maxResponseBytes}`,
          };
          break;
        }
        const wrote = await writer.write(body.value, x.ctx.signal);
        if (!wrote.ok) break;
      }
    } catch (e) {
      failure = { reason: 'handler-failed', code: 'internal', message: errorMessage(e) };
    }
    // Nothing reads after the handler is done.
    idle.dispose();

    if (readFailure !== undefined) {
      writer.discard();
      const rf = readFailure;
      if ('e' in rf) {
        await rejectRead(x, rf.e, rf.d);
      } else {
        x.reject(rf.reason, rf.message);
        await replyError(x.stream, rf.reason === 'malformed' ? 'bad-request' : 'too-many-messages');
        x.stream.abort(new Error(rf.reason));
      }
      return false;
    }
    if (failure !== undefined) {
      x.reject(failure.reason, failure.message);
      const wrote = await writer.write(encodeError(failure.code));
      if (wrote.ok) await writer.end();
      if (!inputDone) x.stream.abort(new Error(failure.reason));
      return false;
    }
    if (x.ctx.signal.aborted) {
      x.reject('closed', 'stream closed before the responses were written');
      return false;
    }
    const ended = await writer.end();
    if (!ended.ok) {
      x.reject('closed', ended.error.kind === 'closed' ? ended.error.message : 'aborted');
      return false;
    }
    if (!inputDone) {
      // The handler stopped reading early; reset so the peer stops sending into a void.
      x.stream.abort(new Error('handler ended before the requests did'));
    }
    return true;
  });
}
