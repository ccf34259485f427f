// Structured JSON logs. Every line names an event id from the catalogue; fields must never
// carry ballot choices or voter identity (test/unit/secrecy checks the log output).
import { pino, type Logger as PinoLogger, type DestinationStream } from 'pino';
import type { EventId } from './events.js';

export type LogFields = Record<string, string | number | boolean | null | undefined>;

export interface Logger {
  info(event: EventId, fields?: LogFields): void;
  warn(event: EventId, fields?: LogFields): void;
  error(event: EventId, fields?: LogFields): void;
  child(bindings: LogFields): Logger;
}

function wrap(p: PinoLogger): Logger {
  return {
    info: (event, fields) => p.info({ event, ...fields }),
    warn: (event, fields) => p.warn({ event, ...fields }),
    error: (event, fields) => p.error({ event, ...fields }),
    child: (bindings) => wrap(p.child(bindings)),
  };
}

export function createLogger(
  opts: { level?: string; destination?: DestinationStream } = {},
): Logger {
  const p = pino(
    { level: opts.level ?? process.env['VECHE_LOG_LEVEL'] ?? 'info', base: { app: 'veche-kiosk' } },
    opts.destination ?? pino.destination({ dest: 2, sync: false }),
  );
  return wrap(p);
}

/** Collects lines in memory; tests use it to assert what was (and was not) logged. */
export function memoryLogger(): Logger & { lines: Array<Record<string, unknown>> } {
  const lines: Array<Record<string, unknown>> = [];
  const dest: DestinationStream = {
    write(msg: string) {
      lines.push(JSON.parse(msg) as Record<string, unknown>);
    },
  };
  const logger = createLogger({ level: 'debug', destination: dest });
  return Object.assign(logger, { lines });
}

export const silentLogger: Logger = {
  info: () => undefined,
  warn: () => undefined,
  error: () => undefined,
  child: () => silentLogger,
};
