import { normalizeItemName } from '../invoices/index.js';
import type { CampaignRewards, CampaignRules, ItemGroup, StoreMatcher } from './campaigns.schemas.js';
import { addDays, localDateOf, startOfLocalDay } from './campaigns.time.js';

/**
 * The campaign rules engine: pure functions from (campaign, invoice, registration time, counts) to a
 * decision. No I/O, no clock: the use cases load what it needs and apply what it returns. Every rule
 * yields a verdict with a stable reason key (`rules.<rule>.<reason>`) that message catalogs translate.
 */

/** One purchase as the rules see it, whatever proof it came from. Amounts in minor units. */
export type RulesInvoice = {
  invoiceNumber: string | null;
  /** Local purchase date `yyyy-mm-dd` as printed on the proof. */
  invoiceDate: string;
  /**
   * ISO 4217 code as the proof states it (a receipt that states none is judged in the campaign's); any
   * other than the campaign's fails the `currency` rule.
   */
  currency: string;
  /** Null when the proof did not say (typed text before verification). */
  totalAmountMinor: number | null;
  sellerBan: string | null;
  sellerName: string | null;
  sellerAddress: string | null;
  /** A buyer business ID: a B2B invoice. Null (or `00000000`) for a consumer. */
  buyerBan: string | null;
  voided: boolean;
  items: RulesInvoiceItem[];
};

export type RulesInvoiceItem = {
  name: string;
  quantity: number;
  unitPriceMinor: number;
  amountMinor: number;
};

/** The campaign fields the rules read, with rules and rewards already parsed by the zod schemas. */
export type CampaignForRules = {
  timezone: string;
  currency: 'TWD' | 'THB';
  /** Inclusive local dates. */
  purchaseFrom: string;
  purchaseTo: string;
  registerFrom: Date;
  registerTo: Date;
  rules: CampaignRules;
  rewards: CampaignRewards;
};

/** Counts the use case reads from the database; this proof itself is never counted. */
export type RulesContext = {
  /** The member's accepted proofs in this campaign registered the same local day as this one. */
  memberAcceptedToday: number;
  memberAcceptedInCampaign: number;
};

export type RuleName =
  | 'currency'
  | 'purchase_date'
  | 'registration_window'
  | 'register_within_days'
  | 'voided'
  | 'buyer_ban'
  | 'stores'
  | 'item_groups'
  | 'min_amount'
  | 'cap_per_day'
  | 'cap_per_campaign';

export type RuleVerdict = {
  rule: RuleName;
  passed: boolean;
  /** `rules.purchase_date.too_early`: a message-catalog key (zh-TW / th / en). */
  reasonKey: string;
  /** Values the message interpolates (dates, amounts, limits). */
  params: Record<string, string | number | null>;
};

export type MatchedItem = {
  /** 1-based position on the invoice. */
  lineNo: number;
  name: string;
  quantity: number;
  amountMinor: number;
  groups: string[];
};

export type RewardQuantities = { points: number; entries: number; instantWin: boolean };

export type RulesDecision = {
  qualifies: boolean;
  verdicts: RuleVerdict[];
  matchedItems: MatchedItem[];
  matchedAmountMinor: number;
  matchedGroups: string[];
  rewards: RewardQuantities;
};

export const NO_REWARDS: RewardQuantities = { points: 0, entries: 0, instantWin: false };

/**
 * The date rules' verdicts (purchase date, registration window, registering within N days of the
 * purchase), in the order `evaluateCampaignRules` gives them: they need only the invoice's date, so a
 * proof can be refused on them before the platform is asked.
 */
