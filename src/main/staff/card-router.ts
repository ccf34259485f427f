// Decides, before the voter session sees anything, whether a card belongs to staff. The host
// hands the voter session and the voting service the filtered reader this returns instead of
// the real one, so a staff card never opens a voter session and a voter card never reaches
// the PIN pad.
//
// Events are handled one at a time in arrival order: recognising a staff card takes a slow
// hash, and a removal must not overtake the read it follows. A card reader reports 'present'
// before it knows whose card it is; the voter side sees it at once (the voter gets the
// "reading" screen without waiting for the hash), and if the read then turns out to be a staff
// card the voter side is told the card left, so it returns to the attract screen.
import type { CardEvent, CardReader } from '../../hardware/types.js';
import { assertNever } from '../../shared/result.js';
import type { CardRouting } from './service.js';

export interface CardRoute {
  handleCard(event: CardEvent): Promise<CardRouting>;
}

/** What the router saw last, for the diagnostics screen: the event kind and when, no identity. */
export interface CardActivity {
  readonly event: CardEvent['type'];
  readonly at: number;
  readonly routedTo: 'staff' | 'voter';
}

export interface CardRouter {
  /** The reader as the voter side sees it: start/stop go to the real one. */
  readonly voterReader: CardReader;
  lastActivity(): CardActivity | null;
  /** Resolves when every event received so far has been routed (tests, shutdown). */
  idle(): Promise<void>;
  stop(): void;
}

export function createCardRouter(
  reader: CardReader,
  staff: CardRoute,
  now: () => number,
  onBug: (error: unknown) => void,
): CardRouter {
  const listeners = new Set<(e: CardEvent) => void>();
  const emit = (e: CardEvent) => {
    for (const l of listeners) l(e);
  };
  // Whether the voter side currently believes a card is in the slot.
  let voterHasCard = false;
  let last: CardActivity | null = null;
  let queue: Promise<void> = Promise.resolve();

  async function route(e: CardEvent): Promise<void> {
    const to = await staff.handleCard(e);
    last = { event: e.type, at: now(), routedTo: to === 'staff' ? 'staff' : 'voter' };
    if (to === 'staff') {
      if (voterHasCard) {
        voterHasCard = false;
        emit({ type: 'removed' });
      }
      return;
    }
    switch (e.type) {
      case 'present':
      case 'read':
        voterHasCard = true;
        break;
      case 'removed':
        voterHasCard = false;
        break;
      case 'error':
        break;
      default:
        assertNever(e, 'card event');
    }
    emit(e);
  }

  const unsubscribe = reader.onEvent((e) => {
    // A failing step is a bug: reported, and it must not wedge the queue for later cards.
    queue = queue.then(() => route(e)).catch(onBug);
  });

  const voterReader: CardReader = {
    name: reader.name,
    onEvent(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    start: () => reader.start(),
    stop: () => reader.stop(),
  };

  return {
    voterReader,
    lastActivity: () => last,
    idle: () => queue,
    stop() {
      unsubscribe();
      listeners.clear();
    },
  };
}
