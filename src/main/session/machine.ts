// The voter session as a state machine owned by the host. The renderer can only ask; the
// machine decides (no card → no session → later: no ballot).
import { assign, setup } from 'xstate';
import type { CardErrorReason, IdDocument } from '../../hardware/types.js';
import type { Language, SessionView } from '../rpc/schema.js';

export interface SessionContext {
  language: Language;
  /** Identity lives only here, in host memory, for the length of the session. */
  document: IdDocument | null;
  errorReason: CardErrorReason | null;
}

export type SessionEvent =
  | { type: 'CARD_PRESENT' }
  | { type: 'CARD_READ'; document: IdDocument }
  | { type: 'CARD_ERROR'; reason: CardErrorReason }
  | { type: 'CARD_REMOVED' }
  | { type: 'SET_LANGUAGE'; language: Language };

/** A card error stays on screen this long, then the kiosk is ready for the next person
 * (a garbled read may come with no card left in the slot to remove). */
export const CARD_ERROR_RESET_MS = 20_000;

export function createSessionMachine(defaultLanguage: Language) {
  return setup({
    types: { context: {} as SessionContext, events: {} as SessionEvent },
    actions: {
      forget: assign({ document: null, errorReason: null, language: defaultLanguage }),
      setLanguage: assign({
        language: ({ event, context }) =>
          event.type === 'SET_LANGUAGE' ? event.language : context.language,
      }),
    },
  }).createMachine({
    id: 'session',
    initial: 'attract',
    context: { language: defaultLanguage, document: null, errorReason: null },
    on: { SET_LANGUAGE: { actions: 'setLanguage' } },
    states: {
      attract: {
        entry: 'forget',
        on: {
          CARD_PRESENT: 'reading',
          CARD_READ: {
            target: 'welcome',
            actions: assign({ document: ({ event }) => event.document }),
          },
          CARD_ERROR: {
            target: 'cardError',
            actions: assign({ errorReason: ({ event }) => event.reason }),
          },
        },
      },
      reading: {
        on: {
          CARD_READ: {
            target: 'welcome',
            actions: assign({ document: ({ event }) => event.document }),
          },
          CARD_ERROR: {
            target: 'cardError',
            actions: assign({ errorReason: ({ event }) => event.reason }),
          },
          CARD_REMOVED: 'attract',
        },
      },
      welcome: {
        on: { CARD_REMOVED: 'attract' },
      },
      cardError: {
        after: { [CARD_ERROR_RESET_MS]: 'attract' },
        on: {
          CARD_REMOVED: 'attract',
          CARD_PRESENT: 'reading',
          CARD_READ: {
            target: 'welcome',
            actions: assign({ document: ({ event }) => event.document, errorReason: null }),
          },
        },
      },
    },
  });
}

/** How a person is greeted: the given names as printed, in title case. */
export function greetingName(doc: IdDocument): string {
  const raw = (doc.givenNames || doc.surname).trim();
  return raw
    .toLowerCase()
    .split(/\s+/)
    .map((w) => w.charAt(0).toUpperCase() + w.slice(1))
    .join(' ')
    .slice(0, 80);
}

export function toView(state: string, ctx: SessionContext): SessionView {
  switch (state) {
    case 'attract':
      return { state: 'attract', language: ctx.language };
    case 'reading':
      return { state: 'reading', language: ctx.language };
    case 'welcome':
      if (ctx.document === null) throw new Error('welcome without a document');
      return { state: 'welcome', language: ctx.language, greetingName: greetingName(ctx.document) };
    case 'cardError':
      return {
        state: 'card-error',
        language: ctx.language,
        reason: ctx.errorReason ?? 'read-badly',
      };
    default:
      throw new Error(`unknown session state ${state}`);
  }
}
