// The two factories the host calls: simulated devices (development, tests, the demo) and
// real devices from the kiosk's device configuration. Both hand back the same contract.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { SerialPort } from 'serialport';
import { z } from 'zod';
import type { Clock } from '../shared/clock.js';
import type { Logger } from '../shared/log.js';
import { err, ok, type Result } from '../shared/result.js';
import { HidCardReader } from './card/hid-card-reader.js';
import { LAYOUTS, type LayoutId } from './card/keyboard-wedge.js';
import { SerialCardReader } from './card/serial-card-reader.js';
import { EscPosPrinter } from './printer/escpos-printer.js';
import { PRINTER_PROFILES, printerProfile, type PrinterProfile } from './printer/profiles.js';
import { CardReaderSimulator, type CardSimControl } from './sim/card-reader-sim.js';
import { remoteCard, remotePrinter, SimulatorProcess } from './sim/control.js';
import { createDock, type DevSimulatorDock } from './sim/dock.js';
import {
  FakeHidModule,
  HidCardSimulator,
  SIM_HID_READER_INFO,
  SIM_TOUCH_INFO,
} from './sim/hid-sim.js';
import { DOCK_CARDS } from './sim/people.js';
import { PrinterSimulator, type PrinterSimControl } from './sim/printer-sim.js';
import { HidTouchController } from './touch/touch-controller.js';
import { nodeHidModule, type HidDeviceInfo, type HidModule } from './transport/hid.js';
import { createMockLink } from './transport/mock-link.js';
import { createPtyPair, type PtyPair } from './transport/pty.js';
import { serialPortOpener, type BytePort } from './transport/byte-port.js';
import type { CardReader } from './types.js';

export interface DeviceSet {
  cardReader: CardReader;
  printer: EscPosPrinter;
  touch: HidTouchController;
  close(): Promise<void>;
}

export interface SimulatedDevices extends DeviceSet {
  dock: DevSimulatorDock;
}

export interface SimulatedDevicesOptions {
  clock: Clock;
  logger: Logger;
  /** 'mock': all in-process over @serialport/binding-mock. 'pty': serial devices over socat pty pairs. */
  transport: 'mock' | 'pty';
  /** pty only: run the simulators as child processes (default) or in this process on the pty's far end. */
  simulators?: 'child-process' | 'in-process';
  /** Which card reader to simulate; HID readers always use the in-process HID simulator. */
  cardReader?: 'serial' | 'hid-pos' | 'keyboard-wedge';
  /** Keyboard wedge: the layout the simulated reader types in. */
  wedgeLayout?: LayoutId;
  printerProfile?: string;
}

/**
 * Builds simulators and connects the real drivers to them. The caller still calls
 * `cardReader.start()`; the printer opens its line on first use.
 */
export async function createSimulatedDevices(
  opts: SimulatedDevicesOptions,
): Promise<Result<SimulatedDevices, string>> {
  const profile = printerProfile(opts.printerProfile ?? 'epson-tm-t20');
  if (!profile) return err(`unknown printer profile ${opts.printerProfile ?? ''}`);
  const hid = new FakeHidModule([SIM_TOUCH_INFO, SIM_HID_READER_INFO]);
  const touch = new HidTouchController({
    hid: async () => hid,
    clock: opts.clock,
    logger: opts.logger.child({ device: 'touch' }),
  });
  const cleanups: Array<() => Promise<void>> = [];
  const closeAll = async () => {
    touch.close();
    for (const c of cleanups.reverse()) await c().catch(() => undefined);
  };

  const kind = opts.cardReader ?? 'serial';
  let cardReader: CardReader;
  let card: CardSimControl;
  let printer: EscPosPrinter;
  let printerSim: PrinterSimControl;

  if (opts.transport === 'mock') {
    const cardLink = createMockLink('card');
    const printerLink = createMockLink('printer');
    const cardSim = new CardReaderSimulator(cardLink.device);
    const pSim = new PrinterSimulator(printerLink.device, profile);
    cleanups.push(async () => {
      cardSim.detach();
      pSim.detach();
    });
    card = cardSim;
    printerSim = pSim;
    cardReader = new SerialCardReader({
      open: cardLink.openHost,
      clock: opts.clock,
      logger: opts.logger,
    });
    printer = new EscPosPrinter({
      open: printerLink.openHost,
      clock: opts.clock,
      logger: opts.logger,
      profile,
    });
  } else {
    const dir = await mkdtemp(join(tmpdir(), 'veche-pty-'));
    cleanups.push(() => rm(dir, { recursive: true, force: true }));
    const pairs: PtyPair[] = [];
    for (const name of ['card', 'printer']) {
      const pair = await createPtyPair(dir, name);
      if (!pair.ok) {
        await closeAll();
        return err(pair.error);
      }
      pairs.push(pair.value);
      cleanups.push(() => pair.value.close());
    }
    const [cardPair, printerPair] = pairs as [PtyPair, PtyPair];
    if ((opts.simulators ?? 'child-process') === 'child-process') {
      const cardProc = await spawnSimulator(['card-reader', '--port', cardPair.devicePath]);
      if (!cardProc.ok) return closeAll().then(() => err(cardProc.error));
      cleanups.push(() => cardProc.value.stop());
      const printerProc = await spawnSimulator([
        'printer',
        '--port',
        printerPair.devicePath,
        '--profile',
        profile.id,
      ]);
      if (!printerProc.ok) return closeAll().then(() => err(printerProc.error));
      cleanups.push(() => printerProc.value.stop());
      card = remoteCard(cardProc.value);
      printerSim = remotePrinter(printerProc.value);
    } else {
      const ends: BytePort[] = [];
      for (const path of [cardPair.devicePath, printerPair.devicePath]) {
        const end = await serialPortOpener({ path, binding: SerialPort.binding })();
        if (!end.ok) return closeAll().then(() => err(end.error.detail));
        ends.push(end.value);
        cleanups.push(() => end.value.close());
      }
      const cardSim = new CardReaderSimulator(ends[0] as BytePort);
      const pSim = new PrinterSimulator(ends[1] as BytePort, profile);
      card = cardSim;
      printerSim = pSim;
    }
    cardReader = new SerialCardReader({
      open: serialPortOpener({ path: cardPair.hostPath, binding: SerialPort.binding }),
      clock: opts.clock,
      logger: opts.logger,
    });
    printer = new EscPosPrinter({
      open: serialPortOpener({ path: printerPair.hostPath, binding: SerialPort.binding }),
      clock: opts.clock,
      logger: opts.logger,
      profile,
    });
  }

  if (kind !== 'serial') {
    // HID readers: the serial card simulator above stays idle; the dock drives the HID one.
    card = new HidCardSimulator(hid, kind, opts.wedgeLayout ?? 'us');
    cardReader = new HidCardReader({
      hid,
      clock: opts.clock,
      logger: opts.logger,
      mode: kind,
      match: (d) => d.path === SIM_HID_READER_INFO.path,
    });
  }
  const reader = cardReader;
  const theCard = card;
  const thePrinter = printer;
  const dock = createDock({ people: DOCK_CARDS, card: theCard, printer: printerSim, hid });
  return ok({
    cardReader: reader,
    printer: thePrinter,
    touch,
    dock,
    async close() {
      await reader.stop();
      await thePrinter.close();
      await closeAll();
    },
  });
}

