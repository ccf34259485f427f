// Staff sign-in: a staff card (an ID document whose salted hash is on the roster) plus a PIN,
// then a session that ends on card removal, on idle timeout or on request. The host asks
// `authorize(action)` before every staff action; the answer is the principal to audit under,
// or why not. Nothing here keeps the card's document: only the roster entry it matched.
import type { CardEvent } from '../../hardware/types.js';
import type { Clock, TimerHandle } from '../../shared/clock.js';
import { EVENTS } from '../../shared/events.js';
import type { Logger } from '../../shared/log.js';
import { assertNever, err, ok, type Result } from '../../shared/result.js';
import type { AuditSink } from './audit.js';
import {
  clampToClock,
  DEFAULT_LOCKOUT,
  lockoutDelayMs,
  NO_FAILURES,
  remainingMs,
  type LockoutPolicy,
  type LockoutStore,
} from './lockout.js';
import { can, permissionsOf, type StaffAction } from './permissions.js';
import {
  findStaff,
  PinSchema,
  verifyPin,
  type Roster,
  type StaffEntry,
  type StaffRole,
} from './roster.js';

export interface StaffPrincipal {
  readonly staffId: string;
  readonly role: StaffRole;
}

export type StaffView =
  | { readonly state: 'signed-out' }
  | { readonly state: 'awaiting-pin'; readonly role: StaffRole; readonly lockedForSec: number }
  | {
      readonly state: 'signed-in';
      readonly role: StaffRole;
      readonly staffId: string;
      readonly permissions: readonly StaffAction[];
    };

export type SignInError =
  | { readonly kind: 'no-staff-card' }
  | { readonly kind: 'invalid-pin-format' }
  | { readonly kind: 'busy' }
  | { readonly kind: 'locked'; readonly retryInSec: number }
  /** retryInSec is 0 while free attempts remain. */
  | { readonly kind: 'wrong-pin'; readonly retryInSec: number }
  /** The attempt counter could not be written: refuse rather than allow uncounted guesses. */
  | { readonly kind: 'storage' }
  /** The sign-in could not be audited: refuse rather than act unrecorded. */
  | { readonly kind: 'audit-failed' };

export type AuthError =
  | { readonly kind: 'not-signed-in' }
  | { readonly kind: 'forbidden'; readonly role: StaffRole; readonly action: StaffAction };

export type SignOutReason = 'requested' | 'card-removed' | 'idle' | 'other-card' | 'stopped';

/** What the host does with a card event: route it to the voter session or not. */
export type CardRouting = 'staff' | 'not-staff';

export interface StaffService {
  /** Feed every card event here first; 'not-staff' events go on to the voter session. */
  handleCard(event: CardEvent): Promise<CardRouting>;
  submitPin(pin: string): Promise<Result<StaffView, SignInError>>;
  /** Checks the session and the permission table, and counts as activity (idle timer). */
  authorize(action: StaffAction): Result<StaffPrincipal, AuthError>;
  signOut(reason?: SignOutReason): StaffView;
  view(): StaffView;
  onChange(listener: (view: StaffView) => void): () => void;
  stop(): void;
}

export interface StaffServiceDeps {
  /** The provisioned roster; null on a blank kiosk (then no card is a staff card). */
  roster(): Roster | null;
  /** From the unit parameters. */
  idleTimeoutMs(): number;
  lockout: LockoutStore;
  policy?: LockoutPolicy;
  clock: Clock;
  audit: AuditSink;
  logger: Logger;
}

type State =
  | { readonly kind: 'signed-out' }
  | { readonly kind: 'awaiting-pin'; readonly entry: StaffEntry }
  | { readonly kind: 'signed-in'; readonly entry: StaffEntry };

