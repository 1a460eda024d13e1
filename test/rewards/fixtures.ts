import type { TestSeed } from '../support/database.js';
import { twCampaignRow } from '../support/seed-campaign.js';

export const BRAND_ID = 'brd_rewards';
export const CAMPAIGN_ID = 'cmp_rewards';

export function memberId(index: number): string {
  return `mbr_r${String(index).padStart(4, '0')}`;
}

export function submissionId(index: number): string {
  return `sub_r${String(index).padStart(5, '0')}`;
}

/** A brand, a campaign and `memberCount` members (and `submissionCount` accepted submissions of member 1). */
export function rewardsSeed({
  memberCount = 3,
  submissions = [],
  campaignRewards = {},
}: {
  memberCount?: number;
  /** [submission index, member index] pairs. */
  submissions?: [number, number][];
  campaignRewards?: Record<string, unknown>;
} = {}): TestSeed {
  return {
    brands: [
      {
        id: BRAND_ID,
        slug: 'rewards',
        name: '好茶',
        country: 'TW',
        defaultLocale: 'zh-TW',
        timezone: 'Asia/Taipei',
      },
    ],
    members: Array.from({ length: memberCount }, (_, index) => ({
      id: memberId(index + 1),
      brandId: BRAND_ID,
      lineUserId: `U${String(index + 1).padStart(32, '0')}`,
      locale: 'zh-TW' as const,
    })),
    campaigns: [
      twCampaignRow({
        id: CAMPAIGN_ID,
        brandId: BRAND_ID,
        slug: 'tea-2026',
        name: { 'zh-TW': '好茶集點' },
        rewards: { points: { perAmountMinor: 1_000, pointsPerStep: 1 }, ...campaignRewards },
      }),
    ],
    submissions: submissions.map(([submission, member]) => ({
      id: submissionId(submission),
      brandId: BRAND_ID,
      campaignId: CAMPAIGN_ID,
      memberId: memberId(member),
      kind: 'einvoice_qr' as const,
      channel: 'chat' as const,
      rawInput: {},
      state: 'accepted' as const,
    })),
  };
}
