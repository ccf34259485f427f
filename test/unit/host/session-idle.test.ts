// The session's voter side on a ManualClock: the eligibility verdict in the welcome view, the
// idle warning and its expiry (which ends the voter's session exactly like pulling the card),
// and a verdict arriving after the card left.
import { describe, expect, it } from 'vitest';
import type { IdDocument } from '../../../src/hardware/types.js';
import { IDLE_MS, IDLE_WARNING_MS } from '../../../src/main/session/machine.js';
import { createSessionService, type VoterHooks } from '../../../src/main/session/service.js';
import type { EligibilityView, Language } from '../../../src/main/rpc/schema.js';
import { ManualClock } from '../../../src/shared/clock.js';
import { memoryLogger, silentLogger } from '../../../src/shared/log.js';
import { ALICE, fakeDevices } from '../../support/fake-devices.js';

type Verdict = Exclude<EligibilityView, { status: 'checking' }> | 'superseded';

/** Voter hooks whose verdicts the test releases by hand, recording every call. */
function fakeVoter() {
  const calls: string[] = [];
  const pending: ((v: Verdict) => void)[] = [];
  const hooks: VoterHooks = {
    begin(doc: IdDocument, language: Language) {
      calls.push(`begin ${doc.documentNumber} ${language}`);
      return new Promise<Verdict>((r) => pending.push(r));
    },
    setLanguage: (l) => calls.push(`language ${l}`),
    end: () => calls.push('end'),
  };
  const release = async (v: Verdict) => {
    pending.shift()?.(v);
    await Promise.resolve();
    await Promise.resolve();
  };
  return { hooks, calls, release };
}

function setup() {
  const fake = fakeDevices();
  const clock = new ManualClock();
  const voter = fakeVoter();
  const s = createSessionService({
    cardReader: fake.devices.cardReader,
    logger: silentLogger,
    clock,
    defaultLanguage: 'be',
    voter: voter.hooks,
  });
  return { fake, clock, voter, s };
}

describe('session: eligibility', () => {
  it('shows checking, then the verdict; the refusal stays until the card is taken', async () => {
    const { fake, voter, s } = setup();
    s.setLanguage('ru');
    fake.emit({ type: 'present' });
    fake.emit({ type: 'read', document: ALICE });
    expect(voter.calls).toEqual(['begin AB1234567 ru']);
    expect(s.view()).toMatchObject({ state: 'welcome', eligibility: { status: 'checking' } });
    await voter.release({ status: 'refused', reason: 'not-on-roll' });
    expect(s.view()).toEqual({
      state: 'welcome',
      language: 'ru',
      greetingName: 'Alesia',
      idleWarningUntil: null,
      eligibility: { status: 'refused', reason: 'not-on-roll' },
    });
    fake.emit({ type: 'removed' });
    expect(voter.calls).toEqual(['begin AB1234567 ru', 'end']);
    expect(s.view()).toEqual({ state: 'attract', language: 'be' });
    s.stop();
  });

  it('a verdict for a card already gone is dropped', async () => {
    const { fake, voter, s } = setup();
    fake.emit({ type: 'read', document: ALICE });
    fake.emit({ type: 'removed' });
    fake.emit({ type: 'read', document: { ...ALICE, documentNumber: 'ZZ0000001' } });
    // The first card's answer arrives late: the second card is still being checked.
    await voter.release({ status: 'eligible' });
    expect(s.view()).toMatchObject({ eligibility: { status: 'checking' } });
    await voter.release({ status: 'refused', reason: 'document-expired' });
    expect(s.view()).toMatchObject({
      eligibility: { status: 'refused', reason: 'document-expired' },
    });
    expect(voter.calls).toEqual(['begin AB1234567 be', 'end', 'begin ZZ0000001 be']);
    s.stop();
    expect(voter.calls.at(-1)).toBe('end');
  });

  it('a language change reaches the voting service (the receipt language)', async () => {
    const { fake, voter, s } = setup();
    fake.emit({ type: 'read', document: ALICE });
    await voter.release({ status: 'eligible' });
    s.setLanguage('en');
    expect(voter.calls).toContain('language en');
    expect(s.view()).toMatchObject({ language: 'en', eligibility: { status: 'eligible' } });
    s.stop();
  });

  it('without voter hooks the welcome view has no eligibility field', () => {
    const fake = fakeDevices();
    const s = createSessionService({
      cardReader: fake.devices.cardReader,
      logger: silentLogger,
      clock: new ManualClock(),
      defaultLanguage: 'be',
    });
    fake.emit({ type: 'read', document: ALICE });
    expect(s.view()).not.toHaveProperty('eligibility');
    s.stop();
  });
});

