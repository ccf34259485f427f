// Connects the card reader to the session machine and publishes the renderer's view. With a
// voter hook (the voting service), a card read starts the roll check and leaving the welcome
// state by any path (card out, idle timeout) ends the voter's session.
import { createActor, type Actor } from 'xstate';
import type { CardEvent, CardReader, IdDocument } from '../../hardware/types.js';
import type { Clock, TimerHandle } from '../../shared/clock.js';
import { assertNever } from '../../shared/result.js';
import { EVENTS } from '../../shared/events.js';
import type { Logger } from '../../shared/log.js';
import type { EligibilityView, Language, SessionView } from '../rpc/schema.js';
import { createSessionMachine, toView, topState } from './machine.js';

/** The voter's side of a session (the host adapts the voting service to this). */
export interface VoterHooks {
  /** Judges the card; 'superseded' when the session ended or changed while it ran. */
  begin(
    document: IdDocument,
    language: Language,
  ): Promise<Exclude<EligibilityView, { status: 'checking' }> | 'superseded'>;
  setLanguage(language: Language): void;
  end(): void;
}

export interface SessionService {
  view(): SessionView;
  setLanguage(language: Language): SessionView;
  /** A voter interaction: restarts the idle timer, clears the warning. */
  touch(): SessionView;
  onChange(listener: (view: SessionView) => void): () => void;
  stop(): void;
}

export function createSessionService(deps: {
  cardReader: CardReader;
  logger: Logger;
  clock: Clock;
  defaultLanguage: Language;
  voter?: VoterHooks;
}): SessionService {
  // The machine's delayed transitions run on the injected clock, so tests drive time.
  const timers = new Map<unknown, TimerHandle>();
  const actor: Actor<ReturnType<typeof createSessionMachine>> = createActor(
    createSessionMachine({
      defaultLanguage: deps.defaultLanguage,
      now: () => deps.clock.now(),
      checksEligibility: deps.voter !== undefined,
    }),
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
  let lastState: string | null = null;
  let voterDoc: IdDocument | null = null;

  const current = (): SessionView => {
    const snap = actor.getSnapshot();
    return toView(topState(snap.value), snap.context);
  };

  /** Starts or ends the voter's session as the machine enters or leaves welcome. */
  const followVoter = (): void => {
    const hooks = deps.voter;
    if (hooks === undefined) return;
    const snap = actor.getSnapshot();
    const doc = topState(snap.value) === 'welcome' ? snap.context.document : null;
    if (doc === voterDoc) return;
    if (voterDoc !== null) hooks.end();
    voterDoc = doc;
    if (doc === null) return;
    const started = deps.clock.monotonic();
    deps.logger.info(EVENTS.sessionEligibilityStart);
    void hooks.begin(doc, snap.context.language).then(
      (verdict) => {
        // The verdict's kind only; nothing about the person.
        deps.logger.info(EVENTS.sessionEligibilityOk, {
          verdict:
            verdict === 'superseded'
              ? verdict
              : verdict.status === 'refused'
                ? verdict.reason
                : verdict.status,
          ms: Math.round(deps.clock.monotonic() - started),
        });
        // Only the card this check was for, still in welcome, gets the verdict.
        if (verdict === 'superseded' || voterDoc !== doc) return;
        actor.send({ type: 'ELIGIBILITY', eligibility: verdict });
      },
      (e: unknown) => {
        deps.logger.error(EVENTS.sessionEligibilityFailed, {
          error: e instanceof Error ? e.message : String(e),
        });
        if (voterDoc === doc) actor.send({ type: 'CARD_REMOVED' });
      },
    );
  };

  actor.subscribe(() => {
    followVoter();
    const view = current();
    const key = JSON.stringify(view);
    if (key === last) return;
    const prev = last === '' ? null : (JSON.parse(last) as SessionView);
    last = key;
    if (
      prev?.state === 'welcome' &&
      typeof prev.idleWarningUntil === 'number' &&
      view.state === 'attract' &&
      deps.clock.now() >= prev.idleWarningUntil
    ) {
      deps.logger.info(EVENTS.sessionIdleTimeout);
    }
    if (view.state !== lastState) {
      // The state name only: never the greeting, never document fields.
      deps.logger.info(EVENTS.sessionTransition, { from: lastState, to: view.state });
      lastState = view.state;
    }
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
      actor.send({ type: 'TOUCH' });
      if (voterDoc !== null) deps.voter?.setLanguage(language);
      return current();
    },
    touch() {
      actor.send({ type: 'TOUCH' });
      return current();
    },
    onChange(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    stop() {
      unsubscribe();
      actor.stop();
      if (voterDoc !== null) deps.voter?.end();
      voterDoc = null;
    },
  };
}
