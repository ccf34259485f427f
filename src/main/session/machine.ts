// The voter session as a state machine owned by the host. The renderer can only ask; the
// machine decides (no card → no session → later: no ballot).
import { assign, setup } from 'xstate';
import type { CardErrorReason, IdDocument } from '../../hardware/types.js';
import type { EligibilityView, Language, SessionView } from '../rpc/schema.js';

export interface SessionContext {
  language: Language;
  /** Identity lives only here, in host memory, for the length of the session. */
  document: IdDocument | null;
  errorReason: CardErrorReason | null;
  /** The voting service's verdict on this card; null when the host has no voting. */
  eligibility: EligibilityView | null;
  /** Epoch ms when an idle session ends, while the warning is up. */
  warningUntil: number | null;
}

export type SessionEvent =
  | { type: 'CARD_PRESENT' }
  | { type: 'CARD_READ'; document: IdDocument }
  | { type: 'CARD_ERROR'; reason: CardErrorReason }
  | { type: 'CARD_REMOVED' }
  | { type: 'SET_LANGUAGE'; language: Language }
  /** Any voter interaction (session.touch, a voting RPC, a language change). */
  | { type: 'TOUCH' }
  | { type: 'ELIGIBILITY'; eligibility: EligibilityView };

/** A card error stays on screen this long, then the kiosk is ready for the next person
 * (a garbled read may come with no card left in the slot to remove). */
export const CARD_ERROR_RESET_MS = 20_000;

/** A voter who does nothing this long sees the idle warning… */
export const IDLE_MS = 60_000;
/** …and this long later the session ends as if the card were pulled. 30 s, above WCAG 2.2.1's
 * 20 s to react, because audio guidance must first finish speaking the warning. */
export const IDLE_WARNING_MS = 30_000;

export interface SessionMachineOptions {
  defaultLanguage: Language;
  /** Wall time, for the warning's deadline the screen counts down to. */
  now: () => number;
  /** Whether a voting service judges each card (the welcome view then carries its verdict). */
  checksEligibility: boolean;
}

export function createSessionMachine(o: SessionMachineOptions) {
  const defaultLanguage = o.defaultLanguage;
  return setup({
    types: { context: {} as SessionContext, events: {} as SessionEvent },
    actions: {
      readCard: assign({
        document: ({ event }) => (event.type === 'CARD_READ' ? event.document : null),
        errorReason: null,
        eligibility: o.checksEligibility ? { status: 'checking' as const } : null,
      }),
      forget: assign({
        document: null,
        errorReason: null,
        language: defaultLanguage,
        eligibility: null,
        warningUntil: null,
      }),
      setLanguage: assign({
        language: ({ event, context }) =>
          event.type === 'SET_LANGUAGE' ? event.language : context.language,
      }),
    },
  }).createMachine({
    id: 'session',
    initial: 'attract',
    context: {
      language: defaultLanguage,
      document: null,
      errorReason: null,
      eligibility: null,
      warningUntil: null,
    },
    on: { SET_LANGUAGE: { actions: 'setLanguage' } },
    states: {
      attract: {
        entry: 'forget',
        on: {
          CARD_PRESENT: 'reading',
          CARD_READ: { target: 'welcome', actions: 'readCard' },
          CARD_ERROR: {
            target: 'cardError',
            actions: assign({ errorReason: ({ event }) => event.reason }),
          },
        },
      },
      reading: {
        on: {
          CARD_READ: { target: 'welcome', actions: 'readCard' },
          CARD_ERROR: {
            target: 'cardError',
            actions: assign({ errorReason: ({ event }) => event.reason }),
          },
          CARD_REMOVED: 'attract',
        },
      },
      welcome: {
        // Leaving welcome by any path (card out, idle timeout) goes through attract's forget.
        initial: 'active',
        on: {
          CARD_REMOVED: 'attract',
          // The reader lost the card mid-session: the voter's session ends with it.
          CARD_ERROR: {
            target: 'cardError',
            actions: assign({ errorReason: ({ event }) => event.reason, document: null }),
          },
          ELIGIBILITY: { actions: assign({ eligibility: ({ event }) => event.eligibility }) },
        },
        states: {
          active: {
            entry: assign({ warningUntil: null }),
            after: { [IDLE_MS]: 'warning' },
            on: { TOUCH: { target: 'active', reenter: true } },
          },
          warning: {
            entry: assign({ warningUntil: () => o.now() + IDLE_WARNING_MS }),
            after: { [IDLE_WARNING_MS]: '#session.attract' },
            on: { TOUCH: 'active' },
          },
        },
      },
      cardError: {
        after: { [CARD_ERROR_RESET_MS]: 'attract' },
        on: {
          CARD_REMOVED: 'attract',
          CARD_PRESENT: 'reading',
          CARD_READ: { target: 'welcome', actions: 'readCard' },
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

/** The top-level state of a snapshot value ('welcome' for {welcome: 'warning'}). */
export function topState(value: unknown): string {
  if (typeof value === 'string') return value;
  if (typeof value === 'object' && value !== null) return Object.keys(value)[0] ?? '';
  return '';
}

export function toView(state: string, ctx: SessionContext): SessionView {
  switch (state) {
    case 'attract':
      return { state: 'attract', language: ctx.language };
    case 'reading':
      return { state: 'reading', language: ctx.language };
    case 'welcome':
      if (ctx.document === null) throw new Error('welcome without a document');
      return {
        state: 'welcome',
        language: ctx.language,
        greetingName: greetingName(ctx.document),
        idleWarningUntil: ctx.warningUntil,
        ...(ctx.eligibility !== null ? { eligibility: ctx.eligibility } : {}),
      };
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
