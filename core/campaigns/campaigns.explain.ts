import {
  normalizeForMatching,
  type CampaignForRules,
  type RuleName,
  type RulesDecision,
  type RulesInvoice,
  type RuleVerdict,
} from './campaigns.rules.js';

/**
 * The rule checker's words: each verdict of `evaluateCampaignRules` grouped under the rule the marketer
 * edited (`minAmount`, `stores`…) with a sentence saying what matched or failed. Pure presentation of a
 * decision already taken; it decides nothing.
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
}: {
  campaign: CampaignForRules;
  invoice: RulesInvoice;
  decision: Pick<RulesDecision, 'verdicts' | 'matchedItems' | 'matchedAmountMinor'>;
}): CheckedRule[] {
  const grouped = new Map<CheckedRuleKey, CheckedRule>();
  for (const verdict of decision.verdicts) {
    const key = CHECKED_RULE_OF[verdict.rule];
    const detail = describeVerdict(verdict, { campaign, invoice, decision });
    const seen = grouped.get(key);
    if (seen) {
      seen.passed &&= verdict.passed;
      seen.detail = `${seen.detail}; ${detail}`;
    } else grouped.set(key, { rule: key, passed: verdict.passed, detail });
  }
  return CHECKED_RULES.flatMap((key) => grouped.get(key) ?? []);
}

/** `TWD 50.00` */
export function formatAmount(minor: number | null | undefined, currency: string): string {
  if (minor === null || minor === undefined) return 'unknown';
  return `${currency} ${(minor / 100).toFixed(2)}`;
}

function seller(invoice: RulesInvoice): string {
  const parts = [invoice.sellerName, invoice.sellerBan && `BAN ${invoice.sellerBan}`].filter(Boolean);
  return parts.length > 0 ? parts.join(', ') : 'an unknown seller';
}

function describeVerdict(
  verdict: RuleVerdict,
  {
    campaign,
    invoice,
    decision,
  }: {
    campaign: CampaignForRules;
    invoice: RulesInvoice;
    decision: Pick<RulesDecision, 'matchedItems' | 'matchedAmountMinor'>;
  },
): string {
  const p = verdict.params;
  const reason = verdict.reasonKey.split('.').at(-1);
  const { rules } = campaign;
  switch (verdict.rule) {
    case 'currency':
      return verdict.passed
        ? `paid in ${String(p.actual)}, the campaign's currency`
        : `paid in ${String(p.actual)}; the campaign counts ${String(p.expected)}`;
    case 'purchase_date':
      if (reason === 'too_early')
        return `bought on ${String(p.date)}, before the purchase window opens on ${String(p.from)}`;
      if (reason === 'too_late')
        return `bought on ${String(p.date)}, after the purchase window closed on ${String(p.to)}`;
      return `bought on ${String(p.date)}, inside the purchase window ${String(p.from)} – ${String(p.to)}`;
    case 'registration_window':
      if (reason === 'not_open')
        return `registered ${String(p.registeredAt)}, before registration opens at ${String(p.from)}`;
      if (reason === 'closed')
        return `registered ${String(p.registeredAt)}, after registration closed at ${String(p.to)}`;
      return `registered on ${String(p.registeredOn)}, inside the registration window`;
    case 'register_within_days':
      return verdict.passed
        ? `registered on ${String(p.registeredOn)}, within ${String(p.days)} days of the purchase (last day ${String(p.lastDay)})`
        : `registered on ${String(p.registeredOn)}, after the last day ${String(p.lastDay)} (${String(p.days)} days after the purchase)`;
    case 'voided':
      return verdict.passed ? 'the invoice is not voided' : 'the invoice is voided or cancelled';
    case 'buyer_ban':
      return verdict.passed
        ? 'no buyer business ID: a consumer purchase'
        : `a B2B invoice: buyer business ID ${String(p.buyerBan)}`;
    case 'stores':
      if (reason === 'denied') return `${seller(invoice)} is on the deny list`;
      if (reason === 'unknown') return 'the seller is not known (no name, business ID or address was read)';
      if (reason === 'not_allowed')
        return `${seller(invoice)} matches none of the allowed stores (${describeStores(rules.stores.allow)})`;
      return `${seller(invoice)} ${rules.stores.allow ? `matches the allowed stores (${describeStores(rules.stores.allow)})` : 'is not on the deny list'}`;
    case 'item_groups':
      return describeItemGroups(campaign, invoice, decision, verdict);
    case 'min_amount': {
      const basis = p.basis === 'total' ? 'invoice total' : 'matched items';
      const amount = formatAmount(p.amountMinor as number | null, invoice.currency);
      const minimum = formatAmount(p.minimumMinor as number, campaign.currency);
      if (reason === 'unknown') return `the ${basis} amount is not known (threshold ${minimum})`;
      return verdict.passed
        ? `${basis} ${amount} ≥ threshold ${minimum}`
        : `${basis} ${amount} < threshold ${minimum}`;
    }
    case 'cap_per_day':
      return `${String(p.count)} accepted today of at most ${String(p.limit)} per member per day`;
    case 'cap_per_campaign':
      return `${String(p.count)} accepted in the campaign of at most ${String(p.limit)} per member`;
  }
}

function describeStores(matcher: CampaignForRules['rules']['stores']['allow']): string {
  if (!matcher) return 'none set';
  const parts = [
    matcher.namePatterns.length > 0 && `names ${matcher.namePatterns.join(', ')}`,
    matcher.sellerBans.length > 0 && `BANs ${matcher.sellerBans.join(', ')}`,
    matcher.addressFragments.length > 0 && `addresses with ${matcher.addressFragments.join(', ')}`,
  ].filter(Boolean);
  return parts.join('; ');
}

function describeItemGroups(
  campaign: CampaignForRules,
  invoice: RulesInvoice,
  decision: Pick<RulesDecision, 'matchedItems'>,
  verdict: RuleVerdict,
): string {
  const groups = campaign.rules.itemGroups;
  const sentences: string[] = [];
  for (const item of decision.matchedItems) {
    const name = normalizeForMatching(item.name);
    const by = item.groups.map((key) => {
      const group = groups.find((g) => g.key === key);
      const keyword = group?.keywords.find((k) => name.includes(normalizeForMatching(k)));
      return `${key} by "${keyword ?? '?'}"`;
    });
    sentences.push(`"${item.name}" ×${item.quantity} matched ${by.join(' and ')}`);
  }
  // Items a keyword caught but an exclude word kept out: the marketer wants to see those.
  for (const item of invoice.items) {
    const name = normalizeForMatching(item.name);
    for (const group of groups) {
      const keyword = group.keywords.find((k) => name.includes(normalizeForMatching(k)));
      const exclude = group.excludeKeywords.find((k) => name.includes(normalizeForMatching(k)));
      if (keyword && exclude)
        sentences.push(`"${item.name}" left out of ${group.key} by the exclude word "${exclude}"`);
    }
  }
  const missing = String(verdict.params.missing ?? '');
  if (!verdict.passed) {
    if (invoice.items.length === 0) sentences.push('the proof lists no items');
    for (const key of missing.split(',').filter(Boolean)) {
      const group = groups.find((g) => g.key === key);
      sentences.push(
        `no item matched ${key} (keywords ${group?.keywords.map((k) => `"${k}"`).join(', ') ?? '?'}${group && group.minQuantity > 1 ? `, at least ${group.minQuantity}` : ''})`,
      );
    }
  }
  return sentences.join('; ') || (verdict.passed ? 'matched' : 'no item matched');
}
