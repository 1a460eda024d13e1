import { eq } from 'drizzle-orm';
import { z } from 'zod';
import { brands } from '../brands/brands.table.js';
import type { Executor } from '../db/database.js';
import { effectivePlan, LINE_PLANS, type LinePlan } from './broadcasts.plans.js';

/** Quiet hours as minutes after midnight in the brand's time zone; the window may wrap midnight. */
export type QuietHours = { startMinute: number; endMinute: number };

/** A brand's broadcast settings, as the use cases apply them and the console edits them. */
export type BroadcastSettings = {
  /** `HH:MM` in the brand's time zone. */
  quietHours: { start: string; end: string };
  /** Chunks not yet sent when quiet hours begin: `wait` until they end, or `skip` them (counted). */
  quietHoursMidSend: 'wait' | 'skip';
  /** At most `messages` marketing messages per member within `days`; 0 messages: no cap. */
  frequencyCap: { messages: number; days: number };
  /** The LINE Official Account plan key, and the brand's own figures where they differ from the table. */
  linePlan: { plan: string | null; includedMessages: number | null; overagePrice: number | null };
};

export const DEFAULT_BROADCAST_SETTINGS: BroadcastSettings = {
  quietHours: { start: '21:00', end: '09:00' },
  quietHoursMidSend: 'wait',
  frequencyCap: { messages: 2, days: 7 },
  linePlan: { plan: null, includedMessages: null, overagePrice: null },
};

export function minuteOfTime(time: string): number {
  const [hours, minutes] = time.split(':').map(Number);
  return hours! * 60 + minutes!;
}

export function timeOfMinute(minute: number): string {
  return `${String(Math.floor(minute / 60)).padStart(2, '0')}:${String(minute % 60).padStart(2, '0')}`;
}

type BrandRow = typeof brands.$inferSelect;

export function broadcastSettingsOf(brand: BrandRow): BroadcastSettings {
  return {
    quietHours: { start: timeOfMinute(brand.quietHoursStart), end: timeOfMinute(brand.quietHoursEnd) },
    quietHoursMidSend: brand.quietHoursMidSend,
    frequencyCap: { messages: brand.frequencyCapMessages, days: brand.frequencyCapDays },
    linePlan: {
      plan: brand.linePlan,
      includedMessages: brand.linePlanIncludedMessages,
      overagePrice: brand.linePlanOveragePrice === null ? null : Number(brand.linePlanOveragePrice),
    },
  };
}

/** What the broadcast use cases need of the brand: quiet hours, cap and plan, ready to apply. */
export type BrandBroadcastRules = {
  quietHours: QuietHours;
  quietHoursMidSend: 'wait' | 'skip';
  frequencyCap: { messages: number; days: number };
  plan: LinePlan | undefined;
};

export function broadcastRulesOf(brand: BrandRow): BrandBroadcastRules {
  return {
    quietHours: { startMinute: brand.quietHoursStart, endMinute: brand.quietHoursEnd },
    quietHoursMidSend: brand.quietHoursMidSend,
    frequencyCap: { messages: brand.frequencyCapMessages, days: brand.frequencyCapDays },
    plan: effectivePlan(brand),
  };
}

export async function loadBroadcastRules(db: Executor, brandId: string): Promise<BrandBroadcastRules> {
  const [brand] = await db.select().from(brands).where(eq(brands.id, brandId));
  if (!brand)
    return {
      quietHours: { startMinute: 21 * 60, endMinute: 9 * 60 },
      quietHoursMidSend: 'wait',
      frequencyCap: DEFAULT_BROADCAST_SETTINGS.frequencyCap,
      plan: undefined,
    };
  return broadcastRulesOf(brand);
}

/**
 * What a new broadcast starts from in the composer: the brand's quiet hours, what a send does if they
 * begin mid-send, and the frequency cap.
 */
export type BroadcastDefaults = Pick<BroadcastSettings, 'quietHours' | 'quietHoursMidSend' | 'frequencyCap'>;

export async function getBroadcastDefaults(db: Executor, brandId: string): Promise<BroadcastDefaults> {
  const [brand] = await db.select().from(brands).where(eq(brands.id, brandId));
  const settings = brand ? broadcastSettingsOf(brand) : DEFAULT_BROADCAST_SETTINGS;
  return {
    quietHours: settings.quietHours,
    quietHoursMidSend: settings.quietHoursMidSend,
    frequencyCap: settings.frequencyCap,
  };
}

const timeOfDaySchema = z
  .string()
  .trim()
  .regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'a time of day as HH:MM, from 00:00 to 23:59');

/**
 * A change to the broadcast settings (every part optional). Quiet hours must not start and end at the
 * same time; the cap is 0–50 messages within 1–90 days; the plan one of LINE_PLANS (its country is
 * checked against the brand's by the use case), its own figures 0–10,000,000 messages and 0–100 a message.
 */
export const broadcastSettingsPatchSchema = z
  .object({
    quietHours: z
      .object({ start: timeOfDaySchema, end: timeOfDaySchema })
      .strict()
      .refine((hours) => hours.start !== hours.end, {
        message: 'quiet hours must start and end at different times',
        path: ['end'],
      })
      .optional(),
    quietHoursMidSend: z.enum(['wait', 'skip']).optional(),
    frequencyCap: z
      .object({
        messages: z
          .number()
          .int('a whole number of messages')
          .min(0, 'the cap is 0 to 50 messages (0: no cap)')
          .max(50, 'the cap is 0 to 50 messages (0: no cap)'),
        days: z
          .number()
          .int('a whole number of days')
          .min(1, 'the cap counts over 1 to 90 days')
          .max(90, 'the cap counts over 1 to 90 days'),
      })
      .strict()
      .optional(),
    linePlan: z
      .object({
        plan: z
          .enum(LINE_PLANS.map((plan) => plan.key) as [string, ...string[]], {
            message: `one of ${LINE_PLANS.map((plan) => plan.key).join(', ')}`,
          })
          .nullable(),
        includedMessages: z
          .number()
          .int('a whole number of messages')
          .min(0, 'included messages are 0 to 10,000,000')
          .max(10_000_000, 'included messages are 0 to 10,000,000')
          .nullable()
          .default(null),
        overagePrice: z
          .number()
          .min(0, 'a price from 0 to 100 a message')
          .max(100, 'a price from 0 to 100 a message')
          .nullable()
          .default(null),
      })
      .strict()
      .optional(),
  })
  .strict();

export type BroadcastSettingsPatch = z.infer<typeof broadcastSettingsPatchSchema>;

/** The brand columns a patch sets. */
export function brandColumnsOf(patch: BroadcastSettingsPatch): Partial<BrandRow> {
  return {
    ...(patch.quietHours
      ? {
          quietHoursStart: minuteOfTime(patch.quietHours.start),
          quietHoursEnd: minuteOfTime(patch.quietHours.end),
        }
      : {}),
    ...(patch.quietHoursMidSend ? { quietHoursMidSend: patch.quietHoursMidSend } : {}),
    ...(patch.frequencyCap
      ? { frequencyCapMessages: patch.frequencyCap.messages, frequencyCapDays: patch.frequencyCap.days }
      : {}),
    ...(patch.linePlan
      ? {
          linePlan: patch.linePlan.plan,
          linePlanIncludedMessages: patch.linePlan.includedMessages,
          linePlanOveragePrice:
            patch.linePlan.overagePrice === null ? null : String(patch.linePlan.overagePrice),
        }
      : {}),
  };
}
