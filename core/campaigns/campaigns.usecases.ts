import type { Executor } from '../db/database.js';
import type { IdGenerator } from '../shared/ids.js';
import { createCampaignNotFoundError, createCampaignSettingsInvalidError } from './campaigns.errors.js';
import { definitionOfCampaign } from './campaigns.models.js';
import { createCampaignsRepository, type Campaign, type NewCampaign } from './campaigns.repository.js';
import type { CampaignForRules } from './campaigns.rules.js';
import { parseCampaignSettings, type CampaignRewards, type CampaignRules } from './campaigns.schemas.js';

export type CampaignWithSettings = Campaign & { settings: CampaignForRules };

/**
 * Creates a campaign after validating its rules and rewards JSON; the stored value is the parsed one
 * (defaults filled in), so what the engine reads is exactly what the marketer saw confirmed.
 */
export async function createCampaign({
  db,
  generateId,
  campaign,
  createdBy = null,
  afterCreate,
}: {
  db: Executor;
  generateId: IdGenerator;
  campaign: Omit<NewCampaign, 'rules' | 'rewards' | 'version'> & { rules: unknown; rewards: unknown };
  /** Who saved it (a console user id, `cli`, `seed`), kept on its first version. */
  createdBy?: string | null;
  /** More work in the creating transaction (the console user's audit row): it fails, nothing is created. */
  afterCreate?: (tx: Executor, created: Campaign) => Promise<unknown>;
}): Promise<{ campaign: CampaignWithSettings }> {
  const parsed = parseCampaignSettings({ rules: campaign.rules, rewards: campaign.rewards });
  if (!parsed.ok)
    throw createCampaignSettingsInvalidError({
      message: `The campaign settings are not valid: ${parsed.issues.map((i) => `${i.path}: ${i.message}`).join('; ')}`,
      details: { issues: parsed.issues },
    });
  // The campaign and its first version together, or neither.
  const created = await db.transaction(async (tx) => {
    const repository = createCampaignsRepository({ db: tx, generateId });
    const row = await repository.createCampaign({
      ...campaign,
      rules: parsed.rules as unknown as Record<string, unknown>,
      rewards: parsed.rewards as unknown as Record<string, unknown>,
      version: 1,
    });
    await repository.insertVersion({
      brandId: row.brandId,
      campaignId: row.id,
      version: 1,
      definition: definitionOfCampaign(row) as unknown as Record<string, unknown>,
      createdBy,
      createdAt: row.createdAt,
      updatedAt: row.createdAt,
    });
    await afterCreate?.(tx, row);
    return row;
  });
  return { campaign: withSettings(created, parsed.rules, parsed.rewards) };
}

/**
 * A stored campaign with its settings parsed for the rules engine. A campaign whose stored JSON no longer
 * passes the schema (edited by hand) is an internal error, not a silent default.
 */
export function readCampaignSettings(campaign: Campaign): CampaignWithSettings {
  const parsed = parseCampaignSettings({ rules: campaign.rules, rewards: campaign.rewards });
  if (!parsed.ok)
    throw createCampaignSettingsInvalidError({
      message: `Campaign ${campaign.id} has invalid stored settings`,
      details: { campaignId: campaign.id, issues: parsed.issues },
    });
  return withSettings(campaign, parsed.rules, parsed.rewards);
}

export async function getCampaignWithSettings({
  db,
  brandId,
  campaignId,
}: {
  db: Executor;
  brandId: string;
  campaignId: string;
}): Promise<CampaignWithSettings> {
  const campaign = await createCampaignsRepository({ db, generateId: unusedIdGenerator }).getCampaign({
    brandId,
    campaignId,
  });
  if (!campaign) throw createCampaignNotFoundError({ details: { campaignId } });
  return readCampaignSettings(campaign);
}

function withSettings(
  campaign: Campaign,
  rules: CampaignRules,
  rewards: CampaignRewards,
): CampaignWithSettings {
  return {
    ...campaign,
    settings: {
      timezone: campaign.timezone,
      currency: campaign.currency,
      purchaseFrom: campaign.purchaseFrom,
      purchaseTo: campaign.purchaseTo,
      registerFrom: campaign.registerFrom,
      registerTo: campaign.registerTo,
      rules,
      rewards,
    },
  };
}

const unusedIdGenerator: IdGenerator = () => {
  throw new Error('reading campaigns generates no ids');
};
