import { describe, expect, test } from '@jest/globals';
import { loadSplit, splitPartOf, tuningHalfOf } from '../../bench/support/sroie-split.js';

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

describe('the halves of the tuning part (a cross-validation inside it, `parse-cached.ts --halves`)', () => {
  const { tuning } = loadSplit();

  test('when the tuning part is halved, then each half holds about half its scans', () => {
    const a = tuning.filter((file) => tuningHalfOf(file) === 'A').length;
    expect(a / tuning.length).toBeGreaterThan(0.35);
    expect(a / tuning.length).toBeLessThan(0.65);
  });

  test('when a scan is halved twice, then it falls in the same half, by its name alone', () => {
    expect(tuning.map((file) => tuningHalfOf(file))).toEqual(tuning.map((file) => tuningHalfOf(file)));
    expect(tuningHalfOf('003.jpg')).toBe(tuningHalfOf('003.jpg'));
    expect(new Set(tuning.map((file) => tuningHalfOf(file)))).toEqual(new Set(['A', 'B']));
  });
});
