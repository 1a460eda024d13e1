import { eq } from 'drizzle-orm';
import type { Executor } from '../db/database.js';
import { createCampaignNotFoundError } from './campaigns.errors.js';
import { createCampaignsRepository, type Campaign } from './campaigns.repository.js';
import { campaigns } from './campaigns.table.js';

/** A campaign of the brand named by its id or its slug, or a 404 naming what was not found. */
export async function getCampaignByRefOrThrow(
  db: Executor,
  { brandId, ref }: { brandId: string; ref: string },
): Promise<Campaign> {
  const repository = createCampaignsRepository({ db, generateId: () => '' });
  const campaign = await repository.findCampaignByRef({ brandId, ref: ref.trim() });
  if (!campaign)
    throw createCampaignNotFoundError({
      message: `No campaign "${ref}" on this brand (give its id or slug)`,
      details: { campaign: ref },
    });
  return campaign;
}

/** The brand's campaigns, oldest first, for pickers and CLI listings (id and slug). */
export async function listCampaignRefs(
  db: Executor,
  { brandId }: { brandId: string },
): Promise<Pick<Campaign, 'id' | 'slug' | 'name' | 'status' | 'timezone' | 'currency'>[]> {
  return db
    .select({
      id: campaigns.id,
      slug: campaigns.slug,
      name: campaigns.name,
      status: campaigns.status,
      timezone: campaigns.timezone,
      currency: campaigns.currency,
    })
    .from(campaigns)
    .where(eq(campaigns.brandId, brandId))
    .orderBy(campaigns.registerFrom);
}
