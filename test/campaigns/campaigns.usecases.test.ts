import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { createCampaign, getCampaignWithSettings, readCampaignSettings } from '../../core/campaigns/index.js';
import { seedDemo } from '../../core/demo/seed-demo.js';
import { isAppError } from '../../core/shared/errors.js';
import { buildTestServices, type TestServices } from '../support/services.js';

describe('campaign use cases', () => {
  let services: TestServices;

  beforeAll(async () => {
    services = await buildTestServices({
      now: '2024-11-05T04:00:00Z',
      seed: {
        brands: [
          {
            id: 'brd_c',
            slug: 'c',
            name: 'C',
            country: 'TW',
            defaultLocale: 'zh-TW',
            timezone: 'Asia/Taipei',
          },
        ],
      },
    });
  });
  afterAll(async () => {
    await services.database.close();
  });

  const base = {
    brandId: 'brd_c',
    name: { en: 'C' },
    status: 'active' as const,
    timezone: 'Asia/Taipei',
    currency: 'TWD' as const,
    purchaseFrom: '2024-11-01',
    purchaseTo: '2024-11-30',
    registerFrom: new Date('2024-11-01T00:00:00Z'),
    registerTo: new Date('2024-12-01T00:00:00Z'),
    proofKinds: ['einvoice_text' as const],
  };

  test('when settings are valid, then the stored JSON is the parsed value with defaults', async () => {
    const { campaign } = await createCampaign({
      db: services.database.db,
      generateId: services.generateId,
      campaign: {
        ...base,
        slug: 'ok',
        rules: { itemGroups: [{ key: 'tea', keywords: ['茶'] }] },
        rewards: {},
      },
    });

    const stored = await getCampaignWithSettings({
      db: services.database.db,
      brandId: 'brd_c',
      campaignId: campaign.id,
    });
    expect(stored.rules).toMatchObject({
      excludeBuyerBan: true,
      itemGroups: [{ key: 'tea', minQuantity: 1 }],
    });
    expect(stored.settings.rules.upload).toEqual({ windowDays: 3, graceHours: 12 });
  });

  test('when settings are invalid, then nothing is stored and the error names each path', async () => {
    const error = await createCampaign({
      db: services.database.db,
      generateId: services.generateId,
      campaign: {
        ...base,
        slug: 'bad',
        rules: { minAmount: { basis: 'total', amountMinor: -1 } },
        rewards: { points: {} },
      },
    }).catch((caught: unknown) => caught);

    expect(isAppError(error) && error.code).toBe('campaign.settings_invalid');
    const issues = (error as { details: { issues: { path: string }[] } }).details.issues.map(
      (issue) => issue.path,
    );
    expect(issues).toEqual(
      expect.arrayContaining(['rules.minAmount.amountMinor', 'rewards.points.stepAmountMinor']),
    );
  });

  test('the demo campaign passes the settings schema', async () => {
    const { campaign } = await seedDemo(services);

    expect(readCampaignSettings(campaign).settings.rewards).toMatchObject({
      points: { basis: 'matched', stepAmountMinor: 1_000, perStep: 1 },
      entries: { perProof: 1 },
    });
  });
});
