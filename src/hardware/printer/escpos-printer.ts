// Receipt printer driver: ESC/POS over a serial line. Everything that touches the line
// runs through one queue, so a status request (DLE EOT) is only ever written between jobs
// or between complete commands, never inside one. A job is written chunk by chunk (see
// encode-job.ts); after each chunk the driver looks at the printer's status — pushed by
// automatic status back where the profile has it, polled with DLE EOT where it has not —
// and stops at the first paper-out, cover-open or error, reporting that status. Where the
// printer supports it, the job ends with a process-ID barrier so "ok" means "printed", and
// an aborted job's unprinted rest is cleared so it cannot come out after the paper is back.
import type { Clock } from '../../shared/clock.js';
import { HARDWARE_EVENTS } from '../../shared/events.js';
import type { Logger } from '../../shared/log.js';
import { assertNever, err, ok, type Result } from '../../shared/result.js';
import { Listeners, type BytePort, type PortOpener } from '../transport/byte-port.js';
import type { DeviceError, PrintError, PrinterStatus, PrintJob, ReceiptPrinter } from '../types.js';
import { encodeJob } from './encode-job.js';
import type { PrinterProfile } from './profiles.js';
import {
  ASB_ALL,
  blocking,
  CLEAR_BUFFERS,
  DLE_EOT,
  PrinterReplyParser,
  sameStatus,
  statusFromAsb,
  statusFromRealtime,
  type PrinterReply,
} from './status-bytes.js';

export interface EscPosPrinterOptions {
  open: PortOpener;
  clock: Clock;
  logger: Logger;
  profile: PrinterProfile;
  name?: string;
  /** How long a DLE EOT answer may take. */
  replyTimeoutMs?: number;
  /** How long the completion barrier may take (printing a long receipt). */
  jobTimeoutMs?: number;
}

type Waiter<T> = { resolve: (v: T | null) => void };

export class EscPosPrinter implements ReceiptPrinter {
  readonly name: string;
  private port: BytePort | null = null;
  private readonly parser = new PrinterReplyParser();
  private readonly statusListeners = new Listeners<PrinterStatus>();
  private tail: Promise<unknown> = Promise.resolve();
  private realtimeWaiter: Waiter<number> | null = null;
  private barrierWaiter: { id: string; w: Waiter<true> } | null = null;
  private asbStatus: PrinterStatus | null = null;
  private lastStatus: PrinterStatus | null = null;
  private jobSeq = 0;
  private unsubs: Array<() => void> = [];

  constructor(private readonly opts: EscPosPrinterOptions) {
    this.name = opts.name ?? `escpos-${opts.profile.id}`;
  }

  onStatus(listener: (status: PrinterStatus) => void): () => void {
    return this.statusListeners.add(listener);
  }

  status(): Promise<Result<PrinterStatus, DeviceError>> {
    return this.exclusive(async () => {
      const port = await this.ensurePort();
      if (!port.ok) return port;
      return this.queryStatus(port.value);
    });
  }

  print(job: PrintJob): Promise<Result<void, PrintError>> {
    return this.exclusive(() => this.runJob(job));
  }

  async close(): Promise<void> {
    await this.exclusive(async () => {
      const p = this.port;
      this.detach();
      await p?.close();
    });
  }

