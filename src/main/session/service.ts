// Connects the card reader to the session machine and publishes the renderer's view.
import { createActor, type Actor } from 'xstate';
import type { CardEvent, CardReader } from '../../hardware/types.js';
import type { Clock, TimerHandle } from '../../shared/clock.js';
import { assertNever } from '../../shared/result.js';
import { EVENTS } from '../../shared/events.js';
import type { Logger } from '../../shared/log.js';
import type { Language, SessionView } from '../rpc/schema.js';
import { createSessionMachine, toView } from './machine.js';

export interface SessionService {
  view(): SessionView;
  setLanguage(language: Language): SessionView;
  onChange(listener: (view: SessionView) => void): () => void;
  stop(): void;
}

export function createSessionService(deps: {
  cardReader: CardReader;
  logger: Logger;
  clock: Clock;
  defaultLanguage: Language;
}): SessionService {
  // The machine's delayed transitions run on the injected clock, so tests drive time.
  const timers = new Map<unknown, TimerHandle>();
  const actor: Actor<ReturnType<typeof createSessionMachine>> = createActor(
    createSessionMachine(deps.defaultLanguage),
    {
      clock: {
        setTimeout: (fn: (...args: unknown[]) => void, ms: number) => {
          const key = {};
          timers.set(
            key,
            deps.clock.setTimeout(() => {
              timers.delete(key);
              fn();
            }, ms),
          );
          return key;
        },
        clearTimeout: (key: unknown) => {
          const h = timers.get(key);
          if (h !== undefined) deps.clock.clearTimeout(h);
          timers.delete(key);
        },
      },
    },
  );
  const listeners = new Set<(view: SessionView) => void>();
  let last = '';

  const current = (): SessionView => {
    const snap = actor.getSnapshot();
    return toView(String(snap.value), snap.context);
  };

  actor.subscribe(() => {
    const view = current();
    const key = JSON.stringify(view);
    if (key === last) return;
    const from = last === '' ? null : (JSON.parse(last) as SessionView).state;
    last = key;
    // The state name only: never the greeting, never document fields.
    deps.logger.info(EVENTS.sessionTransition, { from, to: view.state });
    for (const l of listeners) l(view);
  });
  actor.start();

  const onCard = (e: CardEvent): void => {
    switch (e.type) {
      case 'present':
        actor.send({ type: 'CARD_PRESENT' });
        return;
      case 'read':
        actor.send({ type: 'CARD_READ', document: e.document });
        return;
      case 'removed':
        actor.send({ type: 'CARD_REMOVED' });
        return;
      case 'error':
        actor.send({ type: 'CARD_ERROR', reason: e.reason });
        return;
      default:
        assertNever(e, 'card event');
    }
  };
  const unsubscribe = deps.cardReader.onEvent(onCard);

  return {
    view: current,
    setLanguage(language) {
      actor.send({ type: 'SET_LANGUAGE', language });
      return current();
    },
    onChange(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    stop() {
      unsubscribe();
      actor.stop();
    },
  };
}
