import { z } from 'zod';

/**
 * LINE's demographic filter for narrowcast (Messaging API reference, "Demographic filter objects"): the
 * only audience narrowcast is used for here. Segments go by multicast (issue 13): a narrowcast reserves
 * the whole target reach from the quota, needs ≥ 50 recipients, and LINE picks the recipients itself,
 * so our consent exclusions and frequency cap cannot apply (docs/decisions/013-narrowcast-consent.md).
 */
export type DemographicFilter =
  | { type: 'operator'; and?: DemographicFilter[]; or?: DemographicFilter[]; not?: DemographicFilter }
  | { type: 'gender'; oneOf: ('male' | 'female')[] }
  | { type: 'age'; gte?: AgeBound; lt?: AgeBound }
  | { type: 'area'; oneOf: string[] }
  | { type: 'appType'; oneOf: ('ios' | 'android')[] }
  | { type: 'subscriptionPeriod'; gte?: PeriodBound; lt?: PeriodBound };

/** The age bounds LINE defines (`age_15` … `age_70`). */
export const NARROWCAST_AGES = [
  'age_15',
  'age_20',
  'age_25',
  'age_30',
  'age_35',
  'age_40',
  'age_45',
  'age_50',
  'age_55',
  'age_60',
  'age_65',
  'age_70',
] as const;
type AgeBound = (typeof NARROWCAST_AGES)[number];

/** The friendship periods LINE defines (days since the user added the account). */
export const NARROWCAST_PERIODS = ['day_7', 'day_30', 'day_90', 'day_180', 'day_365'] as const;
type PeriodBound = (typeof NARROWCAST_PERIODS)[number];

/**
 * LINE's area codes for Taiwan (`tw_01` Taipei City … `tw_22` Lienchiang County), in LINE's order. Only
 * Taiwan brands may narrowcast (Thailand needs opt-in consent, see narrowcastConsentDecision).
 */
export const NARROWCAST_TW_AREAS = Array.from(
  { length: 22 },
  (_, i) => `tw_${String(i + 1).padStart(2, '0')}`,
);

/** LINE sends a narrowcast only when its target reach is at least 50 (error code 2 below that). */
export const NARROWCAST_MIN_RECIPIENTS = 50;

/** How often the worker asks LINE for a narrowcast's progress. @default 10_000 */
export const NARROWCAST_POLL_MS = 10_000;

const bounds = <T extends readonly [string, ...string[]]>(type: string, values: T) =>
  z
    .object({ type: z.literal(type), gte: z.enum(values).optional(), lt: z.enum(values).optional() })
    .refine((filter) => filter.gte !== undefined || filter.lt !== undefined, 'give gte, lt or both')
    .refine(
      (filter) =>
        filter.gte === undefined ||
        filter.lt === undefined ||
        values.indexOf(filter.gte) < values.indexOf(filter.lt),
      'gte must be below lt',
    );

export const demographicFilterSchema: z.ZodType<DemographicFilter> = z.lazy(() =>
  z.union([
    z
      .object({
        type: z.literal('operator'),
        and: z.array(demographicFilterSchema).min(1).max(10).optional(),
        or: z.array(demographicFilterSchema).min(1).max(10).optional(),
        not: demographicFilterSchema.optional(),
      })
      .refine(
        (filter) => [filter.and, filter.or, filter.not].filter((part) => part !== undefined).length === 1,
        'an operator has exactly one of and, or, not',
      ),
    z.object({ type: z.literal('gender'), oneOf: z.array(z.enum(['male', 'female'])).min(1) }),
    bounds('age', NARROWCAST_AGES),
    z.object({
      type: z.literal('area'),
      oneOf: z.array(z.enum(NARROWCAST_TW_AREAS as [string, ...string[]])).min(1),
    }),
    z.object({ type: z.literal('appType'), oneOf: z.array(z.enum(['ios', 'android'])).min(1) }),
    bounds('subscriptionPeriod', NARROWCAST_PERIODS),
  ]),
) as z.ZodType<DemographicFilter>;

/**
 * Whether a brand's country allows narrowcast: LINE chooses the recipients, so members without marketing
 * consent cannot be left out. Thailand requires opt-in consent (PDPA): refused. Taiwan is opt-out: allowed,
 * with a warning that members who opted out and the frequency cap are not applied.
 */
export function narrowcastConsentDecision(
  country: 'TW' | 'TH',
): { allowed: false; reason: 'opt_in_required' } | { allowed: true; warnings: NarrowcastWarning[] } {
  if (country === 'TH') return { allowed: false, reason: 'opt_in_required' };
  return {
    allowed: true,
    warnings: ['opt_out_not_applied', 'frequency_cap_not_applied', 'whole_reach_reserved'],
  };
}

export type NarrowcastWarning = 'opt_out_not_applied' | 'frequency_cap_not_applied' | 'whole_reach_reserved';