/** Runs src/cli/simulate.ts in a child process: through tsx from sources, plain node when built. */
function spawnSimulator(args: string[]): Promise<Result<SimulatorProcess, string>> {
  const here = fileURLToPath(import.meta.url);
  const fromSource = here.endsWith('.ts');
  const script = fileURLToPath(
    new URL(`../cli/simulate.${fromSource ? 'ts' : 'js'}`, import.meta.url),
  );
  const nodeArgs = fromSource ? ['--import', 'tsx', script, ...args] : [script, ...args];
  return SimulatorProcess.spawn(process.execPath, nodeArgs);
}

// ---- real devices -------------------------------------------------------------------

const hex16 = z.number().int().min(0).max(0xffff);

export const realDevicesConfigSchema = z.object({
  cardReader: z.discriminatedUnion('kind', [
    z.object({
      kind: z.literal('serial'),
      path: z.string().min(1),
      baudRate: z.number().int().positive().default(115200),
    }),
    z.object({ kind: z.literal('hid-pos'), vendorId: hex16, productId: hex16 }),
    z.object({
      kind: z.literal('keyboard-wedge'),
      vendorId: hex16,
      productId: hex16,
      layouts: z
        .array(z.enum(LAYOUTS as [LayoutId, ...LayoutId[]]))
        .min(1)
        .default(['us']),
    }),
  ]),
  printer: z.object({
    path: z.string().min(1),
    baudRate: z.number().int().positive().default(115200),
    profile: z.enum(Object.keys(PRINTER_PROFILES) as [string, ...string[]]),
  }),
  touch: z.object({ vendorId: hex16, productId: hex16 }).partial().default({}),
});
export type RealDevicesConfig = z.input<typeof realDevicesConfigSchema>;

export function createRealDevices(
  config: RealDevicesConfig,
  deps: { clock: Clock; logger: Logger; hid?: () => Promise<HidModule> },
): Result<DeviceSet, string> {
  const parsed = realDevicesConfigSchema.safeParse(config);
  if (!parsed.success)
    return err(
      `device configuration: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`,
    );
  const c = parsed.data;
  const hid = deps.hid ?? nodeHidModule;
  let hidModule: HidModule | null = null;
  const lazyHid: HidModule = {
    devicesAsync: async () => (hidModule ??= await hid()).devicesAsync(),
    open: async (path) => (hidModule ??= await hid()).open(path),
  };
  const profile = printerProfile(c.printer.profile) as PrinterProfile;
  const cr = c.cardReader;
  const cardReader: CardReader =
    cr.kind === 'serial'
      ? new SerialCardReader({
          open: serialPortOpener({
            path: cr.path,
            baudRate: cr.baudRate,
            binding: SerialPort.binding,
          }),
          clock: deps.clock,
          logger: deps.logger,
        })
      : new HidCardReader({
          hid: lazyHid,
          clock: deps.clock,
          logger: deps.logger,
          mode: cr.kind,
          match: (d: HidDeviceInfo) => d.vendorId === cr.vendorId && d.productId === cr.productId,
          ...(cr.kind === 'keyboard-wedge' ? { layouts: cr.layouts } : {}),
        });
  const printer = new EscPosPrinter({
    open: serialPortOpener({
      path: c.printer.path,
      baudRate: c.printer.baudRate,
      binding: SerialPort.binding,
    }),
    clock: deps.clock,
    logger: deps.logger,
    profile,
  });
  const t = c.touch;
  const touch = new HidTouchController({
    hid: async () => lazyHid,
    clock: deps.clock,
    logger: deps.logger,
    ...(t.vendorId !== undefined
      ? {
          match: (d: HidDeviceInfo) =>
            d.vendorId === t.vendorId && (t.productId === undefined || d.productId === t.productId),
        }
      : {}),
  });
  return ok({
    cardReader,
    printer,
    touch,
    async close() {
      touch.close();
      await cardReader.stop();
      await printer.close();
    },
  });
}
