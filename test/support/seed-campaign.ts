import type { campaigns } from '../../core/db/schema.js';

type CampaignRow = typeof campaigns.$inferInsert;

/**
 * The active Taiwan e-invoice campaign most fixtures seed: purchases in the first quarter of 2026, registration
 * until 7 April, no rules and no rewards unless the fixture gives its own.
 */
export function twCampaignRow(
  row: Pick<CampaignRow, 'id' | 'brandId' | 'slug' | 'name'> & Partial<CampaignRow>,
): CampaignRow {
  return {
    status: 'active',
    timezone: 'Asia/Taipei',
    currency: 'TWD',
    purchaseFrom: '2026-01-01',
    purchaseTo: '2026-03-31',
    registerFrom: new Date('2026-01-01T00:00:00Z'),
    registerTo: new Date('2026-04-07T00:00:00Z'),
    proofKinds: ['einvoice_qr'],
    rules: {},
    rewards: {},
    ...row,
  };
}
