// The profile screen rendered to markup (no browser needed): an official under recall shows
// the recall with its dates, support and the acting official; the promise checklist shows each
// state and the reason; the rating history is an SVG whose accessible name lists every point.
import { createElement } from 'react';
import { renderToStaticMarkup } from 'react-dom/server';
import { describe, expect, it } from 'vitest';
import type { Profile } from '../../../src/main/voting/rpc-schema.js';
import { createI18n } from '../../../src/renderer/i18n/index.js';
import { ProfileView } from '../../../src/renderer/voting/ProfileView.js';

const L = (be: string, ru: string, en: string) => ({ be, ru, en });

const official: Profile = {
  personId: 'mikalai-hrynevich',
  name: L('Мікалай Грыневіч', 'Николай Гриневич', 'Mikalai Hrynevich'),
  role: L('Старшыня', 'Председатель', 'Head of Zaslauje'),
  status: {
    kind: 'under-recall',
    since: '2026-11-20',
    acting: L('Вольга Сакалова', 'Ольга Соколова', 'Volha Sakalova'),
    endsOn: '2026-12-20',
    support: 0.18,
  },
  certificate: {
    issuer: 'demo-ministry',
    certificateId: 'mq-1',
    validUntil: '2030-01-01',
    valid: true,
  },
  promises: [
    { itemId: 'p1', text: L('Мост', 'Мост', 'The bridge'), status: 'fulfilled', reason: null },
    {
      itemId: 'p2',
      text: L('Бібліятэка', 'Библиотека', 'The library'),
      status: 'not-fulfilled',
      reason: L('Няма сродкаў', 'Нет средств', 'No money in the budget'),
    },
    { itemId: 'p3', text: L('Аўтобус', 'Автобус', 'The bus'), status: 'in-progress', reason: null },
  ],
  ratings: [
    { electionId: 'r1', label: '2026-09-01', approval: 0.62 },
    { electionId: 'r2', label: '2026-10-01', approval: 0.41 },
    { electionId: 'r3', label: '2026-11-01', approval: 0.18 },
  ],
};

function render(profile: Profile, language: 'be' | 'ru' | 'en') {
  const i18n = createI18n(language);
  return renderToStaticMarkup(
    createElement(ProfileView, {
      profile,
      language,
      t: i18n.t.bind(i18n),
      onBack: () => undefined,
    }),
  );
}

describe('profile screen', () => {
  it('shows a recall under way with the acting official, in every language', () => {
    const en = render(official, 'en');
    expect(en).toContain('data-status="under-recall"');
    expect(en).toContain('Recall under way since 2026-11-20, until 2026-12-20');
    expect(en).toContain('Support in the latest rating: 18 %');
    expect(en).toContain('Acting official: Volha Sakalova');
    expect(render(official, 'ru')).toContain('Исполняющий обязанности: Ольга Соколова');
    expect(render(official, 'be')).toContain('Выканаўца абавязкаў: Вольга Сакалова');
  });

  it('lists each promise with its state and the reason it was not fulfilled', () => {
    const en = render(official, 'en');
    expect(en).toMatch(/data-status="fulfilled".*The bridge.*Fulfilled/);
    expect(en).toMatch(
      /data-status="not-fulfilled".*The library.*Not fulfilled.*Reason: No money in the budget/,
    );
    expect(en).toMatch(/data-status="in-progress".*The bus.*In progress/);
  });

  it('draws the rating history with every point in its name and as text', () => {
    const en = render(official, 'en');
    expect(en).toContain('role="img"');
    expect(en).toContain(
      'aria-label="Rating history: 2026-09-01: 62 %; 2026-10-01: 41 %; 2026-11-01: 18 %"',
    );
    expect(en.match(/<circle /g)).toHaveLength(3);
    // Falling support draws a falling line (SVG y grows downwards).
    const ys = [...en.matchAll(/cy="([\d.]+)"/g)].map((m) => Number(m[1]));
    expect(ys[0]).toBeLessThan(ys[1] ?? 0);
    expect(ys[1]).toBeLessThan(ys[2] ?? 0);
  });

  it('says so when there is no acting official, no certificate, no promises and no ratings', () => {
    const bare: Profile = {
      ...official,
      status: { ...official.status, acting: null } as Profile['status'],
      certificate: null,
      promises: [],
      ratings: [],
    };
    const en = render(bare, 'en');
    expect(en).toContain('No acting official has been appointed yet.');
    expect(en).toContain('No qualification certificate on record.');
    expect(en).toContain('No promises on record.');
    expect(en).toContain('No ratings yet.');
    expect(en).not.toContain('<svg');
  });
});
