import { describe, expect, test } from '@jest/globals';
import { parseCampaignSettings, type CampaignForRules } from '../../core/campaigns/index.js';
import { createReplayAccumulator } from '../../core/replays/replays.models.js';
import type { DecidedSubmission } from '../../core/submissions/index.js';

const campaign = {
  timezone: 'Asia/Taipei',
  currency: 'TWD',
  purchaseFrom: '2026-01-01',
  purchaseTo: '2026-12-31',
  registerFrom: new Date('2026-01-01T00:00:00Z'),
  registerTo: new Date('2027-01-01T00:00:00Z'),
  ...(parseCampaignSettings({
    rules: { minAmount: { basis: 'total', amountMinor: 10_000 } },
    rewards: { points: { basis: 'total', stepAmountMinor: 1_000, perStep: 1 } },
  }) as { rules: unknown; rewards: unknown }),
} as unknown as CampaignForRules;

const proof = (
  id: string,
  { photo, accepted, total }: { photo: boolean; accepted: boolean; total: number },
) =>
  ({
    id,
    memberId: `mbr_${id}`,
    createdAt: new Date('2026-03-01T02:00:00Z'),
    accepted,
    photo,
    rewards: accepted ? { points: total / 1_000, entries: 0 } : { points: 0, entries: 0 },
    refusedBy: accepted ? null : { rule: 'min_amount', reasonKey: 'rules.min_amount.below_minimum' },
    invoice: {
      invoiceNumber: null,
      invoiceDate: '2026-03-01',
      currency: 'TWD',
      totalAmountMinor: total,
      sellerBan: null,
      sellerName: 'Tea shop',
      sellerAddress: null,
      buyerBan: null,
      voided: false,
      items: [],
    },
  }) as unknown as DecidedSubmission;

describe('what-if replay: photos the draft would refuse', () => {
  test('when a photo proof fails the draft rules, then it counts as needing review, not refused; an e-invoice is refused', () => {
    const replay = createReplayAccumulator({ campaign });
    // Accepted at NT$80 under the old rules; the draft asks NT$100.
    replay.add(proof('photo_ok_then', { photo: true, accepted: true, total: 8_000 }));
    replay.add(proof('einvoice_ok_then', { photo: false, accepted: true, total: 8_000 }));
    // Refused then, still short: a person would look at the photo again; the e-invoice stays refused.
    replay.add(proof('photo_refused', { photo: true, accepted: false, total: 5_000 }));
    replay.add(proof('einvoice_refused', { photo: false, accepted: false, total: 5_000 }));
    // Passing the draft: accepted either way.
    replay.add(proof('photo_big', { photo: true, accepted: true, total: 20_000 }));

    const result = replay.result();

    expect(result.after).toEqual({ accepted: 1, rejected: 2, needsReview: 2 });
    expect(result.changed).toEqual({ gained: 0, lost: 1, review: 1 });
    expect(result.buckets.map((bucket) => [bucket.direction, bucket.rule, bucket.count])).toEqual([
      ['lost', 'minAmount', 1],
      ['review', 'minAmount', 1],
    ]);
    expect(result.buckets.find((bucket) => bucket.direction === 'review')?.examples[0]?.submissionId).toBe(
      'photo_ok_then',
    );
  });
});
