import { describe, expect, it } from 'vitest';
import { createSessionService } from '../../../src/main/session/service.js';
import { ManualClock } from '../../../src/shared/clock.js';
import { silentLogger } from '../../../src/shared/log.js';
import { CARD_ERROR_RESET_MS } from '../../../src/main/session/machine.js';
import { ALICE, fakeDevices } from '../../support/fake-devices.js';

describe('session service', () => {
  it('resets the language and forgets the document when the card is removed', () => {
    const fake = fakeDevices();
    const s = createSessionService({
      cardReader: fake.devices.cardReader,
      logger: silentLogger,
      clock: new ManualClock(),
      defaultLanguage: 'be',
    });
    expect(s.view()).toEqual({ state: 'attract', language: 'be' });
    s.setLanguage('en');
    fake.emit({ type: 'present' });
    fake.emit({ type: 'read', document: ALICE });
    expect(s.view()).toEqual({
      state: 'welcome',
      language: 'en',
      greetingName: 'Alesia',
      idleWarningUntil: null,
    });
    s.setLanguage('ru');
    expect(s.view()).toMatchObject({ state: 'welcome', language: 'ru' });
    fake.emit({ type: 'removed' });
    expect(s.view()).toEqual({ state: 'attract', language: 'be' });
    s.stop();
  });

  it('shows a card error with its reason and recovers on removal', () => {
    const fake = fakeDevices();
    const s = createSessionService({
      cardReader: fake.devices.cardReader,
      logger: silentLogger,
      clock: new ManualClock(),
      defaultLanguage: 'ru',
    });
    fake.emit({ type: 'present' });
    fake.emit({ type: 'error', reason: 'expired', detail: 'expired 2020-01-01' });
    expect(s.view()).toEqual({ state: 'card-error', language: 'ru', reason: 'expired' });
    fake.emit({ type: 'removed' });
    expect(s.view().state).toBe('attract');
    s.stop();
  });

  it('ignores a read that arrives after the session moved on to welcome', () => {
    const fake = fakeDevices();
    const s = createSessionService({
      cardReader: fake.devices.cardReader,
      logger: silentLogger,
      clock: new ManualClock(),
      defaultLanguage: 'en',
    });
    fake.emit({ type: 'read', document: ALICE });
    fake.emit({ type: 'read', document: { ...ALICE, givenNames: 'MALLORY' } });
    expect(s.view()).toMatchObject({ greetingName: 'Alesia' });
    s.stop();
  });

  it('returns to attract after a card error even when no card is left to remove', () => {
    const fake = fakeDevices();
    const clock = new ManualClock();
    const s = createSessionService({
      cardReader: fake.devices.cardReader,
      logger: silentLogger,
      clock,
      defaultLanguage: 'be',
    });
    s.setLanguage('en');
    fake.emit({ type: 'error', reason: 'read-badly', detail: 'check digit' });
    expect(s.view()).toMatchObject({ state: 'card-error', reason: 'read-badly' });
    clock.advance(CARD_ERROR_RESET_MS - 1);
    expect(s.view().state).toBe('card-error');
    clock.advance(1);
    expect(s.view()).toEqual({ state: 'attract', language: 'be' });
    s.stop();
  });
});
