import { createCampaign } from '../../core/campaigns/index.js';
import { receiptImages } from '../../core/receipts/index.js';
import { submissions } from '../../core/submissions/index.js';
import type { TestSeed } from '../support/database.js';
import type { TestServices } from '../support/services.js';

/** The Taiwan brand the review tests queue photos for, its LINE channel and the given members. */
export const TW_BRAND = 'brd_tw';

export function twBrandSeed(
  members: { id: string; locale: 'zh-TW' | 'th' | 'en'; displayName: string }[],
): TestSeed {
  return {
    brands: [
      {
        id: TW_BRAND,
        slug: 'tw-brand',
        name: 'TW',
        country: 'TW',
        defaultLocale: 'zh-TW',
        timezone: 'Asia/Taipei',
      },
    ],
    lineChannels: [
      {
        id: 'chn_tw',
        brandId: TW_BRAND,
        lineChannelId: '2000000099',
        name: 'TW channel',
        channelSecret: 'secret',
        channelAccessToken: 'token',
      },
    ],
    members: members.map((member) => ({
      ...member,
      brandId: TW_BRAND,
      lineUserId: `U_${member.id.replace(/^mbr_/, '')}`,
      channelId: 'chn_tw',
    })),
  };
}

/** A March receipt campaign, decided by a reviewer: NT$50 at least, a point per NT$10. */
export async function createSpringCampaign(services: TestServices): Promise<string> {
  const { campaign } = await createCampaign({
    db: services.database.db,
    generateId: services.generateId,
    campaign: {
      brandId: TW_BRAND,
      slug: 'spring',
      name: { 'zh-TW': '春季', en: 'Spring' },
      status: 'active',
      timezone: 'Asia/Taipei',
      currency: 'TWD',
      purchaseFrom: '2026-03-01',
      purchaseTo: '2026-03-31',
      registerFrom: new Date('2026-02-28T16:00:00Z'),
      registerTo: new Date('2026-04-07T16:00:00Z'),
      proofKinds: ['receipt'],
      verificationMode: 'instant',
      autoAcceptReceipts: false,
      rules: { minAmount: { basis: 'total', amountMinor: 5_000 } },
      rewards: { points: { basis: 'total', stepAmountMinor: 1_000, perStep: 1 } },
    },
  });
  return campaign.id;
}

/** Stores a read receipt photo and its proof waiting in the review queue; the clock moves a minute on. */
export async function queueReceipt(
  services: TestServices,
  {
    campaignId,
    fields,
    confidence,
    flags = [],
    hash,
    duplicateOfId = null,
    memberId = 'mbr_mei',
    channel = 'liff',
    sourceRef,
  }: {
    campaignId: string;
    fields: Record<string, unknown>;
    confidence: number;
    flags?: string[];
    hash: string;
    duplicateOfId?: string | null;
    memberId?: string;
    channel?: 'liff' | 'chat';
    sourceRef?: string;
  },
): Promise<{ submissionId: string; imageId: string }> {
  const imageId = services.generateId('receiptImage');
  await services.database.db.insert(receiptImages).values({
    id: imageId,
    brandId: TW_BRAND,
    memberId,
    sha256: `sha-${imageId}`,
    perceptualHash: hash,
    mimeType: 'image/png',
    width: 400,
    height: 600,
    byteSize: 1000,
    storageKey: `${TW_BRAND}/${imageId}.png`,
    source: channel === 'chat' ? 'line' : 'liff',
    reading: {
      kind: 'receipt',
      fields: { items: [], ...fields },
      currency: 'TWD',
      confidence: { overall: confidence, totalAmount: confidence, date: confidence },
      timings: { normaliseMs: 1, qrMs: 1, totalMs: 2 },
    },
    confidence,
    readingKind: 'receipt',
    duplicateOfId,
    flags,
    uploadedAt: services.clock.now(),
  });
  const submissionId = services.generateId('submission');
  await services.database.db.insert(submissions).values({
    id: submissionId,
    brandId: TW_BRAND,
    campaignId,
    memberId,
    kind: 'receipt',
    channel,
    sourceRef: sourceRef ?? `req-${submissionId}`,
    rawInput: { type: 'receipt_image', receiptImageId: imageId },
    state: 'in_review',
    receiptImageId: imageId,
    createdAt: services.clock.now(),
  });
  services.clock.advanceBy(60_000);
  return { submissionId, imageId };
}