describe('session: idle timeout', () => {
  it('warns after IDLE_MS, a touch clears it, expiry ends the session like card removal', async () => {
    const { fake, clock, voter, s } = setup();
    const seen: (number | null | undefined)[] = [];
    s.onChange((v) => seen.push(v.state === 'welcome' ? v.idleWarningUntil : undefined));
    fake.emit({ type: 'read', document: ALICE });
    await voter.release({ status: 'eligible' });
    s.setLanguage('en');

    clock.advance(IDLE_MS - 1);
    expect(s.view()).toMatchObject({ idleWarningUntil: null });
    clock.advance(1);
    const until = clock.now() + IDLE_WARNING_MS;
    expect(s.view()).toMatchObject({ state: 'welcome', idleWarningUntil: until });
    // The voter is back: the warning goes, and the full idle time starts over.
    clock.advance(IDLE_WARNING_MS - 1);
    expect(s.touch()).toMatchObject({ state: 'welcome', idleWarningUntil: null });
    clock.advance(IDLE_MS - 1);
    expect(s.view()).toMatchObject({ state: 'welcome', idleWarningUntil: null });
    clock.advance(1 + IDLE_WARNING_MS - 1);
    expect(s.view()).toMatchObject({ state: 'welcome' });
    expect(voter.calls).not.toContain('end');
    clock.advance(1);
    // Gone: attract, default language, voter's session ended, nothing of them in the view.
    expect(s.view()).toEqual({ state: 'attract', language: 'be' });
    expect(voter.calls.at(-1)).toBe('end');
    expect(seen).toContain(until);
    expect(seen.at(-1)).toBeUndefined();
    s.stop();
  });

  it('no idle timer without a voter; touches in attract do nothing', () => {
    const { clock, s } = setup();
    s.touch();
    clock.advance(10 * IDLE_MS);
    expect(s.view()).toEqual({ state: 'attract', language: 'be' });
    s.stop();
  });

  it('the card still in the slot after a timeout is ignored until it is reinserted', async () => {
    const { fake, clock, voter, s } = setup();
    fake.emit({ type: 'read', document: ALICE });
    await voter.release({ status: 'eligible' });
    clock.advance(IDLE_MS + IDLE_WARNING_MS);
    expect(s.view().state).toBe('attract');
    fake.emit({ type: 'removed' });
    expect(s.view().state).toBe('attract');
    fake.emit({ type: 'read', document: ALICE });
    expect(s.view()).toMatchObject({ state: 'welcome', eligibility: { status: 'checking' } });
    s.stop();
  });

  it('logs the timeout by name only', async () => {
    const fake = fakeDevices();
    const clock = new ManualClock();
    const voter = fakeVoter();
    const logger = memoryLogger();
    const s = createSessionService({
      cardReader: fake.devices.cardReader,
      logger,
      clock,
      defaultLanguage: 'be',
      voter: voter.hooks,
    });
    fake.emit({ type: 'read', document: ALICE });
    await voter.release({ status: 'eligible' });
    clock.advance(IDLE_MS + IDLE_WARNING_MS);
    const events = logger.lines.map((l) => l.event);
    expect(events).toContain('session.idle.timeout');
    expect(events).toContain('session.eligibility.ok');
    expect(JSON.stringify(logger.lines)).not.toMatch(/AB1234567|ALESIA|Alesia|1990/);
    s.stop();
  });
});
