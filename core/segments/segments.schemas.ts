import { z } from 'zod';
import { regionCodeSchema } from '../regions/index.js';

const LOCALES = ['zh-TW', 'th', 'en'] as const;
const days = z.number().int().min(1).max(3660);
const nonEmptyText = z.string().trim().min(1).max(200);
const textList = z.array(nonEmptyText).min(1).max(200);
const isoDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'must be a date YYYY-MM-DD');

/** The age bands a segment can pick (age on today's date in the brand's time zone). */
export const AGE_BANDS = ['under-20', '20-29', '30-39', '40-49', '50-59', '60+'] as const;
export type AgeBand = (typeof AGE_BANDS)[number];

/** One test on a member: profile, consent, behaviour, survey answer, tag or an uploaded list. */
const leafConditions = [
  /** Everyone (the brand's reachable members). */
  z.object({ type: z.literal('all') }),
  z.object({ type: z.literal('region'), regions: z.array(regionCodeSchema).min(1) }),
  z.object({
    type: z.literal('gender'),
    genders: z.array(z.enum(['female', 'male', 'other', 'undisclosed'])).min(1),
  }),
  z.object({ type: z.literal('ageBand'), bands: z.array(z.enum(AGE_BANDS)).min(1) }),
  z.object({ type: z.literal('language'), languages: z.array(z.enum(LOCALES)).min(1) }),
  z.object({ type: z.literal('registered'), registered: z.boolean() }),
  z.object({
    type: z.literal('registeredAt'),
    from: isoDate.optional(),
    to: isoDate.optional(),
  }),
  z.object({
    type: z.literal('consent'),
    kind: z.enum(['data_processing', 'marketing']),
    granted: z.boolean(),
  }),
  z.object({
    type: z.literal('acceptedProofs'),
    withinDays: days,
    atLeast: z.number().int().min(1).max(10_000).default(1),
  }),
  z.object({
    type: z.literal('bought'),
    withinDays: days,
    /** Item keywords (any of them in an item's name): an item group such as ["tea", "茶", "ชา"]. */
    items: textList.optional(),
    /** A store: its tax id (統一編號) or a part of its name. */
    store: nonEmptyText.optional(),
    /** The region of the store's address. */
    region: regionCodeSchema.optional(),
  }),
  z.object({
    type: z.literal('points'),
    atLeast: z.number().int().optional(),
    atMost: z.number().int().optional(),
  }),
  z.object({ type: z.literal('redeemed'), withinDays: days.optional() }),
  z.object({ type: z.literal('won'), withinDays: days.optional() }),
  z.object({
    type: z.literal('lastInteraction'),
    withinDays: days.optional(),
    notWithinDays: days.optional(),
  }),
  z.object({ type: z.literal('followedSince'), withinDays: days }),
  z.object({
    type: z.literal('surveyAnswer'),
    surveyId: nonEmptyText,
    question: nonEmptyText,
    answers: textList,
  }),
  z.object({ type: z.literal('tag'), tags: textList }),
  z.object({
    type: z.literal('list'),
    /** LINE user ids or member numbers (the brand's own), as uploaded from a CSV file. */
    lineUserIds: z
      .array(z.string().regex(/^U[0-9a-f]{32}$/, 'must be a LINE user id'))
      .max(1_000_000)
      .optional(),
    memberNos: z.array(nonEmptyText).max(1_000_000).optional(),
  }),
] as const;

export const leafConditionSchema = z.discriminatedUnion('type', [...leafConditions]);

export type LeafCondition = z.infer<typeof leafConditionSchema>;

/** A segment's condition: tests combined with AND / OR / NOT, at most 6 levels deep. */
export type SegmentCondition =
  | LeafCondition
  | { type: 'and' | 'or'; conditions: SegmentCondition[] }
  | { type: 'not'; condition: SegmentCondition };

export const segmentConditionSchema: z.ZodType<SegmentCondition> = z.lazy(() =>
  z.discriminatedUnion('type', [
    z.object({ type: z.literal('and'), conditions: z.array(segmentConditionSchema).min(1).max(50) }),
    z.object({ type: z.literal('or'), conditions: z.array(segmentConditionSchema).min(1).max(50) }),
    z.object({ type: z.literal('not'), condition: segmentConditionSchema }),
    ...leafConditions,
  ]),
) as z.ZodType<SegmentCondition>;

export const createSegmentBodySchema = z.object({
  name: z.string().trim().min(1).max(120),
  condition: segmentConditionSchema,
});

/** A saved segment's change: a new name, a new condition, or both. */
export const updateSegmentBodySchema = z
  .object({
    name: z.string().trim().min(1).max(120).optional(),
    condition: segmentConditionSchema.optional(),
  })
  .refine((body) => body.name !== undefined || body.condition !== undefined, {
    message: 'Give a new name, a new condition or both',
  });

export const countConditionBodySchema = z.object({ condition: segmentConditionSchema });
