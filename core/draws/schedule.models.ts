import {
  addDays,
  DRAW_WEEKDAYS,
  localDateOf,
  startOfLocalDay,
  type CampaignDrawSchedule,
  type LocalizedText,
} from '../campaigns/index.js';
import type { DrawPrize } from './draws.table.js';

/** One period of a campaign's draw schedule: the draw the job opens for it, and runs once it closes. */
export type ScheduledPeriod = {
  /** Stable per campaign (`weekly:<local date the week closes>`, `final`): the draw's `scheduleKey`. */
  key: string;
  kind: 'weekly' | 'final';
  periodFrom: Date;
  periodTo: Date;
  name: LocalizedText;
  prizes: DrawPrize[];
  maxWinsPerMember: number;
  reserveCount: number;
};

/** A campaign's weeks are few; the cap only stops a bad date from looping for long. */
const MAX_WEEKS = 530;

/**
 * The periods of a campaign's draw schedule, in order. Weekly periods close on the configured weekday and
 * time in the campaign's time zone: the first starts when registration opens and the last is cut short
 * when it closes. The final period spans the whole registration window (or ends at its own `closesAt`).
 */
export function computeScheduledPeriods({
  schedule,
  timezone,
  registerFrom,
  registerTo,
}: {
  schedule: CampaignDrawSchedule;
  timezone: string;
  registerFrom: Date;
  registerTo: Date;
}): ScheduledPeriod[] {
  const periods: ScheduledPeriod[] = [];
  const { weekly, final } = schedule;
  if (weekly) {
    const [hours, minutes] = weekly.closesAt.split(':').map(Number) as [number, number];
    const closingAt = (date: string) =>
      new Date(startOfLocalDay(date, timezone).getTime() + (hours * 60 + minutes) * 60_000);
    const firstDate = localDateOf(registerFrom, timezone);
    const weekday = DRAW_WEEKDAYS.indexOf(weekly.closesOn);
    let closesOn = addDays(firstDate, (weekday - new Date(`${firstDate}T00:00:00Z`).getUTCDay() + 7) % 7);
    if (closingAt(closesOn) <= registerFrom) closesOn = addDays(closesOn, 7);
    let periodFrom = registerFrom;
    for (let week = 1; periodFrom < registerTo && week <= MAX_WEEKS; week++) {
      const closing = closingAt(closesOn);
      const periodTo = closing < registerTo ? closing : registerTo;
      periods.push({
        key: `weekly:${closesOn}`,
        kind: 'weekly',
        periodFrom,
        periodTo,
        name: weeklyName(weekly.name, week),
        prizes: weekly.prizes,
        maxWinsPerMember: weekly.maxWinsPerMember,
        reserveCount: weekly.reserveCount,
      });
      periodFrom = periodTo;
      closesOn = addDays(closesOn, 7);
    }
  }
  if (final) {
    const periodTo = final.closesAt ? new Date(final.closesAt) : registerTo;
    if (registerFrom < periodTo)
      periods.push({
        key: 'final',
        kind: 'final',
        periodFrom: registerFrom,
        periodTo,
        name: final.name ?? { 'zh-TW': '總抽獎', th: 'จับรางวัลใหญ่', en: 'Grand draw' },
        prizes: final.prizes,
        maxWinsPerMember: final.maxWinsPerMember,
        reserveCount: final.reserveCount,
      });
  }
  return periods;
}

/**
 * The periods whose draw should be open at `now`: those that have not closed and begin within
 * `openAheadMs`, so the seed hash is published before the first entry of the period can be earned.
 */
export function periodsToOpen(periods: ScheduledPeriod[], now: Date, openAheadMs: number): ScheduledPeriod[] {
  return periods.filter(
    (period) => period.periodFrom.getTime() - openAheadMs <= now.getTime() && now < period.periodTo,
  );
}

function weeklyName(name: LocalizedText | undefined, week: number): LocalizedText {
  if (!name)
    return { 'zh-TW': `第 ${week} 週抽獎`, th: `จับรางวัลประจำสัปดาห์ที่ ${week}`, en: `Week ${week} draw` };
  const named: LocalizedText = {};
  if (name['zh-TW']) named['zh-TW'] = `${name['zh-TW']}（第 ${week} 週）`;
  if (name.th) named.th = `${name.th} (สัปดาห์ที่ ${week})`;
  if (name.en) named.en = `${name.en} (week ${week})`;
  return named;
}
