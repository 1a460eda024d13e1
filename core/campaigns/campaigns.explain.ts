import {
  normalizeForMatching,
  type CampaignForRules,
  type RuleName,
  type RulesDecision,
  type RulesInvoice,
  type RuleVerdict,
} from './campaigns.rules.js';
import type { Locale } from '../i18n/index.js';
import {
  EXPLAIN_FORMATS,
  EXPLAIN_TEMPLATES,
  type ExplainFormat,
  type ExplainTemplates,
} from './campaigns.explain.messages.js';

/**
 * The rule checker's words: each verdict of `evaluateCampaignRules` grouped under the rule the marketer
 * edited (`minAmount`, `stores`…) with a sentence saying what matched or failed, in the reader's language
 * (zh-TW / th / en; the rule keys stay the same). Pure presentation of a decision already taken; it
 * decides nothing.
 */

export const CHECKED_RULES = [
  'currency',
  'purchaseWindow',
  'registerWithinDays',
  'excludeVoided',
  'excludeBuyerBan',
  'stores',
  'itemGroups',
  'minAmount',
  'caps',
] as const;

export type CheckedRuleKey = (typeof CHECKED_RULES)[number];

export type CheckedRule = { rule: CheckedRuleKey; passed: boolean; detail: string };

export const CHECKED_RULE_OF: Record<RuleName, CheckedRuleKey> = {
  currency: 'currency',
  purchase_date: 'purchaseWindow',
  registration_window: 'purchaseWindow',
  register_within_days: 'registerWithinDays',
  voided: 'excludeVoided',
  buyer_ban: 'excludeBuyerBan',
  stores: 'stores',
  item_groups: 'itemGroups',
  min_amount: 'minAmount',
  cap_per_day: 'caps',
  cap_per_campaign: 'caps',
};

export function explainDecision({
  campaign,
  invoice,
  decision,
  locale = 'en',
}: {
  campaign: CampaignForRules;
  invoice: RulesInvoice;
  decision: Pick<RulesDecision, 'verdicts' | 'matchedItems' | 'matchedAmountMinor'>;
  /** @default en */
  locale?: Locale;
}): CheckedRule[] {
  const words: Words = { locale, t: EXPLAIN_TEMPLATES[locale], format: EXPLAIN_FORMATS[locale] };
  const grouped = new Map<CheckedRuleKey, CheckedRule>();
  for (const verdict of decision.verdicts) {
    const key = CHECKED_RULE_OF[verdict.rule];
    const detail = describeVerdict(verdict, { campaign, invoice, decision, words });
    const seen = grouped.get(key);
    if (seen) {
      seen.passed &&= verdict.passed;
      seen.detail = `${seen.detail}${words.t.separator}${detail}`;
    } else grouped.set(key, { rule: key, passed: verdict.passed, detail });
  }
  return CHECKED_RULES.flatMap((key) => grouped.get(key) ?? []);
}

type Words = { locale: Locale; t: ExplainTemplates; format: ExplainFormat };

/** `TWD 50.00` in English (the API's first words), `NT$50` / `฿50.00` in zh-TW and Thai. */
export function formatAmount(
  minor: number | null | undefined,
  currency: string,
  locale: Locale = 'en',
): string {
  if (minor === null || minor === undefined) return EXPLAIN_TEMPLATES[locale].unknownAmount;
  return EXPLAIN_FORMATS[locale].money(minor, currency);
}

