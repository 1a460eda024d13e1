import {
  computeRewards,
  parseCampaignSettings,
  type CampaignRewards,
  type CampaignRules,
  type LocalizedText,
} from '../campaigns/index.js';
import { LOCALES, type Locale } from '../i18n/index.js';
import { renderAnswer } from '../messaging/providers/line-flex.answer-renderer.js';
import { createValidationError } from '../shared/errors.js';

/**
 * What members will read about a campaign, in each language, rendered by the chat's own renderer (so the
 * console shows the words the bot will send, not a copy of them): the greeting, an accepted answer for an
 * example purchase, and one refusal per rule the draft sets. The LIFF app shows the name and description.
 */

export type CampaignTextPreview = {
  locale: Locale;
  liff: { name: string; description: string };
  chat: { greeting: string[]; accepted: string[]; rejected: string[] };
  /** The example the accepted answer is for: amount in minor units, the rewards it earns. */
  example: { amountMinor: number; points: number; entries: number };
};

type Component = { type?: string; text?: string; contents?: Component[]; body?: Component };

/** The words of a rendered LINE message (Flex texts in reading order, or a text message). */
function textsOf(message: Record<string, unknown>): string[] {
  const out: string[] = [];
  const walk = (node: unknown) => {
    if (!node || typeof node !== 'object') return;
    const component = node as Component & Record<string, unknown>;
    if (component.type === 'text' && typeof component.text === 'string') out.push(component.text);
    for (const value of Object.values(component))
      if (Array.isArray(value)) value.forEach(walk);
      else if (value && typeof value === 'object') walk(value);
  };
  walk(message.contents ?? message);
  return out;
}

function pick(text: LocalizedText | null | undefined, locale: Locale): string {
  if (!text) return '';
  return text[locale] || text['zh-TW'] || text.en || text.th || '';
}

/** One refusal reason per rule the draft sets, as the rules engine would name it. */
function refusalReasons(rules: CampaignRules): { key: string; params: Record<string, string | number> }[] {
  const reasons: { key: string; params: Record<string, string | number> }[] = [
    { key: 'rules.purchase_date.too_late', params: {} },
  ];
  if (rules.itemGroups.length > 0) reasons.push({ key: 'rules.item_groups.failed', params: {} });
  if (rules.minAmount) reasons.push({ key: 'rules.min_amount.below_minimum', params: {} });
  if (rules.stores.allow || rules.stores.deny) reasons.push({ key: 'rules.stores.not_allowed', params: {} });
  if (rules.excludeBuyerBan) reasons.push({ key: 'rules.buyer_ban.b2b', params: {} });
  if (rules.registerWithinDays)
    reasons.push({ key: 'rules.register_within_days.too_late', params: { days: rules.registerWithinDays } });
  if (rules.caps.perMemberPerDay)
    reasons.push({ key: 'rules.cap_per_day.reached', params: { limit: rules.caps.perMemberPerDay } });
  if (rules.caps.perMemberPerCampaign)
    reasons.push({
      key: 'rules.cap_per_campaign.reached',
      params: { limit: rules.caps.perMemberPerCampaign },
    });
  return reasons;
}

/** An example purchase that passes the amount rule: the threshold, or 100 in the currency. */
function examplePurchase(rules: CampaignRules, rewards: CampaignRewards) {
  const amountMinor = Math.max(rules.minAmount?.amountMinor ?? 0, 10_000);
  const matchedGroups = rules.itemGroupsMatch === 'all' ? rules.itemGroups.map((g) => g.key) : [];
  if (matchedGroups.length === 0 && rules.itemGroups[0]) matchedGroups.push(rules.itemGroups[0].key);
  const quantities = computeRewards({
    rewards,
    totalAmountMinor: amountMinor,
    matchedAmountMinor: amountMinor,
    matchedGroups,
  });
  return { amountMinor, points: quantities.points, entries: quantities.entries };
}

export function previewCampaignTexts(input: {
  name?: LocalizedText | null;
  description?: LocalizedText | null;
  timezone?: string;
  rules?: unknown;
  rewards?: unknown;
}): CampaignTextPreview[] {
  const settings = parseCampaignSettings({ rules: input.rules, rewards: input.rewards });
  if (!settings.ok)
    throw createValidationError({
      message: 'The draft rules or rewards are not valid',
      details: {
        issues: settings.issues.map((issue) => ({ path: issue.path.split('.'), message: issue.message })),
        fieldErrors: Object.fromEntries(settings.issues.map((issue) => [issue.path, issue.message])),
      },
    });
  const example = examplePurchase(settings.rules, settings.rewards);
  const reasons = refusalReasons(settings.rules);
  return LOCALES.map((locale) => {
    const context = { locale, liffId: undefined, timezone: input.timezone ?? 'Asia/Taipei' };
    const name = pick(input.name, locale);
    const render = (answer: Parameters<typeof renderAnswer>[0]) =>
      renderAnswer(answer, context).flatMap((message) => textsOf(message));
    return {
      locale,
      liff: { name, description: pick(input.description, locale) },
      chat: {
        greeting: render({ kind: 'greeting', name: undefined, campaignName: name || undefined }),
        accepted: render({
          kind: 'proof',
          outcome: 'accepted',
          pointsEarned: example.points,
          entries: example.entries,
        }),
        rejected: render({ kind: 'proof', outcome: 'rejected', reasons }),
      },
      example,
    };
  });
}
