// Fuzz properties for every device parser, run by the unit tests (few cases) and by
// bench/hardware.bench.ts (100 000 cases each). Each feeds random, truncated and mutated
// frames to the *driver* where one exists, so "nothing throws past the driver, every
// failure is a clear error event" is checked on the path the kiosk really runs.
import fc from 'fast-check';
import { HidCardReader } from '../../../src/hardware/card/hid-card-reader.js';
import { encodeHidPosReports } from '../../../src/hardware/card/hid-pos.js';
import { encodeWedgeReports, LAYOUTS } from '../../../src/hardware/card/keyboard-wedge.js';
import { SerialCardReader } from '../../../src/hardware/card/serial-card-reader.js';
import { EscPosDecoder } from '../../../src/hardware/escpos/decoder.js';
import { encodeJob } from '../../../src/hardware/printer/encode-job.js';
import { EscPosPrinter } from '../../../src/hardware/printer/escpos-printer.js';
import { PRINTER_PROFILES } from '../../../src/hardware/printer/profiles.js';
import { FakeHidModule, SIM_HID_READER_INFO } from '../../../src/hardware/sim/hid-sim.js';
import { SAMPLE_PEOPLE } from '../../../src/hardware/sim/people.js';
import { Listeners, type BytePort } from '../../../src/hardware/transport/byte-port.js';
import type { CardEvent } from '../../../src/hardware/types.js';
import { ManualClock } from '../../../src/shared/clock.js';
import { silentLogger } from '../../../src/shared/log.js';
import { ok } from '../../../src/shared/result.js';

const enc = (s: string) => new TextEncoder().encode(s);
const REASONS = new Set(['read-badly', 'expired', 'unsupported-document', 'reader-fault']);
const ISO = /^\d{4}-\d\d-\d\d$/;

/** Every card event is well-formed, and present/removed alternate. */
export function checkCardEvents(events: CardEvent[]): void {
  let present = false;
  for (const e of events) {
    switch (e.type) {
      case 'present':
        if (present) throw new Error('present twice');
        present = true;
        break;
      case 'removed':
        if (!present) throw new Error('removed without present');
        present = false;
        break;
      case 'read':
        if (
          !['TD1', 'TD3'].includes(e.document.format) ||
          !ISO.test(e.document.birthDate) ||
          !ISO.test(e.document.expiryDate)
        )
          throw new Error('bad document');
        break;
      case 'error':
        if (!REASONS.has(e.reason) || typeof e.detail !== 'string' || e.detail === '')
          throw new Error(`bad error ${JSON.stringify(e)}`);
        break;
      default:
        throw new Error(`unknown event ${JSON.stringify(e)}`);
    }
  }
}

/** Valid inputs broken the ways a real line breaks them: cut short, bytes flipped, noise. */
function damaged(valid: fc.Arbitrary<Uint8Array>): fc.Arbitrary<Uint8Array> {
  return fc.oneof(
    fc.uint8Array({ maxLength: 300 }),
    valid,
    valid.chain((v) => fc.nat(v.length).map((n) => v.subarray(0, n))),
    valid.chain((v) =>
      fc
        .array(fc.tuple(fc.nat(Math.max(0, v.length - 1)), fc.integer({ min: 0, max: 255 })), {
          minLength: 1,
          maxLength: 4,
        })
        .map((muts) => {
          const c = Uint8Array.from(v);
          for (const [i, x] of muts) if (i < c.length) c[i] = x;
          return c;
        }),
    ),
  );
}

const person = fc.constantFrom(...SAMPLE_PEOPLE);
const chunkCuts = fc.array(fc.nat(600), { maxLength: 5 });

function chunks(bytes: Uint8Array, cuts: number[]): Uint8Array[] {
  const points = [...new Set([0, ...cuts.filter((c) => c < bytes.length), bytes.length])].sort(
    (a, b) => a - b,
  );
  const out: Uint8Array[] = [];
  for (let i = 0; i + 1 < points.length; i++) out.push(bytes.subarray(points[i], points[i + 1]));
  return out;
}

/** A BytePort in memory: `feed` delivers device bytes synchronously. */
function memoryPort(
  onWrite: (bytes: Uint8Array, feed: (b: Uint8Array) => void) => void,
): BytePort & { feed(b: Uint8Array): void } {
  const data = new Listeners<Uint8Array>();
  const feed = (b: Uint8Array) => data.emit(b);
  return {
    feed,
    async write(bytes) {
      onWrite(bytes, feed);
      return ok(undefined);
    },
    onData: (fn) => data.add(fn),
    onClose: () => () => undefined,
    async close() {},
  };
}

const serialFrame = person.map((p) =>
  enc(`@CARD_IN\r\n${p.mrz.join('\r\n')}\r\n\r\n@CARD_OUT\r\n`),
);

export const serialFramingProperty = () =>
  fc.asyncProperty(
    fc.array(damaged(serialFrame), { minLength: 1, maxLength: 3 }),
    chunkCuts,
    async (frames, cuts) => {
      const clock = new ManualClock();
      const port = memoryPort((b, feed) => {
        if (b[0] === 0x3f) feed(enc('@READY FUZZ AA\r\n'));
      });
      const reader = new SerialCardReader({
        open: async () => ok(port),
        clock,
        logger: silentLogger,
      });
      const events: CardEvent[] = [];
      reader.onEvent((e) => events.push(e));
      if (!(await reader.start()).ok) throw new Error('start failed');
      for (const f of frames) for (const c of chunks(f, cuts)) port.feed(c);
      clock.advance(1000);
      checkCardEvents(events);
      await reader.stop();
    },
  );

