import { and, asc, desc, eq, or, type AnyColumn, type SQL } from 'drizzle-orm';
import type { Executor } from '../db/database.js';
import type { IdGenerator } from '../shared/ids.js';
import { campaigns, campaignVersions } from './campaigns.table.js';

export type Campaign = typeof campaigns.$inferSelect;
export type NewCampaign = Omit<typeof campaigns.$inferInsert, 'id' | 'createdAt' | 'updatedAt'>;
export type CampaignVersion = typeof campaignVersions.$inferSelect;

/**
 * The brand's active campaigns (`brandId` a value, or a column of an outer query): what
 * `listActiveCampaigns` lists (by `register_from`) and what the row stamps cover (campaigns.row-stamps.ts).
 */
export function activeCampaignsOf(brandId: string | AnyColumn | SQL) {
  return and(eq(campaigns.brandId, brandId), eq(campaigns.status, 'active'));
}

export function createCampaignsRepository({ db, generateId }: { db: Executor; generateId: IdGenerator }) {
  return {
    async createCampaign(campaign: NewCampaign): Promise<Campaign> {
      const [created] = await db
        .insert(campaigns)
        .values({ ...campaign, id: generateId('campaign') })
        .returning();
      return created as Campaign;
    },

    async getCampaign({ brandId, campaignId }: { brandId: string; campaignId: string }) {
      const [campaign] = await db
        .select()
        .from(campaigns)
        .where(and(eq(campaigns.brandId, brandId), eq(campaigns.id, campaignId)))
        .limit(1);
      return campaign;
    },

    /** By id or slug, within the brand; `forUpdate` locks the row for the caller's transaction. */
    async findCampaignByRef({
      brandId,
      ref,
      forUpdate = false,
    }: {
      brandId: string;
      ref: string;
      forUpdate?: boolean;
    }): Promise<Campaign | undefined> {
      const query = db
        .select()
        .from(campaigns)
        .where(and(eq(campaigns.brandId, brandId), or(eq(campaigns.id, ref), eq(campaigns.slug, ref))))
        .limit(1);
      const [campaign] = forUpdate ? await query.for('update') : await query;
      return campaign;
    },

    async listCampaigns({ brandId }: { brandId: string }): Promise<Campaign[]> {
      return db
        .select()
        .from(campaigns)
        .where(eq(campaigns.brandId, brandId))
        .orderBy(desc(campaigns.registerFrom), asc(campaigns.slug));
    },

    async listActiveCampaigns({ brandId }: { brandId: string }): Promise<Campaign[]> {
      return db.select().from(campaigns).where(activeCampaignsOf(brandId)).orderBy(campaigns.registerFrom);
    },

    async updateCampaign(
      campaignId: string,
      values: Partial<Omit<NewCampaign, 'brandId'>> & { updatedAt: Date },
    ): Promise<Campaign> {
      const [updated] = await db
        .update(campaigns)
        .set(values)
        .where(eq(campaigns.id, campaignId))
        .returning();
      return updated as Campaign;
    },

    async insertVersion(version: Omit<typeof campaignVersions.$inferInsert, 'id'>): Promise<CampaignVersion> {
      const [created] = await db
        .insert(campaignVersions)
        .values({ ...version, id: generateId('campaignVersion') })
        .returning();
      return created as CampaignVersion;
    },

    /**
     * Saves the definition of one version: a draft's only version follows its edits; a campaign created
     * before versions existed gets its current version recorded before the next one (`onlyIfMissing`).
     */
    async saveVersion({
      brandId,
      campaignId,
      version,
      definition,
      createdBy,
      now,
      onlyIfMissing = false,
    }: {
      brandId: string;
      campaignId: string;
      version: number;
      definition: Record<string, unknown>;
      createdBy: string | null;
      now: Date;
      onlyIfMissing?: boolean;
    }) {
      const insert = db.insert(campaignVersions).values({
        id: generateId('campaignVersion'),
        brandId,
        campaignId,
        version,
        definition,
        createdBy,
        createdAt: now,
        updatedAt: now,
      });
      const target = [campaignVersions.campaignId, campaignVersions.version];
      if (onlyIfMissing) await insert.onConflictDoNothing({ target });
      else await insert.onConflictDoUpdate({ target, set: { definition, createdBy, updatedAt: now } });
    },

    async listVersions({ campaignId }: { campaignId: string }): Promise<CampaignVersion[]> {
      return db
        .select()
        .from(campaignVersions)
        .where(eq(campaignVersions.campaignId, campaignId))
        .orderBy(desc(campaignVersions.version));
    },

    async getVersion({ campaignId, version }: { campaignId: string; version: number }) {
      const [row] = await db
        .select()
        .from(campaignVersions)
        .where(and(eq(campaignVersions.campaignId, campaignId), eq(campaignVersions.version, version)))
        .limit(1);
      return row;
    },
  };
}

export type CampaignsRepository = ReturnType<typeof createCampaignsRepository>;