export function dateRuleVerdicts(
  campaign: Pick<
    CampaignForRules,
    'timezone' | 'purchaseFrom' | 'purchaseTo' | 'registerFrom' | 'registerTo'
  > & {
    rules: Pick<CampaignRules, 'registerWithinDays'>;
  },
  invoiceDate: string,
  registeredAt: Date,
): RuleVerdict[] {
  const verdicts: RuleVerdict[] = [];
  const verdict = (rule: RuleName, passed: boolean, reason: string, params: RuleVerdict['params'] = {}) =>
    verdicts.push({ rule, passed, reasonKey: `rules.${rule}.${reason}`, params });
  const purchaseParams = { date: invoiceDate, from: campaign.purchaseFrom, to: campaign.purchaseTo };
  if (invoiceDate < campaign.purchaseFrom) verdict('purchase_date', false, 'too_early', purchaseParams);
  else if (invoiceDate > campaign.purchaseTo) verdict('purchase_date', false, 'too_late', purchaseParams);
  else verdict('purchase_date', true, 'ok', purchaseParams);

  const registeredOn = localDateOf(registeredAt, campaign.timezone);
  const registrationParams = {
    registeredAt: registeredAt.toISOString(),
    registeredOn,
    from: campaign.registerFrom.toISOString(),
    to: campaign.registerTo.toISOString(),
  };
  if (registeredAt < campaign.registerFrom)
    verdict('registration_window', false, 'not_open', registrationParams);
  else if (registeredAt > campaign.registerTo)
    verdict('registration_window', false, 'closed', registrationParams);
  else verdict('registration_window', true, 'ok', registrationParams);

  const { registerWithinDays } = campaign.rules;
  if (registerWithinDays !== undefined) {
    // The last day to register is the purchase date + N days, to its local midnight.
    const lastDay = addDays(invoiceDate, registerWithinDays);
    const deadline = startOfLocalDay(addDays(lastDay, 1), campaign.timezone);
    const passed = registeredAt < deadline;
    verdict('register_within_days', passed, passed ? 'ok' : 'too_late', {
      days: registerWithinDays,
      lastDay,
      registeredOn,
    });
  }

  return verdicts;
}

export function evaluateCampaignRules({
  campaign,
  invoice,
  registeredAt,
  context,
}: {
  campaign: CampaignForRules;
  invoice: RulesInvoice;
  registeredAt: Date;
  context: RulesContext;
}): RulesDecision {
  const { rules } = campaign;
  const verdicts: RuleVerdict[] = [];
  const verdict = (rule: RuleName, passed: boolean, reason: string, params: RuleVerdict['params'] = {}) =>
    verdicts.push({ rule, passed, reasonKey: `rules.${rule}.${reason}`, params });

  verdict(
    'currency',
    invoice.currency === campaign.currency,
    invoice.currency === campaign.currency ? 'ok' : 'mismatch',
    {
      expected: campaign.currency,
      actual: invoice.currency,
    },
  );

  verdicts.push(...dateRuleVerdicts(campaign, invoice.invoiceDate, registeredAt));

  if (rules.excludeVoided) verdict('voided', !invoice.voided, invoice.voided ? 'voided' : 'ok');

  if (rules.excludeBuyerBan) {
    const b2b = isBusinessBuyer(invoice.buyerBan);
    verdict('buyer_ban', !b2b, b2b ? 'b2b' : 'ok', { buyerBan: b2b ? invoice.buyerBan : null });
  }

  const storeVerdict = evaluateStores(rules.stores, invoice);
  if (storeVerdict) verdict('stores', storeVerdict.passed, storeVerdict.reason, storeVerdict.params);

  const matching = matchItemGroups(rules.itemGroups, invoice.items);
  if (rules.itemGroups.length > 0) {
    const satisfied = matching.satisfiedGroups;
    const missing = rules.itemGroups.map((group) => group.key).filter((key) => !satisfied.includes(key));
    const passed = rules.itemGroupsMatch === 'all' ? missing.length === 0 : satisfied.length > 0;
    const reason = passed
      ? 'matched'
      : invoice.items.length === 0
        ? 'no_items'
        : satisfied.length === 0
          ? 'no_match'
          : 'missing_group';
    verdict('item_groups', passed, reason, {
      mode: rules.itemGroupsMatch,
      matched: satisfied.join(','),
      missing: missing.join(','),
    });
  }

  // Without item groups every item counts, and the matched amount is the invoice total.
  const matchedAmountMinor =
    rules.itemGroups.length > 0 ? matching.amountMinor : (invoice.totalAmountMinor ?? 0);

  if (rules.minAmount) {
    const amount = rules.minAmount.basis === 'total' ? invoice.totalAmountMinor : matchedAmountMinor;
    const params = {
      basis: rules.minAmount.basis,
      amountMinor: amount,
      minimumMinor: rules.minAmount.amountMinor,
    };
    if (amount === null) verdict('min_amount', false, 'unknown', params);
    else if (amount < rules.minAmount.amountMinor) verdict('min_amount', false, 'below_minimum', params);
    else verdict('min_amount', true, 'ok', params);
  }

  if (rules.caps.perMemberPerDay !== undefined) {
    const passed = context.memberAcceptedToday < rules.caps.perMemberPerDay;
    verdict('cap_per_day', passed, passed ? 'ok' : 'reached', {
      limit: rules.caps.perMemberPerDay,
      count: context.memberAcceptedToday,
      day: localDateOf(registeredAt, campaign.timezone),
    });
  }
  if (rules.caps.perMemberPerCampaign !== undefined) {
    const passed = context.memberAcceptedInCampaign < rules.caps.perMemberPerCampaign;
    verdict('cap_per_campaign', passed, passed ? 'ok' : 'reached', {
      limit: rules.caps.perMemberPerCampaign,
      count: context.memberAcceptedInCampaign,
    });
  }

  const qualifies = verdicts.every((v) => v.passed);
  const matchedItems = rules.itemGroups.length > 0 ? matching.items : [];
  return {
    qualifies,
    verdicts,
    matchedItems,
    matchedAmountMinor,
    matchedGroups: matching.satisfiedGroups,
    rewards: qualifies
      ? computeRewards({
          rewards: campaign.rewards,
          totalAmountMinor: invoice.totalAmountMinor ?? 0,
          matchedAmountMinor,
          matchedGroups: matching.satisfiedGroups,
        })
      : NO_REWARDS,
  };
}

