/**
 * LINE Official Account plans and what a broadcast costs on them.
 *
 * How LINE counts: one message per recipient per request, whatever the number of message objects
 * (bubbles, ≤ 5) in it; replies are free; recipients who blocked the account are not counted (LINE
 * Developers, "How message counts are calculated in the Messaging API", 2026-05-28, and the Messaging API
 * pricing page). A broadcast sends each recipient exactly one request (one chunk), so it counts
 * recipients × MESSAGES_PER_RECIPIENT.
 *
 * The figures are the published plans (monthly fee, free messages a month, price of an additional message,
 * before tax) and change from time to time: each brand may override the included messages and the price
 * in its settings. Where the additional price falls with volume, the table holds the first (highest)
 * step, so the estimate is an upper bound. Each plan names the stored page its figures were checked
 * against (`source`), or null (docs/decisions/013, "LINE plan figures"):
 * - Taiwan (since 2023-09): 輕用量 free, 200, none; 中用量 NT$800, 3,000, none; 高用量 NT$1,200, 6,000,
 *   from NT$0.2 — https://en.help.firstline.cc/feature/channels/line/pricing ("updated in September
 *   2023") and https://blog.alleypin.com/line-oa-purchase-step-by-step-2023/ (未稅) agree.
 * - Thailand: Free ฿0, 300, none; Basic ฿1,280, 15,000, ฿0.1; Pro ฿1,780, 35,000, from ฿0.06 — NOT
 *   CONFIRMED: no stored page gives them (searched 2026-12-06). https://lineforbusiness.com/th/news/20221216_1
 *   (2023-02-01) confirms only the three plans' names and order (Free < Basic < Pro); http://at.line.me/th/plan
 *   is the LINE@ table from before 2019 (Free / Basic ฿998 / Pro ฿1,998 / Pro+ ฿6,888), obsolete. The
 *   console says so beside a Thai plan and asks for the brand's own figures from LINE Official Account
 *   Manager.
 */
export const MESSAGES_PER_RECIPIENT = 1;

export type LinePlan = {
  key: string;
  country: 'TW' | 'TH';
  /** LINE's own name of the plan, as the console shows it. */
  name: string;
  monthlyFee: number;
  includedMessages: number;
  /** Price of one message beyond the included ones; null: the plan cannot send more. */
  overagePrice: number | null;
  currency: 'TWD' | 'THB';
  /** The stored page these figures were checked against; null: not confirmed by any (set your own). */
  source: string | null;
};

const TW_SOURCE = 'https://en.help.firstline.cc/feature/channels/line/pricing';

export const LINE_PLANS: readonly LinePlan[] = [
  {
    key: 'tw_light',
    country: 'TW',
    name: '輕用量 Light',
    monthlyFee: 0,
    includedMessages: 200,
    overagePrice: null,
    currency: 'TWD',
    source: TW_SOURCE,
  },
  {
    key: 'tw_medium',
    country: 'TW',
    name: '中用量 Medium',
    monthlyFee: 800,
    includedMessages: 3_000,
    overagePrice: null,
    currency: 'TWD',
    source: TW_SOURCE,
  },
  {
    key: 'tw_high',
    country: 'TW',
    name: '高用量 High',
    monthlyFee: 1_200,
    includedMessages: 6_000,
    overagePrice: 0.2,
    currency: 'TWD',
    source: TW_SOURCE,
  },
  {
    key: 'th_free',
    country: 'TH',
    name: 'Free',
    monthlyFee: 0,
    includedMessages: 300,
    overagePrice: null,
    currency: 'THB',
    source: null,
  },
  {
    key: 'th_basic',
    country: 'TH',
    name: 'Basic',
    monthlyFee: 1_280,
    includedMessages: 15_000,
    overagePrice: 0.1,
    currency: 'THB',
    source: null,
  },
  {
    key: 'th_pro',
    country: 'TH',
    name: 'Pro',
    monthlyFee: 1_780,
    includedMessages: 35_000,
    overagePrice: 0.06,
    currency: 'THB',
    source: null,
  },
];

export function plansOfCountry(country: 'TW' | 'TH'): LinePlan[] {
  return LINE_PLANS.filter((plan) => plan.country === country);
}

/**
 * The brand's plan with its own figures applied; undefined when none is chosen (or the chosen one is of
 * another country, after the brand changed country).
 */
