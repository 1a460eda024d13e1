import { z } from 'zod';

/**
 * The shape of a campaign's `rules` and `rewards` JSON. Both are validated here before they are stored
 * (`createCampaign`), and parsed again when read, so the rules engine only ever sees a checked value.
 * Amounts are integers in minor units of the campaign currency (TWD and THB: ×100).
 */

const positiveAmountMinor = z.number().int().positive();
const nonEmptyText = z.string().trim().min(1);
const sellerBan = z.string().regex(/^\d{8}$/, { message: 'must be 8 digits' });

/** One group of item keywords: an item belongs to the group when its name contains any keyword. */
export const itemGroupSchema = z.object({
  /** Stable key (`tea`), used by reward bonuses and analytics. */
  key: z.string().regex(/^[a-z0-9_-]{1,40}$/, { message: 'must be 1-40 chars of a-z 0-9 _ -' }),
  keywords: z.array(nonEmptyText).min(1),
  /** Names containing one of these never match the group (`teapot` in a `tea` group). */
  excludeKeywords: z.array(nonEmptyText).default([]),
  /** The group is satisfied when its matched items add up to at least this quantity. */
  minQuantity: z.number().positive().default(1),
});

/** Who sold it: name patterns (`*` wildcard, else a substring), seller business IDs, address fragments. */
export const storeMatcherSchema = z.object({
  namePatterns: z.array(nonEmptyText).default([]),
  sellerBans: z.array(sellerBan).default([]),
  addressFragments: z.array(nonEmptyText).default([]),
});

export const amountBasisSchema = z.enum(['total', 'matched']);

export const campaignRulesSchema = z
  .object({
    itemGroups: z.array(itemGroupSchema).default([]),
    /** `any`: one group matched is enough; `all`: every group must be matched. */
    itemGroupsMatch: z.enum(['any', 'all']).default('any'),
    /** Minimum spend on the invoice total or on the matched items. */
    minAmount: z.object({ basis: amountBasisSchema, amountMinor: positiveAmountMinor }).optional(),
    stores: z
      .object({
        /** When any allow entry is set, the seller must match one of them. */
        allow: storeMatcherSchema.optional(),
        /** A seller matching any deny entry is refused. */
        deny: storeMatcherSchema.optional(),
      })
      .default({}),
    /** Refuse B2B invoices (a buyer business ID), as the government lottery does. */
    excludeBuyerBan: z.boolean().default(true),
    /** Refuse voided or cancelled invoices. */
    excludeVoided: z.boolean().default(true),
    /** A proof must be registered within this many days after the purchase date (campaign time zone). */
    registerWithinDays: z.number().int().positive().optional(),
    caps: z
      .object({
        perMemberPerDay: z.number().int().positive().optional(),
        perMemberPerCampaign: z.number().int().positive().optional(),
      })
      .default({}),
    /**
     * How long an e-invoice may be "not found yet" on the MoF platform: merchants have 2 days from the day
     * after issue, so 3 days from the invoice date by default, then `graceHours`, then it is refused.
     */
    upload: z
      .object({
        windowDays: z.number().int().min(0).max(60).default(3),
        graceHours: z.number().int().min(0).max(240).default(12),
      })
      .default({ windowDays: 3, graceHours: 12 }),
  })
  .superRefine((rules, ctx) => {
    const keys = rules.itemGroups.map((group) => group.key);
    const duplicate = keys.find((key, index) => keys.indexOf(key) !== index);
    if (duplicate)
      ctx.addIssue({ code: 'custom', path: ['itemGroups'], message: `duplicate group key "${duplicate}"` });
    if (rules.minAmount?.basis === 'matched' && rules.itemGroups.length === 0)
      ctx.addIssue({
        code: 'custom',
        path: ['minAmount', 'basis'],
        message: '"matched" needs at least one item group',
      });
  });

/** Per amount step: `floor(amount / stepAmountMinor) × perStep`. */
const amountStepSchema = z.object({
  basis: amountBasisSchema.default('total'),
  stepAmountMinor: positiveAmountMinor,
  perStep: z.number().int().positive().default(1),
});

export const localizedTextSchema = z
  .object({ 'zh-TW': nonEmptyText.optional(), th: nonEmptyText.optional(), en: nonEmptyText.optional() })
  .refine((text) => Boolean(text['zh-TW'] ?? text.th ?? text.en), {
    message: 'needs a text in one language',
  });

const prizeKey = z.string().regex(/^[a-z0-9_-]{1,40}$/, { message: 'must be 1-40 chars of a-z 0-9 _ -' });

/** What one scheduled draw gives away; the same fields as `proofline draw create`. */
const drawRulesShape = {
  /** Shown to members; a default names the week or the final draw. */
  name: localizedTextSchema.optional(),
  prizes: z
    .array(
      z.object({
        key: prizeKey,
        name: localizedTextSchema,
        quantity: z.number().int().positive(),
        /** For the tax rules (Taiwan: ID above NT$1,000), minor units. */
        valueMinor: z.number().int().nonnegative().optional(),
      }),
    )
    .min(1),
  /** Most prizes one member can win in one draw. @default 1 */
  maxWinsPerMember: z.number().int().positive().default(1),
  /** Reserve winners drawn after the prizes, who step up when a win is forfeited. @default 0 */
  reserveCount: z.number().int().min(0).max(1_000).default(0),
};

