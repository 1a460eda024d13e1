import type { Database } from '../../core/db/database.js';
import { brands, campaigns, members } from '../../core/db/schema.js';

type CampaignRow = typeof campaigns.$inferInsert;

/**
 * A bench's brand: Taiwanese (zh-TW, Asia/Taipei), named `name`; with `campaign`, one TWD campaign of it
 * (slug `bench`), open for purchases and registrations over the given dates, with no rules or rewards
 * unless given.
 */
export async function seedBenchBrand(
  db: Database,
  {
    brandId,
    slug = brandId,
    name = 'Bench',
    campaign,
  }: {
    brandId: string;
    slug?: string;
    name?: string;
    campaign?: Pick<CampaignRow, 'id' | 'purchaseFrom' | 'purchaseTo' | 'registerFrom' | 'registerTo'> &
      Partial<Pick<CampaignRow, 'status' | 'proofKinds' | 'rules' | 'rewards'>>;
  },
): Promise<void> {
  await db.insert(brands).values({
    id: brandId,
    slug,
    name,
    country: 'TW',
    defaultLocale: 'zh-TW',
    timezone: 'Asia/Taipei',
  });
  if (campaign)
    await db.insert(campaigns).values({
      brandId,
      slug: 'bench',
      name: { en: 'Bench' },
      timezone: 'Asia/Taipei',
      currency: 'TWD',
      proofKinds: ['einvoice_qr'],
      rules: {},
      rewards: {},
      ...campaign,
    });
}

/** Members of the brand (zh-TW), inserted 1,000 at a time: `lineUserIdOf` gives each one's LINE user id. */
export async function seedBenchMembers(
  db: Database,
  brandId: string,
  memberIds: string[],
  lineUserIdOf: (memberId: string, index: number) => string = (memberId) => `U${memberId}`,
): Promise<void> {
  for (let start = 0; start < memberIds.length; start += 1_000)
    await db.insert(members).values(
      memberIds.slice(start, start + 1_000).map((id, i) => ({
        id,
        brandId,
        lineUserId: lineUserIdOf(id, start + i),
        locale: 'zh-TW' as const,
      })),
    );
}
