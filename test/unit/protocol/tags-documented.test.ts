import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { TAG } from '../../../src/protocol/hash.js';

describe('domain tags', () => {
  it('are unique and every one is documented in docs/protocol.md', () => {
    const doc = readFileSync('docs/protocol.md', 'utf8');
    const tags = Object.values(TAG) as string[];
    expect(new Set(tags).size).toBe(tags.length);
    const missing = tags.filter((t) => !doc.includes('`' + t + '`'));
    expect(missing).toEqual([]);
  });
});