function checkPrizeKeys(rules: { prizes: { key: string }[] }, ctx: z.RefinementCtx) {
  const keys = rules.prizes.map((prize) => prize.key);
  keys.forEach((key, index) => {
    if (key === 'reserve' || keys.indexOf(key) !== index)
      ctx.addIssue({
        code: 'custom',
        path: ['prizes', index, 'key'],
        message: 'must be unique and not "reserve"',
      });
  });
}

export const DRAW_WEEKDAYS = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'] as const;

/**
 * The campaign's lottery draws, opened and run by the draws job (`DRAWS_CRON`): each period's draw is
 * opened (its seed hash published) before the period begins, and run once it has closed.
 */
export const campaignDrawScheduleSchema = z.object({
  /**
   * One draw per week over that week's entries. Weeks close on `closesOn` at `closesAt` (campaign time
   * zone); the first starts when registration opens, the last ends when it closes.
   */
  weekly: z
    .object({
      ...drawRulesShape,
      closesOn: z.enum(DRAW_WEEKDAYS),
      /** Local time of day, `HH:MM`. @default '00:00' */
      closesAt: z
        .string()
        .regex(/^([01]\d|2[0-3]):[0-5]\d$/, { message: 'must be HH:MM' })
        .default('00:00'),
    })
    .superRefine(checkPrizeKeys)
    .optional(),
  /** One draw over every entry of the campaign, run when registration closes (or at `closesAt`). */
  final: z
    .object({
      ...drawRulesShape,
      /** When the final period closes. @default the campaign's `registerTo` */
      closesAt: z.iso.datetime({ offset: true }).optional(),
    })
    .superRefine(checkPrizeKeys)
    .optional(),
});

export const campaignRewardsSchema = z.object({
  points: amountStepSchema
    .extend({
      /** Fixed points per matched item group (`{ tea: 5 }`). */
      bonusPerGroup: z.record(z.string(), z.number().int().positive()).default({}),
      maxPerProof: z.number().int().positive().optional(),
      /** Applied by the points ledger (core/rewards): when earned points expire. */
      expiry: z
        .union([
          z.object({ afterDays: z.number().int().positive() }),
          z.object({ at: z.iso.datetime({ offset: true }) }),
        ])
        .optional(),
      /** Applied by the points ledger (core/rewards): most points per member per day / campaign. */
      caps: z
        .object({
          perDay: z.number().int().nonnegative().optional(),
          perCampaign: z.number().int().nonnegative().optional(),
        })
        .optional(),
    })
    .optional(),
  entries: z
    .object({
      /** Lottery entries for every qualifying proof. */
      perProof: z.number().int().min(0).default(0),
      /** More entries for a bigger purchase ("the more you buy, the more chances"). */
      perAmountStep: amountStepSchema.optional(),
      maxPerProof: z.number().int().positive().optional(),
    })
    .optional(),
  /**
   * Rewards wait for registration: a proof from a member who has not registered in the LIFF app is
   * accepted, its rewards are held and the chat says so; registering releases them (nothing is lost).
   * Without it, a chat user earns at once and keeps what was earned when registering later.
   */
  registrationRequired: z.boolean().default(false),
  /** An accepted proof earns one instant-win play (scratch card). */
  instantWin: z.object({ enabled: z.boolean().default(false) }).default({ enabled: false }),
  /** Scheduled lottery draws over the entries; without it, draws are only opened by hand. */
  draws: campaignDrawScheduleSchema.optional(),
});

export type CampaignRules = z.output<typeof campaignRulesSchema>;
export type CampaignRulesInput = z.input<typeof campaignRulesSchema>;
export type CampaignRewards = z.output<typeof campaignRewardsSchema>;
export type CampaignRewardsInput = z.input<typeof campaignRewardsSchema>;
export type StoreMatcher = z.output<typeof storeMatcherSchema>;
export type CampaignDrawSchedule = z.output<typeof campaignDrawScheduleSchema>;
export type DrawWeekday = (typeof DRAW_WEEKDAYS)[number];
export type ItemGroup = z.output<typeof itemGroupSchema>;

export type SettingsIssue = { path: string; message: string };