/** The first failed verdict: the reason a proof was refused. */
export function firstFailedVerdict(decision: Pick<RulesDecision, 'verdicts'>): RuleVerdict | undefined {
  return decision.verdicts.find((v) => !v.passed);
}

/** Reward quantities for a qualifying proof, from the campaign's reward settings. */
export function computeRewards({
  rewards,
  totalAmountMinor,
  matchedAmountMinor,
  matchedGroups,
}: {
  rewards: CampaignRewards;
  totalAmountMinor: number;
  matchedAmountMinor: number;
  matchedGroups: string[];
}): RewardQuantities {
  const amountFor = (basis: 'total' | 'matched') =>
    Math.max(0, basis === 'total' ? totalAmountMinor : matchedAmountMinor);

  let points = 0;
  if (rewards.points) {
    const { basis, stepAmountMinor, perStep, bonusPerGroup, maxPerProof } = rewards.points;
    points = Math.floor(amountFor(basis) / stepAmountMinor) * perStep;
    for (const group of matchedGroups) points += bonusPerGroup[group] ?? 0;
    if (maxPerProof !== undefined) points = Math.min(points, maxPerProof);
  }

  let entries = 0;
  if (rewards.entries) {
    const { perProof, perAmountStep, maxPerProof } = rewards.entries;
    entries = perProof;
    if (perAmountStep)
      entries +=
        Math.floor(amountFor(perAmountStep.basis) / perAmountStep.stepAmountMinor) * perAmountStep.perStep;
    if (maxPerProof !== undefined) entries = Math.min(entries, maxPerProof);
  }

  return { points, entries, instantWin: rewards.instantWin.enabled };
}

/** Folds width (full-width → ASCII), case, spaces, and 臺/台 so keywords match the way people write. */
export function normalizeForMatching(text: string): string {
  return normalizeItemName(text).replace(/臺/gu, '台');
}

export function isBusinessBuyer(buyerBan: string | null): boolean {
  return buyerBan !== null && buyerBan.trim() !== '' && !/^0+$/.test(buyerBan.trim());
}

type NormalizedGroup = { key: string; minQuantity: number; keywords: string[]; excludeKeywords: string[] };

// The rules of a campaign are evaluated for every proof: normalise their keywords once per rules object.
const normalizedGroupsCache = new WeakMap<ItemGroup[], NormalizedGroup[]>();

function normalizeGroups(groups: ItemGroup[]): NormalizedGroup[] {
  let normalized = normalizedGroupsCache.get(groups);
  if (!normalized) {
    normalized = groups.map((group) => ({
      key: group.key,
      minQuantity: group.minQuantity,
      keywords: group.keywords.map(normalizeForMatching),
      excludeKeywords: group.excludeKeywords.map(normalizeForMatching),
    }));
    normalizedGroupsCache.set(groups, normalized);
  }
  return normalized;
}

