import { describe, expect, test } from '@jest/globals';
import { parseCampaignSettings, type CampaignDrawSchedule } from '../../core/campaigns/index.js';
import { computeScheduledPeriods, periodsToOpen } from '../../core/draws/index.js';

const prizes = [{ key: 'tea', name: { en: 'Tea set' }, quantity: 2 }];

function schedule(input: unknown): CampaignDrawSchedule {
  const parsed = parseCampaignSettings({ rules: {}, rewards: { entries: { perProof: 1 }, draws: input } });
  if (!parsed.ok) throw new Error(JSON.stringify(parsed.issues));
  return parsed.rewards.draws as CampaignDrawSchedule;
}

const span = (periods: ReturnType<typeof computeScheduledPeriods>) =>
  periods.map(({ key, periodFrom, periodTo }) => [key, periodFrom.toISOString(), periodTo.toISOString()]);

describe('draw schedule periods (campaign time zone)', () => {
  test('when weeks close on Sunday 20:00 in Taipei, then each period ends Sunday 12:00 UTC and the last is cut at registerTo', () => {
    const periods = computeScheduledPeriods({
      schedule: schedule({ weekly: { closesOn: 'sun', closesAt: '20:00', prizes } }),
      timezone: 'Asia/Taipei',
      registerFrom: new Date('2026-02-02T00:00:00Z'), // Monday 08:00 Taipei
      registerTo: new Date('2026-02-20T16:00:00Z'), // Saturday 21 Feb 00:00 Taipei
    });
    expect(span(periods)).toEqual([
      ['weekly:2026-02-08', '2026-02-02T00:00:00.000Z', '2026-02-08T12:00:00.000Z'],
      ['weekly:2026-02-15', '2026-02-08T12:00:00.000Z', '2026-02-15T12:00:00.000Z'],
      ['weekly:2026-02-22', '2026-02-15T12:00:00.000Z', '2026-02-20T16:00:00.000Z'],
    ]);
    expect(periods.map((period) => period.name.en)).toEqual(['Week 1 draw', 'Week 2 draw', 'Week 3 draw']);
    expect(periods[0]).toMatchObject({ kind: 'weekly', prizes, maxWinsPerMember: 1, reserveCount: 0 });
  });

  test('when weeks close on Monday 00:00 in Bangkok, then each period ends Sunday 17:00 UTC; the final draw spans registration', () => {
    const periods = computeScheduledPeriods({
      schedule: schedule({
        weekly: { closesOn: 'mon', prizes, name: { th: 'ลุ้นรายสัปดาห์', en: 'Weekly' } },
        final: { prizes, reserveCount: 3 },
      }),
      timezone: 'Asia/Bangkok',
      registerFrom: new Date('2026-02-01T17:00:00Z'), // Monday 2 Feb 00:00 Bangkok: a boundary itself
      registerTo: new Date('2026-02-15T17:00:00Z'),
    });
    expect(span(periods)).toEqual([
      ['weekly:2026-02-09', '2026-02-01T17:00:00.000Z', '2026-02-08T17:00:00.000Z'],
      ['weekly:2026-02-16', '2026-02-08T17:00:00.000Z', '2026-02-15T17:00:00.000Z'],
      ['final', '2026-02-01T17:00:00.000Z', '2026-02-15T17:00:00.000Z'],
    ]);
    expect(periods[1]?.name).toEqual({ th: 'ลุ้นรายสัปดาห์ (สัปดาห์ที่ 2)', en: 'Weekly (week 2)' });
    expect(periods[2]).toMatchObject({ kind: 'final', reserveCount: 3, name: { en: 'Grand draw' } });
  });

  test('when a period begins within the open-ahead window, then its draw is due to open; a closed one never is', () => {
    const periods = computeScheduledPeriods({
      schedule: schedule({ weekly: { closesOn: 'sun', closesAt: '20:00', prizes } }),
      timezone: 'Asia/Taipei',
      registerFrom: new Date('2026-02-02T00:00:00Z'),
      registerTo: new Date('2026-02-20T16:00:00Z'),
    });
    const hour = 3_600_000;
    const keys = (now: string) => periodsToOpen(periods, new Date(now), hour).map((period) => period.key);
    expect(keys('2026-02-01T22:59:59Z')).toEqual([]);
    expect(keys('2026-02-01T23:00:00Z')).toEqual(['weekly:2026-02-08']);
    expect(keys('2026-02-08T11:00:00Z')).toEqual(['weekly:2026-02-08', 'weekly:2026-02-15']);
    expect(keys('2026-02-08T12:00:00Z')).toEqual(['weekly:2026-02-15']);
    expect(keys('2026-02-20T16:00:00Z')).toEqual([]);
  });

  test.each([
    [{ weekly: { closesOn: 'someday', prizes } }, 'rewards.draws.weekly.closesOn'],
    [{ weekly: { closesOn: 'sun', closesAt: '24:00', prizes } }, 'rewards.draws.weekly.closesAt'],
    [{ weekly: { closesOn: 'sun', prizes: [] } }, 'rewards.draws.weekly.prizes'],
    [{ final: { prizes: [...prizes, ...prizes] } }, 'rewards.draws.final.prizes.1.key'],
    [{ final: { prizes: [{ ...prizes[0], key: 'reserve' }] } }, 'rewards.draws.final.prizes.0.key'],
    [{ final: { prizes, maxWinsPerMember: 0 } }, 'rewards.draws.final.maxWinsPerMember'],
    [{ final: { prizes, closesAt: '2026-03-01' } }, 'rewards.draws.final.closesAt'],
  ])('when the schedule is %j, then the settings are refused at %s', (draws, path) => {
    const parsed = parseCampaignSettings({ rules: {}, rewards: { entries: { perProof: 1 }, draws } });
    expect(parsed.ok).toBe(false);
    if (!parsed.ok) expect(parsed.issues.map((issue) => issue.path)).toContain(path);
  });

  test('when draws are scheduled but proofs earn no entries, then the settings are refused; no schedule stays valid', () => {
    const withoutEntries = parseCampaignSettings({
      rules: {},
      rewards: { draws: { final: { prizes } } },
    });
    expect(withoutEntries).toEqual({
      ok: false,
      issues: [{ path: 'rewards.draws', message: 'draws need lottery entries (rewards.entries)' }],
    });
    const existing = parseCampaignSettings({ rules: {}, rewards: { entries: { perProof: 1 } } });
    expect(existing.ok && existing.rewards.draws).toBeUndefined();
  });
});
