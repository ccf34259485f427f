// The composition root: wires devices, clock and logger into the services and the server.
// Nothing below this file constructs a device or reads the wall clock on its own.
import type { Clock } from '../shared/clock.js';
import { EVENTS } from '../shared/events.js';
import type { Logger } from '../shared/log.js';
import { err, ok } from '../shared/result.js';
import type {
  CardReader,
  PrinterStatus,
  ReceiptPrinter,
  SimulatorDock,
  TouchController,
} from '../hardware/types.js';
import { startServer, type HostServer } from './http/server.js';
import type { Handlers } from './rpc/dispatch.js';
import type { ChainView, DeviceView, Language } from './rpc/schema.js';
import { createSessionService } from './session/service.js';
import type { KioskStaff } from './staff/kiosk-staff.js';
import { touching, voterHooks, votingHandlers, type VotingService } from './voting/index.js';

export interface HostDevices {
  cardReader: CardReader;
  printer: ReceiptPrinter;
  touch: TouchController;
}

export interface HostOptions {
  clock: Clock;
  logger: Logger;
  devices: HostDevices;
  /** Present only in development and demo builds: the simulators' controls. */
  dock?: SimulatorDock;
  rendererDir: string;
  port?: number;
  token?: string;
  defaultLanguage?: Language;
  version?: string;
  /** The chain as the kiosk's light node sees it (the demo wires its local devnet here). */
  chainView?: () => ChainView;
  /** The voter's ballots. Begun when a card is read, ended (all secrets dropped) when the
   * card leaves the reader. */
  voting?: VotingService;
  /** Staff sign-in, polls, reconciliation, diagnostics (src/main/staff/kiosk-staff.ts). Its card
   * router sees every card first: the voter session only hears of cards that are not staff. */
  staff?: KioskStaff;
}

export interface Host {
  readonly origin: string;
  readonly token: string;
  /** The URL a shell opens: the token travels in the fragment, never to the server. */
  readonly appUrl: string;
  close(): Promise<void>;
}

function printerView(s: PrinterStatus): DeviceView['printer'] {
  if (!s.online || s.error) return 'fault';
  if (s.paperOut || s.coverOpen || s.paperNearEnd) return 'attention';
  return 'ready';
}

export async function createHost(opts: HostOptions): Promise<Host> {
  const { logger, devices, dock } = opts;
  logger.info(EVENTS.hostStart, { devDock: dock !== undefined });

  const voterCards = opts.staff?.router.voterReader ?? devices.cardReader;
  const voting = opts.voting;
  const session = createSessionService({
    cardReader: voterCards,
    logger,
    clock: opts.clock,
    defaultLanguage: opts.defaultLanguage ?? 'be',
    // Card read → voting.begin; card out or idle timeout → voting.end (docs/voting.md).
    ...(voting !== undefined ? { voter: voterHooks(voting) } : {}),
  });

  const deviceView: DeviceView = { cardReader: 'ready', printer: 'ready' };
  let server: HostServer | undefined = undefined;
  const publishDevices = () => server?.broadcast({ type: 'devices', devices: { ...deviceView } });

  const unsubCard = devices.cardReader.onEvent((e) => {
    const next = e.type === 'error' && e.reason === 'reader-fault' ? 'fault' : 'ready';
    if (next !== deviceView.cardReader) {
      deviceView.cardReader = next;
      publishDevices();
    }
  });
  const unsubPrinter = devices.printer.onStatus((s) => {
    const next = printerView(s);
    if (next !== deviceView.printer) {
      deviceView.printer = next;
      publishDevices();
    }
  });

  const handlers: Handlers = {
    'system.hello': () =>
      ok({
        version: opts.version ?? '0.1.0',
        devDock: dock !== undefined,
        session: session.view(),
        devices: { ...deviceView },
      }),
    'system.ping': (req) => ok({ nonce: req.nonce }),
    'session.get': () => ok(session.view()),
    'session.touch': () => ok(session.touch()),
    'session.setLanguage': (req) => ok(session.setLanguage(req.language)),
  };

  if (voting !== undefined) {
    // Every voting call is the voter doing something: it restarts the idle timer.
    Object.assign(
      handlers,
      touching(votingHandlers(voting), () => session.touch()),
    );
    voting.prefill();
  }

  if (opts.staff !== undefined) Object.assign(handlers, opts.staff.handlers);

  if (dock !== undefined) {
    const audit = (action: string) => logger.info(EVENTS.devDockAction, { action });
    handlers['dock.people'] = () => ok([...dock.samplePeople()]);
    handlers['dock.insertCard'] = async (req) => {
      audit('insert-card');
      const r = await dock.insertCard(req.personId);
      if (r.ok) return ok({ inserted: true as const });
      return err(
        r.error.kind === 'unknown-person'
          ? { kind: 'unknown-person' as const, message: 'no such sample person' }
          : { kind: 'card-present' as const, message: 'a card is already in the reader' },
      );
    };
    handlers['dock.removeCard'] = async () => {
      audit('remove-card');
      await dock.removeCard();
      return ok({ removed: true as const });
    };
    handlers['dock.injectCardBytes'] = async (req) => {
      audit('inject-bytes');
      const bytes = Buffer.from(req.hex, 'hex');
      await dock.injectCardBytes(bytes);
      return ok({ injected: bytes.length });
    };
    handlers['dock.setPrinterStatus'] = async (req) => {
      audit('printer-status');
      await dock.setPrinterStatus(req);
      return ok({ set: true as const });
    };
    const chainView = opts.chainView;
    handlers['dock.chain'] = () =>
      chainView === undefined
        ? err({ kind: 'not-available' as const, message: 'this host runs without a chain' })
        : ok(chainView());
    handlers['dock.paper'] = async () =>
      ok(
        (await dock.paper()).map((l) => ({
          text: l.text,
          bold: l.bold,
          size: l.size,
          ...(l.qr !== undefined ? { qr: l.qr } : {}),
          ...(l.cut !== undefined ? { cut: l.cut } : {}),
        })),
      );
  }

  const cardStart = await devices.cardReader.start();
  if (!cardStart.ok) {
    deviceView.cardReader = 'fault';
    logger.error(EVENTS.deviceFault, { device: 'card-reader', kind: cardStart.error.kind });
  }

  server = await startServer({
    handlers,
    rendererDir: opts.rendererDir,
    logger,
    ...(opts.port !== undefined ? { port: opts.port } : {}),
    ...(opts.token !== undefined ? { token: opts.token } : {}),
  });
  const srv = server;
  srv.onClient(() => [
    { type: 'session', session: session.view() },
    { type: 'devices', devices: { ...deviceView } },
  ]);
  const unsubSession = session.onChange((view) =>
    srv.broadcast({ type: 'session', session: view }),
  );

  logger.info(EVENTS.hostReady, { port: srv.port });
  return {
    origin: srv.origin,
    token: srv.token,
    appUrl: `${srv.origin}/#token=${srv.token}`,
    async close() {
      logger.info(EVENTS.hostStop);
      unsubSession();
      unsubCard();
      unsubPrinter();
      voting?.end();
      voting?.stop();
      session.stop();
      opts.staff?.close();
      await srv.close();
      await devices.cardReader.stop();
      logger.info(EVENTS.hostStopped);
    },
  };
}