  // The one queue: every use of the line waits for the previous one to finish.
  private exclusive<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.tail.then(fn, fn);
    this.tail = run.catch(() => undefined);
    return run;
  }

  private async ensurePort(): Promise<Result<BytePort, DeviceError>> {
    if (this.port) return ok(this.port);
    const opened = await this.opts.open();
    if (!opened.ok) return opened;
    const port = opened.value;
    this.port = port;
    this.asbStatus = null;
    this.unsubs = [port.onData((b) => this.onBytes(b)), port.onClose((d) => this.onLost(d))];
    this.opts.logger.info(HARDWARE_EVENTS.deviceConnected, {
      device: this.name,
      profile: this.opts.profile.id,
    });
    if (this.opts.profile.autoStatusBack) {
      // The printer answers GS a with a first status block at once.
      const w = await port.write(Uint8Array.from([0x1d, 0x61, ASB_ALL]));
      if (!w.ok) return w;
    }
    return ok(port);
  }

  private detach(): void {
    for (const u of this.unsubs) u();
    this.unsubs = [];
    this.port = null;
    this.asbStatus = null;
    this.realtimeWaiter?.resolve(null);
    this.realtimeWaiter = null;
    this.barrierWaiter?.w.resolve(null);
    this.barrierWaiter = null;
  }

  private onLost(detail: string): void {
    if (!this.port) return;
    this.opts.logger.warn(HARDWARE_EVENTS.deviceDisconnected, { device: this.name, detail });
    this.detach();
  }

  private onBytes(bytes: Uint8Array): void {
    for (const r of this.parser.push(bytes)) this.onReply(r);
  }

  private onReply(r: PrinterReply): void {
    switch (r.kind) {
      case 'realtime': {
        const w = this.realtimeWaiter;
        this.realtimeWaiter = null;
        w?.resolve(r.byte);
        return;
      }
      case 'asb':
        this.asbStatus = statusFromAsb(r.bytes);
        this.publish(this.asbStatus);
        // A job waiting on its completion barrier will not complete on a stopped printer.
        if (blocking(this.asbStatus) && this.barrierWaiter) {
          const b = this.barrierWaiter;
          this.barrierWaiter = null;
          b.w.resolve(null);
        }
        return;
      case 'process-id': {
        const b = this.barrierWaiter;
        if (b && b.id === r.id.join(',')) {
          this.barrierWaiter = null;
          b.w.resolve(true);
        }
        return;
      }
      case 'buffer-cleared':
        return;
      case 'unknown':
        this.opts.logger.warn(HARDWARE_EVENTS.deviceFault, {
          device: this.name,
          detail: `unexpected byte 0x${(r.bytes[0] ?? 0).toString(16)} from printer`,
        });
        return;
      default:
        assertNever(r, 'printer reply');
    }
  }

  private publish(s: PrinterStatus): void {
    if (this.lastStatus && sameStatus(this.lastStatus, s)) return;
    this.lastStatus = s;
    this.opts.logger.info(HARDWARE_EVENTS.printerStatus, { device: this.name, ...s });
    this.statusListeners.emit(s);
  }

  private wait<T>(set: (w: Waiter<T>) => void, ms: number): Promise<T | null> {
    return new Promise<T | null>((resolve) => {
      const t = this.opts.clock.setTimeout(() => resolve(null), ms);
      set({
        resolve: (v) => {
          this.opts.clock.clearTimeout(t);
          resolve(v);
        },
      });
    });
  }

  /** DLE EOT 1–4, one at a time. Only called from inside the queue, between commands. */
  private async queryStatus(port: BytePort): Promise<Result<PrinterStatus, DeviceError>> {
    const answers: number[] = [];
    for (const n of [1, 2, 3, 4] as const) {
      const answer = this.wait<number>(
        (w) => (this.realtimeWaiter = w),
        this.opts.replyTimeoutMs ?? 1000,
      );
      const wrote = await port.write(Uint8Array.from(DLE_EOT(n)));
      if (!wrote.ok) {
        this.realtimeWaiter = null;
        return wrote;
      }
      const b = await answer;
      if (b === null) {
        if (!this.port) return err({ kind: 'disconnected', detail: `${this.name}: line lost` });
        return err({ kind: 'io', detail: `${this.name}: no answer to DLE EOT ${n}` });
      }
      answers.push(b);
    }
    const s = statusFromRealtime(
      answers[0] ?? 0,
      answers[1] ?? 0,
      answers[2] ?? 0,
      answers[3] ?? 0,
    );
    this.publish(s);
    return ok(s);
  }

  /** The status to judge the job by: the pushed one if the printer pushes, else polled. */
  private async currentStatus(port: BytePort): Promise<Result<PrinterStatus, DeviceError>> {
    if (this.asbStatus) return ok(this.asbStatus);
    return this.queryStatus(port);
  }

  private async runJob(job: PrintJob): Promise<Result<void, PrintError>> {
    const seq = ++this.jobSeq;
    const log = this.opts.logger;
    log.info(HARDWARE_EVENTS.printStart, { device: this.name, job: seq, lines: job.lines.length });
    const fail = (e: PrintError): Result<void, PrintError> => {
      log.warn(HARDWARE_EVENTS.printFailed, {
        device: this.name,
        job: seq,
        kind: e.kind,
        ...(e.kind === 'status' ? e.status : { detail: e.error.detail }),
      });
      return err(e);
    };
    const chunks = encodeJob(job, this.opts.profile);
    const opened = await this.ensurePort();
    if (!opened.ok) return fail({ kind: 'device', error: opened.error });
    const port = opened.value;

    // Before the first byte: a job is never started on a printer that cannot finish it.
    const before = await this.queryStatus(port);
    if (!before.ok) return fail({ kind: 'device', error: before.error });
    if (blocking(before.value)) return fail({ kind: 'status', status: before.value });

    for (const chunk of chunks) {
      const wrote = await port.write(chunk);
      if (!wrote.ok) return fail({ kind: 'device', error: wrote.error });
      const s = await this.currentStatus(port);
      if (!s.ok) return fail({ kind: 'device', error: s.error });
      if (blocking(s.value)) return fail(await this.abort(port, s.value));
    }

    if (this.opts.profile.processIdResponse) {
      // GS ( H is processed in order: its answer means everything before it was printed.
      const id = [0x30 + (seq % 10), 0x30 + ((seq >> 4) % 10), 0x30, 0x31];
      const done = this.wait<true>(
        (w) => (this.barrierWaiter = { id: id.join(','), w }),
        this.opts.jobTimeoutMs ?? 15000,
      );
      const wrote = await port.write(
        Uint8Array.from([0x1d, 0x28, 0x48, 0x06, 0x00, 0x30, 0x30, ...id]),
      );
      if (!wrote.ok) return fail({ kind: 'device', error: wrote.error });
      const printed = await done;
      if (printed === null) {
        this.barrierWaiter = null;
        const s = await this.queryStatus(port);
        if (!s.ok) return fail({ kind: 'device', error: s.error });
        if (blocking(s.value)) return fail(await this.abort(port, s.value));
        return fail({
          kind: 'device',
          error: { kind: 'io', detail: `${this.name}: job did not complete in time` },
        });
      }
    }
    const after = await this.queryStatus(port);
    if (!after.ok) return fail({ kind: 'device', error: after.error });
    if (blocking(after.value)) return fail(await this.abort(port, after.value));
    log.info(HARDWARE_EVENTS.printOk, { device: this.name, job: seq });
    return ok(undefined);
  }

  // Stops a job: the rest of it must not print when the paper comes back, because the
  // caller will reprint the whole receipt.
  private async abort(port: BytePort, status: PrinterStatus): Promise<PrintError> {
    if (this.opts.profile.clearBuffers) await port.write(Uint8Array.from(CLEAR_BUFFERS));
    return { kind: 'status', status };
  }
}
