import { randomBytes } from 'node:crypto';
import type { Services } from '../app/build-services.js';
import { createBrandsRepository, type Brand, type LineChannel } from '../brands/index.js';
import { createCampaign, createCampaignsRepository, type Campaign } from '../campaigns/index.js';

export type DemoSeed = { brand: Brand; channel: LineChannel; campaign: Campaign; created: boolean };

type NewCampaignInput = Parameters<typeof createCampaign>[0]['campaign'];

export type DemoBrandSpec = {
  brand: Pick<Brand, 'slug' | 'name' | 'country' | 'defaultLocale' | 'timezone'>;
  /** A simulated LINE channel (the LINE simulator accepts any id); its LIFF app is the local one. */
  channel: { lineChannelId: string; name: string; liffId: string };
  campaign: Omit<NewCampaignInput, 'brandId'>;
};

/**
 * A demo brand, its simulated LINE channel and a running campaign, so local mode has something to talk
 * to. Idempotent: a second run finds the brand and changes nothing. The campaign goes through the use
 * case, so the demo's rules and rewards pass the same schema as a marketer's.
 */
export async function seedDemoBrand(
  { database, generateId }: Pick<Services, 'database' | 'generateId'>,
  spec: DemoBrandSpec,
): Promise<DemoSeed> {
  return database.db.transaction(async (tx) => {
    const brandsRepository = createBrandsRepository({ db: tx, generateId });
    const campaignsRepository = createCampaignsRepository({ db: tx, generateId });

    const existing = await brandsRepository.getBrandBySlug(spec.brand.slug);
    if (existing) {
      const [channel] = await brandsRepository.listChannels(existing.id);
      const [campaign] = await campaignsRepository.listActiveCampaigns({ brandId: existing.id });
      if (channel && campaign) return { brand: existing, channel, campaign, created: false };
    }

    const brand = existing ?? (await brandsRepository.createBrand(spec.brand));

    // Local-only credentials, made up per database: the simulator signs and checks with them.
    const channel = await brandsRepository.upsertChannel({
      brandId: brand.id,
      lineChannelId: spec.channel.lineChannelId,
      name: spec.channel.name,
      channelSecret: randomBytes(16).toString('hex'),
      channelAccessToken: randomBytes(32).toString('base64url'),
      liffId: spec.channel.liffId,
      loginChannelId: spec.channel.lineChannelId,
      managedByEnv: false,
    });

    const { campaign } = await createCampaign({
      db: tx,
      generateId,
      campaign: { ...spec.campaign, brandId: brand.id },
    });
    return { brand, channel, campaign, created: true };
  });
}

export function isoDate(date: Date): string {
  return date.toISOString().slice(0, 10);
}
