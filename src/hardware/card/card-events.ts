// The fan-out every card reader driver shares: presence bookkeeping (so 'present' and
// 'removed' alternate whatever the reader sends), turning MRZ lines into 'read' or a
// tagged 'error', and log lines that name the event but never the person.
import type { Clock } from '../../shared/clock.js';
import { HARDWARE_EVENTS } from '../../shared/events.js';
import type { Logger } from '../../shared/log.js';
import { parseMrz } from '../mrz/parse-mrz.js';
import { Listeners } from '../transport/byte-port.js';
import type { CardErrorReason, CardEvent } from '../types.js';

export class CardEventHub {
  private readonly listeners = new Listeners<CardEvent>();
  private present = false;

  constructor(
    private readonly reader: string,
    private readonly clock: Clock,
    private readonly logger: Logger,
  ) {}

  get cardPresent(): boolean {
    return this.present;
  }

  subscribe(fn: (e: CardEvent) => void): () => void {
    return this.listeners.add(fn);
  }

  cardIn(): void {
    if (this.present) return;
    this.present = true;
    this.logger.info(HARDWARE_EVENTS.cardPresent, { reader: this.reader });
    this.listeners.emit({ type: 'present' });
  }

  cardOut(): void {
    if (!this.present) return;
    this.present = false;
    this.logger.info(HARDWARE_EVENTS.cardRemoved, { reader: this.reader });
    this.listeners.emit({ type: 'removed' });
  }

  /** A complete set of MRZ lines arrived: validate and report. */
  mrz(lines: readonly string[]): void {
    this.cardIn();
    const parsed = parseMrz(lines, this.clock.now());
    if (parsed.ok) {
      this.logger.info(HARDWARE_EVENTS.cardRead, {
        reader: this.reader,
        format: parsed.value.format,
      });
      this.listeners.emit({ type: 'read', document: parsed.value });
    } else {
      this.error(parsed.error.reason, parsed.error.detail);
    }
  }

  error(reason: CardErrorReason, detail: string): void {
    const log = reason === 'reader-fault' ? this.logger.error : this.logger.warn;
    log(HARDWARE_EVENTS.cardError, { reader: this.reader, reason, detail });
    this.listeners.emit({ type: 'error', reason, detail });
  }
}