export function createStaffService(deps: StaffServiceDeps): StaffService {
  const policy = deps.policy ?? DEFAULT_LOCKOUT;
  const log = deps.logger.child({ module: 'staff' });
  const listeners = new Set<(v: StaffView) => void>();
  let state: State = { kind: 'signed-out' };
  // Bumped on every card change, so an answer computed for a card that has since left the
  // reader (a slow hash, a slow PIN check) is dropped.
  let cardGeneration = 0;
  let checking = false;
  let idle: TimerHandle | undefined;

  const lockedForMs = () => remainingMs(deps.lockout.current(), deps.clock.now(), policy);

  function view(): StaffView {
    switch (state.kind) {
      case 'signed-out':
        return { state: 'signed-out' };
      case 'awaiting-pin':
        return {
          state: 'awaiting-pin',
          role: state.entry.role,
          lockedForSec: Math.ceil(lockedForMs() / 1000),
        };
      case 'signed-in':
        return {
          state: 'signed-in',
          role: state.entry.role,
          staffId: state.entry.staffId,
          permissions: permissionsOf(state.entry.role),
        };
      default:
        return assertNever(state, 'staff state');
    }
  }

  function publish(): void {
    const v = view();
    for (const l of listeners) l(v);
  }

  function stopIdle(): void {
    if (idle !== undefined) deps.clock.clearTimeout(idle);
    idle = undefined;
  }

  function touch(): void {
    stopIdle();
    idle = deps.clock.setTimeout(() => {
      idle = undefined;
      signOut('idle');
    }, deps.idleTimeoutMs());
  }

  function signOut(reason: SignOutReason = 'requested'): StaffView {
    const was = state;
    stopIdle();
    state = { kind: 'signed-out' };
    if (was.kind === 'signed-in') {
      // Signing out always happens; a failed audit is logged, never a reason to stay in.
      const a = deps.audit.append(EVENTS.staffSignOut, { staffId: was.entry.staffId });
      if (!a.ok) log.error(EVENTS.staffSignOut, { reason, audit: a.error.kind });
      else log.info(EVENTS.staffSignOut, { reason, role: was.entry.role });
    }
    if (was.kind !== 'signed-out') publish();
    return view();
  }

  async function handleCard(event: CardEvent): Promise<CardRouting> {
    switch (event.type) {
      case 'present':
        return state.kind === 'signed-out' ? 'not-staff' : 'staff';
      case 'error':
        return state.kind === 'signed-out' ? 'not-staff' : 'staff';
      case 'removed': {
        cardGeneration++;
        if (state.kind === 'signed-out') return 'not-staff';
        signOut('card-removed');
        return 'staff';
      }
      case 'read': {
        const generation = ++cardGeneration;
        // A reader holds one card; a new read without a removal means the old one is gone.
        if (state.kind !== 'signed-out') signOut('other-card');
        const roster = deps.roster();
        if (roster === null) return 'not-staff';
        const entry = await findStaff(roster, event.document);
        if (generation !== cardGeneration) return 'not-staff';
        if (entry === null) return 'not-staff';
        state = { kind: 'awaiting-pin', entry };
        touch();
        publish();
        return 'staff';
      }
      default:
        return assertNever(event, 'card event');
    }
  }

  async function submitPin(pin: string): Promise<Result<StaffView, SignInError>> {
    if (state.kind !== 'awaiting-pin') return err({ kind: 'no-staff-card' });
    if (!PinSchema.safeParse(pin).success) return err({ kind: 'invalid-pin-format' });
    if (checking) return err({ kind: 'busy' });
    const entry = state.entry;
    const generation = cardGeneration;
    const now = deps.clock.now();
    touch();

    let current = deps.lockout.current();
    const clamped = clampToClock(current, now);
    if (clamped !== current) {
      if (!(await deps.lockout.save(clamped)).ok) return err({ kind: 'storage' });
      current = clamped;
    }
    const wait = remainingMs(current, now, policy);
    if (wait > 0) return err({ kind: 'locked', retryInSec: Math.ceil(wait / 1000) });

    checking = true;
    try {
      // Count first, check second: a crash or restart mid-check costs the guesser the try.
      current = { failures: current.failures + 1, lastFailureAt: Math.floor(now) };
      if (!(await deps.lockout.save(current)).ok) return err({ kind: 'storage' });
      const right = await verifyPin(pin, entry.pin);
      if (right) {
        if (!(await deps.lockout.save(NO_FAILURES)).ok) return err({ kind: 'storage' });
        if (generation !== cardGeneration || state.kind !== 'awaiting-pin') {
          return err({ kind: 'no-staff-card' });
        }
        const a = deps.audit.append(EVENTS.staffSignIn, { staffId: entry.staffId });
        if (!a.ok) {
          log.error(EVENTS.staffSignIn, { audit: a.error.kind });
          return err({ kind: 'audit-failed' });
        }
        state = { kind: 'signed-in', entry };
        touch();
        log.info(EVENTS.staffSignIn, { role: entry.role });
        publish();
        return ok(view());
      }
      const a = deps.audit.append(EVENTS.staffSignInFailed, { attempts: current.failures });
      if (!a.ok) log.error(EVENTS.staffSignInFailed, { audit: a.error.kind });
      log.warn(EVENTS.staffSignInFailed, { attempts: current.failures });
      const delay = lockoutDelayMs(current.failures, policy);
      if (delay > 0) {
        const seconds = Math.ceil(delay / 1000);
        const l = deps.audit.append(EVENTS.staffLockout, { seconds });
        if (!l.ok) log.error(EVENTS.staffLockout, { audit: l.error.kind });
        log.warn(EVENTS.staffLockout, { seconds });
      }
      publish();
      return err({ kind: 'wrong-pin', retryInSec: Math.ceil(delay / 1000) });
    } finally {
      checking = false;
    }
  }

  return {
    handleCard,
    submitPin,
    authorize(action) {
      if (state.kind !== 'signed-in') return err({ kind: 'not-signed-in' });
      const { staffId, role } = state.entry;
      if (!can(role, action)) {
        // Refused either way; an unrecorded refusal is only logged louder.
        const a = deps.audit.append(EVENTS.staffDenied, { staffId, role, action });
        if (!a.ok) log.error(EVENTS.staffDenied, { audit: a.error.kind });
        log.warn(EVENTS.staffDenied, { role, action });
        return err({ kind: 'forbidden', role, action });
      }
      touch();
      return ok({ staffId, role });
    },
    signOut,
    view,
    onChange(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    stop() {
      signOut('stopped');
      listeners.clear();
    },
  };
}
