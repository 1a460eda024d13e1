import { describe, expect, test } from '@jest/globals';
import {
  broadcastSettingsPatchSchema,
  effectivePlan,
  estimateBroadcastCost,
  LINE_PLANS,
  plansOfCountry,
  quietHoursAt,
} from '../../core/broadcasts/index.js';

const plan = (key: string) => LINE_PLANS.find((candidate) => candidate.key === key)!;
const brand = (linePlan: string | null, included: number | null = null, price: string | null = null) => ({
  country: 'TH' as const,
  linePlan,
  linePlanIncludedMessages: included,
  linePlanOveragePrice: price,
});

describe('the LINE plans table', () => {
  test('when listed, then Taiwan has the light, medium and high plans and Thailand free, basic and pro, with their figures', () => {
    expect(
      plansOfCountry('TW').map((p) => [p.key, p.monthlyFee, p.includedMessages, p.overagePrice]),
    ).toEqual([
      ['tw_light', 0, 200, null],
      ['tw_medium', 800, 3_000, null],
      ['tw_high', 1_200, 6_000, 0.2],
    ]);
    expect(
      plansOfCountry('TH').map((p) => [p.key, p.monthlyFee, p.includedMessages, p.overagePrice]),
    ).toEqual([
      ['th_free', 0, 300, null],
      ['th_basic', 1_280, 15_000, 0.1],
      ['th_pro', 1_780, 35_000, 0.06],
    ]);
  });

  test('when listed, then each Taiwan plan names the stored page its figures were checked against, and no Thai plan claims one', () => {
    for (const p of plansOfCountry('TW')) expect(p.source).toMatch(/^https:\/\//);
    for (const p of plansOfCountry('TH')) expect(p.source).toBeNull();
  });

  test("when the brand set its own figures, then they replace the table's; a plan of another country is no plan", () => {
    expect(effectivePlan(brand('th_basic', 20_000, '0.0800'))).toMatchObject({
      includedMessages: 20_000,
      overagePrice: 0.08,
    });
    expect(effectivePlan(brand('th_basic'))).toMatchObject({ includedMessages: 15_000, overagePrice: 0.1 });
    expect(effectivePlan(brand('tw_high'))).toBeUndefined();
    expect(effectivePlan(brand(null))).toBeUndefined();
  });
});

describe('the estimate', () => {
  const known = (used: number, limit?: number) => ({ known: true as const, used, limit });

  test('when the included messages cover it, then it costs nothing', () => {
    expect(
      estimateBroadcastCost({ recipients: 100, plan: plan('th_basic'), quota: known(0), currency: 'THB' }),
    ).toMatchObject({ messages: 100, includedLeft: 15_000, withinIncluded: 100, overage: 0, cost: 0 });
  });

  test('when it goes beyond them on a plan with additional messages, then the rest is priced', () => {
    expect(
      estimateBroadcastCost({
        recipients: 1_000,
        plan: plan('th_pro'),
        quota: known(34_500),
        currency: 'THB',
      }),
    ).toMatchObject({ includedLeft: 500, withinIncluded: 500, overage: 500, cost: 30, refusal: null });
  });

  test('when it goes beyond them on a plan without additional messages, then it is refused with the numbers', () => {
    const estimate = estimateBroadcastCost({
      recipients: 301,
      plan: plan('th_free'),
      quota: known(0),
      currency: 'THB',
    });

    expect(estimate).toMatchObject({ overage: 1, cost: null, refusal: { reason: 'plan_has_no_overage' } });
    expect(estimate.refusal!.message).toContain('needs 301 messages; 300 are left of the 300 included');
  });

  test("when LINE's own limit cannot cover it, then it is refused whatever the plan", () => {
    expect(
      estimateBroadcastCost({
        recipients: 50,
        plan: plan('tw_high'),
        quota: known(6_980, 7_000),
        currency: 'TWD',
      }).refusal,
    ).toMatchObject({
      reason: 'line_limit',
      message: expect.stringContaining('needs 50 messages; 20 are left'),
    });
  });

  test('when LINE could not be asked, then nothing is split, priced or refused', () => {
    expect(
      estimateBroadcastCost({
        recipients: 10,
        plan: plan('tw_light'),
        quota: { known: false },
        currency: 'TWD',
      }),
    ).toMatchObject({ used: null, includedLeft: null, overage: 0, cost: null, refusal: null });
  });
});

describe('quiet hours', () => {
  const hours = { startMinute: 21 * 60 + 30, endMinute: 8 * 60 + 15 };

  test('when a window wraps midnight, then its minutes count in the brand time zone', () => {
    expect(quietHoursAt(new Date('2026-03-10T13:29:00Z'), 'Asia/Taipei', hours)).toEqual({ quiet: false });
    expect(quietHoursAt(new Date('2026-03-10T13:30:00Z'), 'Asia/Taipei', hours)).toEqual({
      quiet: true,
      endsAt: new Date('2026-03-11T00:15:00Z'),
    });
    expect(quietHoursAt(new Date('2026-03-11T00:14:00Z'), 'Asia/Taipei', hours)).toMatchObject({
      quiet: true,
    });
    expect(quietHoursAt(new Date('2026-03-11T00:15:00Z'), 'Asia/Taipei', hours)).toEqual({ quiet: false });
  });
});

describe('the settings a console user may give', () => {
  const errorsOf = (body: unknown) => {
    const parsed = broadcastSettingsPatchSchema.safeParse(body);
    return parsed.success
      ? []
      : parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`);
  };

  test('when quiet hours start and end at the same time, or a time is not HH:MM, then the error says which', () => {
    expect(errorsOf({ quietHours: { start: '21:00', end: '21:00' } })).toEqual([
      'quietHours.end: quiet hours must start and end at different times',
    ]);
    expect(errorsOf({ quietHours: { start: '24:00', end: '09:00' } })[0]).toContain(
      'quietHours.start: a time of day',
    );
  });

  test('when the cap is outside 0–50 messages or 1–90 days, then the error gives the range', () => {
    expect(errorsOf({ frequencyCap: { messages: 51, days: 7 } })).toEqual([
      'frequencyCap.messages: the cap is 0 to 50 messages (0: no cap)',
    ]);
    expect(errorsOf({ frequencyCap: { messages: 2, days: 0 } })).toEqual([
      'frequencyCap.days: the cap counts over 1 to 90 days',
    ]);
    expect(errorsOf({ frequencyCap: { messages: 2, days: 91 } })).toHaveLength(1);
  });

  test('when the plan is unknown or its price negative, then it is refused; good settings pass', () => {
    expect(errorsOf({ linePlan: { plan: 'jp_standard' } })[0]).toContain('linePlan.plan: one of tw_light');
    expect(errorsOf({ linePlan: { plan: 'tw_high', overagePrice: -1 } })).toHaveLength(1);
    expect(
      errorsOf({
        quietHours: { start: '22:00', end: '08:30' },
        quietHoursMidSend: 'skip',
        frequencyCap: { messages: 0, days: 90 },
        linePlan: { plan: 'tw_high', includedMessages: 6_000, overagePrice: 0.18 },
      }),
    ).toEqual([]);
  });
});
