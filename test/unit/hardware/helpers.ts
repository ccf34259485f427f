// Shared test plumbing: a serial card reader or printer wired to its simulator over the
// binding-mock link, with a manual clock, plus a way to wait for real I/O to settle.
import { ManualClock } from '../../../src/shared/clock.js';
import { silentLogger, type Logger } from '../../../src/shared/log.js';
import { SerialCardReader } from '../../../src/hardware/card/serial-card-reader.js';
import { EscPosPrinter } from '../../../src/hardware/printer/escpos-printer.js';
import { printerProfile } from '../../../src/hardware/printer/profiles.js';
import { CardReaderSimulator } from '../../../src/hardware/sim/card-reader-sim.js';
import { PrinterSimulator } from '../../../src/hardware/sim/printer-sim.js';
import { createMockLink } from '../../../src/hardware/transport/mock-link.js';
import type { CardEvent } from '../../../src/hardware/types.js';

/** Lets queued I/O (setImmediate / nextTick hops of the mock binding) run. */
export async function settle(rounds = 20): Promise<void> {
  for (let i = 0; i < rounds; i++) await new Promise((r) => setImmediate(r));
}

export async function until(cond: () => boolean, ms = 2000): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error('condition not reached');
    await new Promise((r) => setTimeout(r, 2));
  }
}

export function serialReaderRig(opts: { logger?: Logger } = {}) {
  const clock = new ManualClock();
  const link = createMockLink('card-test');
  const sim = new CardReaderSimulator(link.device);
  const reader = new SerialCardReader({
    open: link.openHost,
    clock,
    logger: opts.logger ?? silentLogger,
    frameTimeoutMs: 500,
  });
  const events: CardEvent[] = [];
  reader.onEvent((e) => events.push(e));
  return { clock, link, sim, reader, events };
}

export function printerRig(profileId = 'epson-tm-t20') {
  const clock = new ManualClock();
  const link = createMockLink('printer-test');
  const profile = printerProfile(profileId);
  if (!profile) throw new Error(profileId);
  const hostBytes: number[] = [];
  link.device.onData((b) => hostBytes.push(...b));
  const sim = new PrinterSimulator(link.device, profile);
  const printer = new EscPosPrinter({ open: link.openHost, clock, logger: silentLogger, profile });
  return { clock, link, sim, printer, profile, hostBytes };
}
