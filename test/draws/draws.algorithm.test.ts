import { describe, expect, test } from '@jest/globals';
import {
  computeDrawWinners,
  computeSeedHash,
  pseudonymizeMember,
  validateDrawInput,
  type PublishedEntry,
} from '../../core/draws/index.js';

function entriesFor(weights: number[], perMember = 1): PublishedEntry[] {
  return weights.map((weight, index) => ({
    id: `ent_${String(index).padStart(6, '0')}`,
    member: `p_member${Math.floor(index / perMember)}`,
    weight,
  }));
}

const SEED = 'a3f1c0ffee'.repeat(6) + 'abcd';

describe('draw algorithm v1', () => {
  test('when the same seed and entries are drawn twice, in any input order, then the winners are identical', () => {
    const entries = entriesFor([1, 5, 2, 8, 3, 1, 1, 4]);
    const rules = {
      prizes: [
        { key: 'first', quantity: 1 },
        { key: 'second', quantity: 2 },
      ],
      maxWinsPerMember: 1,
      reserveCount: 2,
    };

    const first = computeDrawWinners({ seed: SEED, entries, rules });
    const shuffled = computeDrawWinners({ seed: SEED, entries: [...entries].reverse(), rules });

    expect(shuffled).toEqual(first);
    expect(first.picks.map((pick) => pick.prizeKey)).toEqual([
      'first',
      'second',
      'second',
      'reserve',
      'reserve',
    ]);
    expect(new Set(first.picks.map((pick) => pick.entryId)).size).toBe(5);
  });

  test('when one weight, one entry id or the seed changes, then the digest and the winners change', () => {
    const entries = entriesFor(Array.from({ length: 200 }, (_, index) => 1 + (index % 7)));
    const rules = { prizes: [{ key: 'prize', quantity: 10 }], maxWinsPerMember: 1, reserveCount: 0 };
    const base = computeDrawWinners({ seed: SEED, entries, rules });

    const reweighted = entries.map((entry, index) =>
      index === 17 ? { ...entry, weight: entry.weight + 1 } : entry,
    );
    const renamed = entries.map((entry, index) => (index === 3 ? { ...entry, id: 'ent_x' } : entry));
    const variants = [
      computeDrawWinners({ seed: SEED, entries: reweighted, rules }),
      computeDrawWinners({ seed: SEED, entries: renamed, rules }),
      computeDrawWinners({ seed: `${SEED.slice(0, -1)}e`, entries, rules }),
    ];

    for (const variant of variants) {
      expect(variant.picks.map((pick) => pick.entryId)).not.toEqual(base.picks.map((pick) => pick.entryId));
    }
    expect(variants[0]?.entriesDigest).not.toBe(base.entriesDigest);
    expect(variants[2]?.entriesDigest).toBe(base.entriesDigest);
  });

  test('when a member holds most of the weight, then the cap stops them after maxWinsPerMember picks', () => {
    // member0 holds 1,000 entries of weight 100; five others one entry of weight 1 each.
    const heavy = Array.from({ length: 1000 }, (_, index) => ({
      id: `ent_h${index}`,
      member: 'p_heavy',
      weight: 100,
    }));
    const light = Array.from({ length: 5 }, (_, index) => ({
      id: `ent_l${index}`,
      member: `p_light${index}`,
      weight: 1,
    }));
    const rules = { prizes: [{ key: 'gift', quantity: 4 }], maxWinsPerMember: 2, reserveCount: 3 };

    const { picks } = computeDrawWinners({ seed: SEED, entries: [...heavy, ...light], rules });

    expect(picks.filter((pick) => pick.member === 'p_heavy')).toHaveLength(2);
    expect(picks).toHaveLength(7);
    expect(new Set(picks.filter((pick) => pick.member !== 'p_heavy').map((pick) => pick.member)).size).toBe(
      5,
    );
  });

  test('when there are fewer entries than places, then every entry wins once and the draw stops', () => {
    const { picks } = computeDrawWinners({
      seed: SEED,
      entries: entriesFor([3, 1]),
      rules: { prizes: [{ key: 'gift', quantity: 5 }], maxWinsPerMember: 1, reserveCount: 2 },
    });
    expect(picks.map((pick) => pick.entryId).sort()).toEqual(['ent_000000', 'ent_000001']);
  });

  test('when many seeded draws run, then wins follow the weights (chi-square, df = 4, p = 0.001 bound)', () => {
    const weights = [1, 2, 3, 4, 10];
    const entries = entriesFor(weights);
    const rules = { prizes: [{ key: 'one', quantity: 1 }], maxWinsPerMember: 1, reserveCount: 0 };
    const rounds = 4000;
    const counts = new Map<string, number>();
    for (let round = 0; round < rounds; round++) {
      const { picks } = computeDrawWinners({ seed: `chi-square-seed-${round}`, entries, rules });
      const winner = picks[0]?.entryId as string;
      counts.set(winner, (counts.get(winner) ?? 0) + 1);
    }
    const total = weights.reduce((sum, weight) => sum + weight, 0);
    let chiSquare = 0;
    entries.forEach((entry) => {
      const expected = (rounds * entry.weight) / total;
      const observed = counts.get(entry.id) ?? 0;
      chiSquare += (observed - expected) ** 2 / expected;
    });
    expect(chiSquare).toBeLessThan(18.467);
    // And a skewed expectation must be rejected by the same statistic: the test can fail.
    let wrong = 0;
    entries.forEach((entry) => {
      const expected = rounds / entries.length;
      wrong += ((counts.get(entry.id) ?? 0) - expected) ** 2 / expected;
    });
    expect(wrong).toBeGreaterThan(18.467);
  });

  test('when the algorithm runs on a fixed vector, then it gives the pinned result (changing v1 breaks old exports)', () => {
    const { entriesDigest, picks } = computeDrawWinners({
      seed: '00'.repeat(32),
      entries: entriesFor([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]),
      rules: { prizes: [{ key: 'a', quantity: 2 }], maxWinsPerMember: 1, reserveCount: 1 },
    });
    expect({
      entriesDigest,
      winners: picks.map((pick) => `${pick.prizeKey}:${pick.entryId}`),
    }).toMatchSnapshot();
  });

  test('seed hash, pseudonyms and input validation', () => {
    expect(computeSeedHash('abc')).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
    expect(pseudonymizeMember('key-1', 'mbr_1')).toMatch(/^p_[0-9a-f]{20}$/);
    expect(pseudonymizeMember('key-1', 'mbr_1')).not.toBe(pseudonymizeMember('key-2', 'mbr_1'));
    const problems = validateDrawInput(
      [
        { id: 'a', member: 'p', weight: 0 },
        { id: 'a', member: 'p\tq', weight: 1 },
      ],
      { prizes: [{ key: 'reserve', quantity: 0 }], maxWinsPerMember: 0, reserveCount: -1 },
    );
    expect(problems.map((problem) => problem.path)).toEqual([
      'entries[0].weight',
      'entries[1].id',
      'entries[1].member',
      'rules.maxWinsPerMember',
      'rules.reserveCount',
      'rules.prizes[0].key',
      'rules.prizes[0].quantity',
    ]);
  });
});