async function hidRig(mode: 'hid-pos' | 'keyboard-wedge') {
  const clock = new ManualClock();
  const hid = new FakeHidModule([SIM_HID_READER_INFO]);
  const reader = new HidCardReader({ hid, clock, logger: silentLogger, mode, match: () => true });
  const events: CardEvent[] = [];
  reader.onEvent((e) => events.push(e));
  if (!(await reader.start()).ok) throw new Error('start failed');
  const dev = hid.opened(SIM_HID_READER_INFO.path ?? '')[0];
  if (!dev) throw new Error('not opened');
  return { clock, reader, events, dev };
}

const reportsOf = (arb: fc.Arbitrary<Uint8Array[]>) =>
  fc.oneof(
    arb,
    arb.chain((rs) => fc.nat(rs.length).map((n) => rs.slice(0, n))),
    arb.chain((rs) =>
      fc
        .array(
          fc.tuple(
            fc.nat(Math.max(0, rs.length - 1)),
            damaged(fc.constant(rs[0] ?? new Uint8Array())),
          ),
          { maxLength: 3 },
        )
        .map((subs) => {
          const c = [...rs];
          for (const [i, r] of subs) c[i] = r;
          return c;
        }),
    ),
    fc.array(fc.uint8Array({ maxLength: 70 }), { maxLength: 12 }),
  );

export const hidPosProperty = () =>
  fc.asyncProperty(
    reportsOf(fc.constantFrom(...SAMPLE_PEOPLE.map((p) => encodeHidPosReports(p.mrz.join('\r'))))),
    async (reports) => {
      const r = await hidRig('hid-pos');
      for (const rep of reports) r.dev.report(rep);
      r.clock.advance(5000);
      checkCardEvents(r.events);
      await r.reader.stop();
    },
  );

export const keyboardWedgeProperty = () =>
  fc.asyncProperty(
    reportsOf(
      fc.constantFrom(
        ...SAMPLE_PEOPLE.flatMap((p) => LAYOUTS.map((l) => encodeWedgeReports(p.mrz, l))),
      ),
    ),
    async (reports) => {
      const r = await hidRig('keyboard-wedge');
      for (const rep of reports) r.dev.report(rep);
      r.clock.advance(5000);
      checkCardEvents(r.events);
      await r.reader.stop();
    },
  );

const profile = PRINTER_PROFILES['epson-tm-t20'];
const jobBytes = fc
  .array(
    fc.oneof(
      fc.string({ maxLength: 40 }).map((text) => ({ kind: 'text' as const, text, bold: true })),
      fc.constant({ kind: 'qr' as const, payload: 'https://veche.example/r/1' }),
    ),
    { maxLength: 4 },
  )
  .map((lines) => {
    if (!profile) throw new Error('profile');
    return Uint8Array.from(Buffer.concat(encodeJob({ lines, cut: true }, profile)));
  });

export const escposDecoderProperty = () =>
  fc.property(damaged(jobBytes), chunkCuts, (bytes, cuts) => {
    const d = new EscPosDecoder({ codepages: { 17: 'cp866' } });
    const events = [];
    for (const c of chunks(bytes, cuts)) events.push(...d.push(c));
    events.push(...d.finish());
    for (const e of events) {
      if (e.kind === 'unknown' && (e.offset < 0 || e.offset > bytes.length || e.detail === ''))
        throw new Error('bad unknown report');
      if (e.kind === 'line' && typeof e.line.text !== 'string') throw new Error('bad line');
    }
  });

/** The printer driver against a line that answers status requests with arbitrary bytes. */
export const statusBytesProperty = () =>
  fc.asyncProperty(fc.array(fc.uint8Array({ maxLength: 6 }), { maxLength: 6 }), async (answers) => {
    if (!profile) throw new Error('profile');
    const clock = new ManualClock();
    let i = 0;
    const port = memoryPort((b, feed) => {
      if (b[0] === 0x10 && b[1] === 0x04) {
        const a = answers[i++];
        if (a) feed(a);
      }
    });
    const printer = new EscPosPrinter({
      open: async () => ok(port),
      clock,
      logger: silentLogger,
      profile: { ...profile, autoStatusBack: false },
    });
    let settled = false;
    const pending = printer.status().finally(() => (settled = true));
    for (let n = 0; n < 10 && !settled; n++) {
      await new Promise((r) => setImmediate(r));
      clock.advance(1000);
    }
    const r = await pending;
    if (r.ok) {
      for (const v of Object.values(r.value))
        if (typeof v !== 'boolean') throw new Error('bad status');
    } else if (r.error.kind !== 'io') throw new Error(`unexpected error ${r.error.kind}`);
  });

export const FUZZ_TARGETS = [
  { name: 'mrz-serial-framing', property: serialFramingProperty, async: true },
  { name: 'hid-pos', property: hidPosProperty, async: true },
  { name: 'keyboard-wedge', property: keyboardWedgeProperty, async: true },
  { name: 'escpos-decoder', property: escposDecoderProperty, async: false },
  { name: 'printer-status-bytes', property: statusBytesProperty, async: true },
] as const;