function matchItemGroups(groups: ItemGroup[], items: RulesInvoiceItem[]) {
  const normalizedGroups = normalizeGroups(groups);
  const quantityPerGroup = new Map<string, number>();
  const candidates: MatchedItem[] = [];
  items.forEach((item, index) => {
    const name = normalizeForMatching(item.name);
    const itemGroups = normalizedGroups
      .filter(
        (group) =>
          group.keywords.some((keyword) => name.includes(keyword)) &&
          !group.excludeKeywords.some((keyword) => name.includes(keyword)),
      )
      .map((group) => group.key);
    if (itemGroups.length === 0) return;
    for (const key of itemGroups) quantityPerGroup.set(key, (quantityPerGroup.get(key) ?? 0) + item.quantity);
    candidates.push({
      lineNo: index + 1,
      name: item.name,
      quantity: item.quantity,
      amountMinor: item.amountMinor,
      groups: itemGroups,
    });
  });
  const satisfiedGroups = normalizedGroups
    .filter((group) => (quantityPerGroup.get(group.key) ?? 0) >= group.minQuantity)
    .map((group) => group.key);
  // An item counts once, even when it belongs to several groups, and only for a satisfied group.
  const matched = candidates
    .map((item) => ({ ...item, groups: item.groups.filter((key) => satisfiedGroups.includes(key)) }))
    .filter((item) => item.groups.length > 0);
  return {
    satisfiedGroups,
    items: matched,
    amountMinor: matched.reduce((sum, item) => sum + item.amountMinor, 0),
  };
}

function evaluateStores(
  stores: CampaignRules['stores'],
  invoice: RulesInvoice,
): { passed: boolean; reason: string; params: RuleVerdict['params'] } | undefined {
  const allow = stores.allow && hasEntries(stores.allow) ? stores.allow : undefined;
  const deny = stores.deny && hasEntries(stores.deny) ? stores.deny : undefined;
  if (!allow && !deny) return undefined;
  const params = { sellerName: invoice.sellerName, sellerBan: invoice.sellerBan };
  if (deny && matchesStore(deny, invoice)) return { passed: false, reason: 'denied', params };
  if (allow) {
    if (matchesStore(allow, invoice)) return { passed: true, reason: 'ok', params };
    const known = invoice.sellerBan || invoice.sellerName || invoice.sellerAddress;
    return { passed: false, reason: known ? 'not_allowed' : 'unknown', params };
  }
  return { passed: true, reason: 'ok', params };
}

function hasEntries(matcher: StoreMatcher): boolean {
  return matcher.namePatterns.length + matcher.sellerBans.length + matcher.addressFragments.length > 0;
}

type CompiledMatcher = {
  sellerBans: Set<string>;
  namePatterns: ((normalizedName: string) => boolean)[];
  addressFragments: string[];
};

const compiledMatchers = new WeakMap<StoreMatcher, CompiledMatcher>();

function compileMatcher(matcher: StoreMatcher): CompiledMatcher {
  let compiled = compiledMatchers.get(matcher);
  if (!compiled) {
    compiled = {
      sellerBans: new Set(matcher.sellerBans),
      namePatterns: matcher.namePatterns.map(compileNamePattern),
      addressFragments: matcher.addressFragments.map(normalizeForMatching),
    };
    compiledMatchers.set(matcher, compiled);
  }
  return compiled;
}

function matchesStore(matcher: StoreMatcher, invoice: RulesInvoice): boolean {
  const compiled = compileMatcher(matcher);
  if (invoice.sellerBan && compiled.sellerBans.has(invoice.sellerBan)) return true;
  if (invoice.sellerName && compiled.namePatterns.length > 0) {
    const name = normalizeForMatching(invoice.sellerName);
    if (compiled.namePatterns.some((matches) => matches(name))) return true;
  }
  if (invoice.sellerAddress && compiled.addressFragments.length > 0) {
    const address = normalizeForMatching(invoice.sellerAddress);
    if (compiled.addressFragments.some((fragment) => address.includes(fragment))) return true;
  }
  return false;
}

/** `全家*` matches names that start with 全家; a pattern without `*` matches anywhere in the name. */
function compileNamePattern(pattern: string): (normalizedName: string) => boolean {
  const normalized = normalizeForMatching(pattern);
  if (!normalized.includes('*')) return (name) => name.includes(normalized);
  const source = normalized
    .split('*')
    .map((part) => part.replace(/[.+?^${}()|[\]\\]/g, '\\$&'))
    .join('.*');
  const regex = new RegExp(`^${source}$`, 'u');
  return (name) => regex.test(name);
}
