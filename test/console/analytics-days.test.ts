import { describe, expect, it } from '@jest/globals';
import { MAX_FILLED_DAYS, withEveryDay } from '../../console-app/src/pages/analytics/days.js';

const empty = (day: string) => ({ day, proofs: 0 });

describe('the days of a by-day chart', () => {
  it('puts in the days without a row as zeros, so the axis is time', () => {
    const rows = [
      { day: '2026-02-27', proofs: 3 },
      { day: '2026-03-02', proofs: 5 },
    ];
    expect(withEveryDay(rows, empty)).toEqual([
      { day: '2026-02-27', proofs: 3 },
      { day: '2026-02-28', proofs: 0 },
      { day: '2026-03-01', proofs: 0 },
      { day: '2026-03-02', proofs: 5 },
    ]);
  });

  it('keeps the rows as they are when nothing is missing, when empty, or when the span is too long to draw day by day', () => {
    const rows = [
      { day: '2026-12-31', proofs: 1 },
      { day: '2027-01-01', proofs: 2 },
    ];
    expect(withEveryDay(rows, empty)).toEqual(rows);
    expect(withEveryDay([], empty)).toEqual([]);
    const far = [
      { day: '2024-01-01', proofs: 1 },
      { day: '2026-12-01', proofs: 1 },
    ];
    expect(withEveryDay(far, empty)).toEqual(far);
    const justIn = [
      { day: '2026-01-01', proofs: 1 },
      { day: new Date(Date.UTC(2026, 0, MAX_FILLED_DAYS)).toISOString().slice(0, 10), proofs: 1 },
    ];
    expect(withEveryDay(justIn, empty)).toHaveLength(MAX_FILLED_DAYS);
  });
});