export function effectivePlan(brand: {
  country: 'TW' | 'TH';
  linePlan: string | null;
  linePlanIncludedMessages: number | null;
  linePlanOveragePrice: string | number | null;
}): LinePlan | undefined {
  const plan = LINE_PLANS.find((candidate) => candidate.key === brand.linePlan);
  if (!plan || plan.country !== brand.country) return undefined;
  return {
    ...plan,
    includedMessages: brand.linePlanIncludedMessages ?? plan.includedMessages,
    overagePrice:
      brand.linePlanOveragePrice === null || brand.linePlanOveragePrice === undefined
        ? plan.overagePrice
        : Number(brand.linePlanOveragePrice),
  };
}

/** LINE's answer to `GET /v2/bot/message/quota` and `/quota/consumption`, or unknown (LINE not asked). */
export type QuotaReading =
  | { known: true; limit: number | undefined; used: number }
  | { known: false; limit?: undefined; used?: undefined };

export type CostEstimate = {
  recipients: number;
  /** What LINE will count: recipients × MESSAGES_PER_RECIPIENT. */
  messages: number;
  plan: { key: string; name: string; includedMessages: number; overagePrice: number | null } | null;
  /** Messages used this month (LINE's consumption); null when LINE could not be asked. */
  used: number | null;
  /** LINE's own monthly limit (the plan's free messages, or those plus the additional ones allowed). */
  limit: number | null;
  /** Included messages left this month; null when unknown (no plan and no LINE limit, or LINE not asked). */
  includedLeft: number | null;
  /** Messages of this broadcast within the included ones, and beyond them (both 0 when unknown). */
  withinIncluded: number;
  overage: number;
  /** overage × the plan's price; null when it cannot be known (no plan chosen, LINE not asked). */
  cost: number | null;
  currency: 'TWD' | 'THB';
  /** Why the send would be refused (nothing is sent); null when it can go. */
  refusal: { reason: 'line_limit' | 'plan_has_no_overage'; message: string } | null;
};

/**
 * What a broadcast to `recipients` costs on the brand's plan: its messages are counted against what is
 * left of the month's included ones (the plan's, or LINE's limit when no plan is chosen), the rest priced
 * at the plan's additional-message price. Refused when LINE's own limit cannot cover it, or when the plan
 * cannot send additional messages and the included ones left do not cover it.
 */
export function estimateBroadcastCost({
  recipients,
  plan,
  quota,
  currency,
}: {
  recipients: number;
  plan: LinePlan | undefined;
  quota: QuotaReading;
  currency: 'TWD' | 'THB';
}): CostEstimate {
  const messages = recipients * MESSAGES_PER_RECIPIENT;
  const used = quota.known ? quota.used : null;
  const limit = quota.known ? (quota.limit ?? null) : null;
  const included = plan ? plan.includedMessages : limit;
  const includedLeft = included === null || used === null ? null : Math.max(0, included - used);
  // Unknown what is left (no plan and no LINE limit, or LINE not asked): no split, no cost.
  const withinIncluded = includedLeft === null ? 0 : Math.min(messages, includedLeft);
  const overage = includedLeft === null ? 0 : messages - withinIncluded;
  let cost: number | null = null;
  if (includedLeft !== null && overage === 0) cost = 0;
  else if (includedLeft !== null && plan?.overagePrice != null)
    cost = Math.round(overage * plan.overagePrice * 100) / 100;
  let refusal: CostEstimate['refusal'] = null;
  if (limit !== null && used !== null && used + messages > limit)
    refusal = {
      reason: 'line_limit',
      message: `This broadcast needs ${messages} messages; ${Math.max(0, limit - used)} are left of this month's quota of ${limit}. Nothing was sent.`,
    };
  else if (plan && plan.overagePrice === null && includedLeft !== null && overage > 0)
    refusal = {
      reason: 'plan_has_no_overage',
      message: `This broadcast needs ${messages} messages; ${includedLeft} are left of the ${plan.includedMessages} included in the ${plan.name} plan this month, and this plan cannot send additional messages. Nothing was sent: choose a plan with additional messages, or fewer recipients.`,
    };
  return {
    recipients,
    messages,
    plan: plan
      ? {
          key: plan.key,
          name: plan.name,
          includedMessages: plan.includedMessages,
          overagePrice: plan.overagePrice,
        }
      : null,
    used,
    limit,
    includedLeft,
    withinIncluded,
    overage,
    cost,
    currency: plan?.currency ?? currency,
    refusal,
  };
}
