import type { Campaign } from './campaigns.repository.js';
import type { CampaignDefinition } from './campaigns.schemas.js';
import type { CampaignStatus } from './campaigns.table.js';

/**
 * Pure pieces of editing campaigns: the editable definition of a stored campaign, the difference
 * between two versions, and which status changes the console may make.
 */

/** The editable fields of a stored campaign, as plain JSON (instants as ISO strings). */
export function definitionOfCampaign(campaign: Campaign): CampaignDefinition {
  return {
    slug: campaign.slug,
    name: campaign.name,
    description: campaign.description ?? null,
    timezone: campaign.timezone,
    currency: campaign.currency,
    purchaseFrom: campaign.purchaseFrom,
    purchaseTo: campaign.purchaseTo,
    registerFrom: campaign.registerFrom.toISOString(),
    registerTo: campaign.registerTo.toISOString(),
    proofKinds: campaign.proofKinds,
    verificationMode: campaign.verificationMode,
    autoAcceptReceipts: campaign.autoAcceptReceipts,
    rules: campaign.rules as CampaignDefinition['rules'],
    rewards: campaign.rewards as CampaignDefinition['rewards'],
  };
}

export type DefinitionChange = { path: string; before: unknown; after: unknown };

/**
 * Every leaf that differs between two definitions, with its dotted JSON path (`rules.minAmount.amountMinor`,
 * `rules.itemGroups.0.keywords.1`); a value added or removed has `undefined` on the other side.
 */
export function diffDefinitions(before: unknown, after: unknown, path: string[] = []): DefinitionChange[] {
  if (isContainer(before) && isContainer(after) && Array.isArray(before) === Array.isArray(after)) {
    const keys = new Set([...Object.keys(before), ...Object.keys(after)]);
    const changes: DefinitionChange[] = [];
    for (const key of [...keys].sort(byKey))
      changes.push(
        ...diffDefinitions(
          (before as Record<string, unknown>)[key],
          (after as Record<string, unknown>)[key],
          [...path, key],
        ),
      );
    return changes;
  }
  if (JSON.stringify(before) === JSON.stringify(after)) return [];
  return [{ path: path.join('.'), before, after }];
}

function isContainer(value: unknown): value is object {
  return typeof value === 'object' && value !== null;
}

function byKey(a: string, b: string) {
  return /^\d+$/.test(a) && /^\d+$/.test(b) ? Number(a) - Number(b) : a.localeCompare(b);
}

export const CAMPAIGN_ACTIONS = {
  publish: { from: ['draft', 'paused'], to: 'active' },
  pause: { from: ['active'], to: 'paused' },
  end: { from: ['active', 'paused'], to: 'ended' },
} as const satisfies Record<string, { from: readonly CampaignStatus[]; to: CampaignStatus }>;

export type CampaignAction = keyof typeof CAMPAIGN_ACTIONS;

/**
 * The status after `action`, `unchanged` when the campaign is already there (a retried click), or
 * `refused` when the action does not apply to its status.
 */
export function nextStatus(
  current: CampaignStatus,
  action: CampaignAction,
): { outcome: 'changed' | 'unchanged'; status: CampaignStatus } | { outcome: 'refused' } {
  const transition = CAMPAIGN_ACTIONS[action];
  if (current === transition.to) return { outcome: 'unchanged', status: current };
  if ((transition.from as readonly CampaignStatus[]).includes(current))
    return { outcome: 'changed', status: transition.to };
  return { outcome: 'refused' };
}

/** Settings of a campaign that has been published are versioned; a draft is edited in place. */
export function editCreatesVersion(status: CampaignStatus): boolean {
  return status !== 'draft';
}

/** `spring-tea` → `spring-tea-copy`, then `spring-tea-copy-2`… (the first not taken). */
export function cloneSlug(slug: string, taken: ReadonlySet<string>): string {
  const base = `${slug.replace(/-copy(-\d+)?$/, '')}-copy`.slice(0, 54);
  if (!taken.has(base)) return base;
  for (let n = 2; ; n++) if (!taken.has(`${base}-${n}`)) return `${base}-${n}`;
}
