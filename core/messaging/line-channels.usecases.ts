import type { Services } from '../app/build-services.js';
import { createBrandsRepository, type Brand, type LineChannel } from '../brands/index.js';

/** The brand a single-brand deployment configures by environment, when the database has none yet. */
const DEFAULT_BRAND = {
  slug: 'default',
  name: 'Proofline',
  country: 'TW',
  defaultLocale: 'zh-TW',
  timezone: 'Asia/Taipei',
} as const;

/**
 * Single-brand deployment by environment: with LINE_CHANNEL_ID, LINE_CHANNEL_SECRET and
 * LINE_CHANNEL_ACCESS_TOKEN set, that channel is created — or its credentials updated — for the default
 * brand (the oldest brand; created when there is none). Runs at start-up, after migrations. Idempotent.
 */
export async function ensureEnvChannel({
  config,
  database,
  generateId,
}: Pick<Services, 'config' | 'database' | 'generateId'>): Promise<
  { channel: LineChannel; brand: Brand } | undefined
> {
  const { channelId, channelSecret, channelAccessToken, liffId, loginChannelId } = config.line;
  if (!channelId || !channelSecret || !channelAccessToken) return undefined;
  return database.db.transaction(async (tx) => {
    const repository = createBrandsRepository({ db: tx, generateId });
    const existing = await repository.getChannelByLineChannelId(channelId);
    const brand =
      (existing && (await repository.getBrandById(existing.brandId))) ??
      (await repository.listBrands())[0] ??
      (await repository.createBrand({ ...DEFAULT_BRAND }));
    const channel = await repository.upsertChannel({
      brandId: brand.id,
      lineChannelId: channelId,
      name: existing?.name ?? `LINE ${channelId}`,
      channelSecret,
      channelAccessToken,
      liffId: liffId ?? existing?.liffId ?? null,
      loginChannelId: loginChannelId ?? existing?.loginChannelId ?? null,
      managedByEnv: true,
    });
    return { channel, brand };
  });
}