function describeVerdict(
  verdict: RuleVerdict,
  {
    campaign,
    invoice,
    decision,
    words,
  }: {
    campaign: CampaignForRules;
    invoice: RulesInvoice;
    decision: Pick<RulesDecision, 'matchedItems'>;
    words: Words;
  },
): string {
  const { t, format } = words;
  const p = verdict.params;
  const reason = verdict.reasonKey.split('.').at(-1);
  const { rules } = campaign;
  const text = (key: string) => String(p[key]);
  const date = (key: string) => format.date(text(key));
  const instant = (key: string) => format.instant(text(key), campaign.timezone);
  const seller = t.seller({ name: invoice.sellerName, ban: invoice.sellerBan });
  switch (verdict.rule) {
    case 'currency': {
      const currencies = { actual: text('actual'), expected: text('expected') };
      return verdict.passed ? t['currency.ok'](currencies) : t['currency.mismatch'](currencies);
    }
    case 'purchase_date': {
      const dates = { date: date('date'), from: date('from'), to: date('to') };
      if (reason === 'too_early') return t['purchase.tooEarly'](dates);
      if (reason === 'too_late') return t['purchase.tooLate'](dates);
      return t['purchase.ok'](dates);
    }
    case 'registration_window': {
      const times = { registeredAt: instant('registeredAt'), from: instant('from'), to: instant('to') };
      if (reason === 'not_open') return t['registration.notOpen'](times);
      if (reason === 'closed') return t['registration.closed'](times);
      return t['registration.ok']({ registeredOn: date('registeredOn') });
    }
    case 'register_within_days': {
      const days = { registeredOn: date('registeredOn'), days: text('days'), lastDay: date('lastDay') };
      return verdict.passed ? t['withinDays.ok'](days) : t['withinDays.tooLate'](days);
    }
    case 'voided':
      return verdict.passed ? t['voided.ok']() : t['voided.voided']();
    case 'buyer_ban':
      return verdict.passed ? t['buyerBan.ok']() : t['buyerBan.b2b']({ buyerBan: text('buyerBan') });
    case 'stores': {
      if (reason === 'denied') return t['stores.denied']({ seller });
      if (reason === 'unknown') return t['stores.unknown']();
      const stores = describeStores(rules.stores.allow, t);
      if (reason === 'not_allowed') return t['stores.notAllowed']({ seller, stores });
      return rules.stores.allow ? t['stores.allowed']({ seller, stores }) : t['stores.notDenied']({ seller });
    }
    case 'item_groups':
      return describeItemGroups(campaign, invoice, decision, verdict, t);
    case 'min_amount': {
      const basis = p.basis === 'total' ? t['amount.total']() : t['amount.matched']();
      const amounts = {
        basis,
        amount: formatAmount(p.amountMinor as number | null, invoice.currency, words.locale),
        minimum: formatAmount(p.minimumMinor as number, campaign.currency, words.locale),
      };
      if (reason === 'unknown') return t['amount.unknown'](amounts);
      return verdict.passed ? t['amount.ok'](amounts) : t['amount.below'](amounts);
    }
    case 'cap_per_day':
      return t['caps.day']({ count: text('count'), limit: text('limit') });
    case 'cap_per_campaign':
      return t['caps.campaign']({ count: text('count'), limit: text('limit') });
  }
}

function describeStores(matcher: CampaignForRules['rules']['stores']['allow'], t: ExplainTemplates): string {
  if (!matcher) return t['stores.noneSet']();
  const parts = [
    matcher.namePatterns.length > 0 && t['stores.names']({ values: matcher.namePatterns }),
    matcher.sellerBans.length > 0 && t['stores.bans']({ values: matcher.sellerBans }),
    matcher.addressFragments.length > 0 && t['stores.addresses']({ values: matcher.addressFragments }),
  ].filter(Boolean);
  return parts.join(t.separator);
}

function describeItemGroups(
  campaign: CampaignForRules,
  invoice: RulesInvoice,
  decision: Pick<RulesDecision, 'matchedItems'>,
  verdict: RuleVerdict,
  t: ExplainTemplates,
): string {
  const groups = campaign.rules.itemGroups;
  const sentences: string[] = [];
  for (const item of decision.matchedItems) {
    const name = normalizeForMatching(item.name);
    const by = item.groups.map((key) => {
      const group = groups.find((g) => g.key === key);
      const keyword = group?.keywords.find((k) => name.includes(normalizeForMatching(k)));
      return t['items.by']({ group: key, keyword: keyword ?? '?' });
    });
    sentences.push(t['items.matchedItem']({ name: item.name, quantity: item.quantity, by }));
  }
  // Items a keyword caught but an exclude word kept out: the marketer wants to see those.
  for (const item of invoice.items) {
    const name = normalizeForMatching(item.name);
    for (const group of groups) {
      const keyword = group.keywords.find((k) => name.includes(normalizeForMatching(k)));
      const exclude = group.excludeKeywords.find((k) => name.includes(normalizeForMatching(k)));
      if (keyword && exclude)
        sentences.push(t['items.excluded']({ name: item.name, group: group.key, exclude }));
    }
  }
  const missing = String(verdict.params.missing ?? '');
  if (!verdict.passed) {
    if (invoice.items.length === 0) sentences.push(t['items.noItems']());
    for (const key of missing.split(',').filter(Boolean)) {
      const group = groups.find((g) => g.key === key);
      sentences.push(
        t['items.missing']({ group: key, keywords: group?.keywords, minQuantity: group?.minQuantity ?? 1 }),
      );
    }
  }
  return sentences.join(t.separator) || (verdict.passed ? t['items.matched']() : t['items.noneMatched']());
}
