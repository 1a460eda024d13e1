import { describe, expect, test } from '@jest/globals';
import { loadSplit, splitPartOf } from '../../bench/support/sroie-split.js';

describe('the tuning / check split of sroie-dev (docs/decisions/007-receipt-reader-split.md)', () => {
  const split = loadSplit();

  test('when the committed list is read, then every file is in the part its name hashes to', () => {
    for (const file of split.tuning) expect(splitPartOf(file)).toBe('tuning');
    for (const file of split.check) expect(splitPartOf(file)).toBe('check');
  });

  test('when both parts are compared, then they are disjoint and about 60 / 40', () => {
    const tuning = new Set(split.tuning);
    expect(split.check.some((file) => tuning.has(file))).toBe(false);
    const share = split.tuning.length / (split.tuning.length + split.check.length);
    expect(share).toBeGreaterThan(0.5);
    expect(share).toBeLessThan(0.7);
  });
});
