import { describe, expect, it } from 'vitest';
import { ALL_EVENT_SECTIONS } from '../../../src/shared/events.js';

describe('event catalogue', () => {
  it('has unique, well-formed ids across all areas', () => {
    const ids = ALL_EVENT_SECTIONS.flatMap((s) => Object.values(s) as string[]);
    expect(new Set(ids).size).toBe(ids.length);
    for (const id of ids) expect(id).toMatch(/^[a-z0-9-]+(\.[a-z0-9-]+)+$/);
  });
});
