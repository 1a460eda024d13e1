import { and, eq } from 'drizzle-orm';
import type { Executor } from '../db/database.js';
import type { IdGenerator } from '../shared/ids.js';
import { campaigns } from './campaigns.table.js';

export type Campaign = typeof campaigns.$inferSelect;
export type NewCampaign = Omit<typeof campaigns.$inferInsert, 'id' | 'createdAt' | 'updatedAt'>;

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

    async listActiveCampaigns({ brandId }: { brandId: string }): Promise<Campaign[]> {
      return db
        .select()
        .from(campaigns)
        .where(and(eq(campaigns.brandId, brandId), eq(campaigns.status, 'active')))
        .orderBy(campaigns.registerFrom);
    },
  };
}

export type CampaignsRepository = ReturnType<typeof createCampaignsRepository>;