/** Validates rules and rewards together; the issues name the JSON path of each problem. */
export function parseCampaignSettings(input: {
  rules: unknown;
  rewards: unknown;
}): { ok: true; rules: CampaignRules; rewards: CampaignRewards } | { ok: false; issues: SettingsIssue[] } {
  const rules = campaignRulesSchema.safeParse(input.rules ?? {});
  const rewards = campaignRewardsSchema.safeParse(input.rewards ?? {});
  const issues: SettingsIssue[] = [];
  if (!rules.success) issues.push(...toIssues('rules', rules.error));
  if (!rewards.success) issues.push(...toIssues('rewards', rewards.error));
  if (rules.success && rewards.success) {
    const groupKeys = new Set(rules.data.itemGroups.map((group) => group.key));
    for (const key of Object.keys(rewards.data.points?.bonusPerGroup ?? {})) {
      if (!groupKeys.has(key))
        issues.push({ path: `rewards.points.bonusPerGroup.${key}`, message: 'is not an item group key' });
    }
    const usesMatched =
      rewards.data.points?.basis === 'matched' || rewards.data.entries?.perAmountStep?.basis === 'matched';
    if (usesMatched && rules.data.itemGroups.length === 0)
      issues.push({ path: 'rewards', message: '"matched" basis needs at least one item group in the rules' });
    const { draws, entries } = rewards.data;
    if ((draws?.weekly || draws?.final) && !entries?.perProof && !entries?.perAmountStep)
      issues.push({ path: 'rewards.draws', message: 'draws need lottery entries (rewards.entries)' });
    if (issues.length === 0) return { ok: true, rules: rules.data, rewards: rewards.data };
  }
  return { ok: false, issues };
}

function toIssues(root: string, error: z.ZodError): SettingsIssue[] {
  return error.issues.map((issue) => ({
    path: [root, ...issue.path.map(String)].join('.'),
    message: issue.message,
  }));
}

export const PROOF_KINDS = [
  'einvoice_qr',
  'einvoice_text',
  'einvoice_carrier',
  'paper_invoice',
  'receipt',
] as const;

const isoDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, { message: 'must be a date yyyy-mm-dd' });
const timeZone = z.string().refine(
  (zone) => {
    try {
      new Intl.DateTimeFormat('en-US', { timeZone: zone });
      return true;
    } catch {
      return false;
    }
  },
  { message: 'must be an IANA time zone (Asia/Taipei, Asia/Bangkok)' },
);

/**
 * A campaign's editable fields, with the names of the table, as the console and the CLI send them. The
 * rules and rewards are checked by `parseCampaignSettings` (cross-field checks included).
 */
export const campaignDefinitionSchema = z.object({
  slug: z.string().regex(/^[a-z0-9][a-z0-9-]{1,59}$/, { message: 'must be 2-60 chars of a-z 0-9 -' }),
  name: localizedTextSchema,
  description: localizedTextSchema.nullable().default(null),
  timezone: timeZone,
  currency: z.enum(['TWD', 'THB']),
  purchaseFrom: isoDate,
  purchaseTo: isoDate,
  registerFrom: z.iso.datetime({ offset: true }),
  registerTo: z.iso.datetime({ offset: true }),
  proofKinds: z.array(z.enum(PROOF_KINDS)).min(1),
  verificationMode: z.enum(['instant', 'batch']).default('batch'),
  autoAcceptReceipts: z.boolean().default(false),
  rules: z.unknown(),
  rewards: z.unknown(),
});

/** Windows that end before they begin (checked even when other fields have problems). */
function windowIssues(input: unknown): DefinitionIssue[] {
  const raw = (input ?? {}) as Record<string, unknown>;
  const issues: DefinitionIssue[] = [];
  const { purchaseFrom, purchaseTo, registerFrom, registerTo } = raw;
  if (typeof purchaseFrom === 'string' && typeof purchaseTo === 'string' && purchaseFrom > purchaseTo)
    issues.push({ path: ['purchaseTo'], message: 'must not be before purchaseFrom' });
  if (typeof registerFrom === 'string' && typeof registerTo === 'string') {
    const [from, to] = [Date.parse(registerFrom), Date.parse(registerTo)];
    if (from > to) issues.push({ path: ['registerTo'], message: 'must not be before registerFrom' });
  }
  return issues;
}

/** What a campaign version holds; dates as ISO strings so it compares and stores as plain JSON. */
export type CampaignDefinition = Omit<z.output<typeof campaignDefinitionSchema>, 'rules' | 'rewards'> & {
  rules: CampaignRules;
  rewards: CampaignRewards;
};

export type DefinitionIssue = { path: (string | number)[]; message: string };

/** Validates a whole definition; every problem comes back with its JSON path (`rules.minAmount.amountMinor`). */
export function parseCampaignDefinition(
  input: unknown,
): { ok: true; definition: CampaignDefinition } | { ok: false; issues: DefinitionIssue[] } {
  const base = campaignDefinitionSchema.safeParse(input);
  const raw = (input ?? {}) as { rules?: unknown; rewards?: unknown };
  const settings = parseCampaignSettings({ rules: raw.rules, rewards: raw.rewards });
  const issues: DefinitionIssue[] = windowIssues(input);
  if (!base.success)
    issues.push(
      ...base.error.issues.map((issue) => ({
        path: issue.path.map((key) => (typeof key === 'symbol' ? String(key) : key)),
        message: issue.message,
      })),
    );
  if (!settings.ok)
    issues.push(
      ...settings.issues.map((issue) => ({
        path: issue.path.split('.').map((key) => (/^\d+$/.test(key) ? Number(key) : key)),
        message: issue.message,
      })),
    );
  if (!base.success || !settings.ok || issues.length > 0) return { ok: false, issues };
  return { ok: true, definition: { ...base.data, rules: settings.rules, rewards: settings.rewards } };
}
