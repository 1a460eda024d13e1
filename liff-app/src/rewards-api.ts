import { api, type LocalizedText } from './api.js';

/**
 * The rewards capability's member API (bot/rewards), mounted under /api/liff/rewards behind LIFF auth.
 * This module is the one place the page code meets its shapes.
 */
export type CatalogReward = {
  id: string;
  kind: 'item' | 'coupon';
  name: LocalizedText;
  description: LocalizedText | null;
  /** The picture the brand uploaded in the console (`/reward-images/…`) or an https address; null: none. */
  imageUrl: string | null;
  pointsPrice: number;
  stockLeft: number;
};
export type MyRedemption = {
  id: string;
  rewardName: LocalizedText;
  state: string;
  points: number;
  couponCode: string | null;
  createdAt: string;
};
export type ScratchCard = {
  id: string;
  state: 'ready' | 'played' | 'revealed' | 'voided';
  won: boolean;
  prize: { id: string; name: LocalizedText } | null;
};

export type DrawWin = {
  id: string;
  drawName: LocalizedText;
  prizeName: LocalizedText;
  status: string;
  /** `needed`: the prize is above NT$1,000 and the tax return needs the winner's details. */
  paperwork: 'not_needed' | 'needed' | 'received';
};
export type TaxDetails = { name: string; idNumber: string; address: string; resident: boolean };

export const rewardsApi = {
  drawWins: () => api<{ wins: DrawWin[] }>('/api/liff/rewards/draw-wins').then((r) => r.wins),
  sendTaxDetails: (winId: string, details: TaxDetails) =>
    api<{ paperwork: 'received' }>(`/api/liff/rewards/draw-wins/${encodeURIComponent(winId)}/tax-info`, {
      method: 'PUT',
      body: details,
    }),
  catalog: () => api<{ rewards: CatalogReward[] }>('/api/liff/rewards/catalog').then((r) => r.rewards),
  redeem: (rewardId: string, key: string) =>
    api<{ redemption: { id: string; couponCode: string | null }; balance: number }>(
      '/api/liff/rewards/redemptions',
      {
        method: 'POST',
        headers: { 'idempotency-key': key },
        body: { rewardId },
      },
    ),
  redemptions: () =>
    api<{ redemptions: MyRedemption[] }>('/api/liff/rewards/redemptions').then((r) => r.redemptions),
  scratchCards: () => api<{ plays: ScratchCard[] }>('/api/liff/rewards/instant-plays').then((r) => r.plays),
  /** Plays the card (the server draws the outcome once) and reveals it. */
  scratch: async (card: ScratchCard): Promise<ScratchCard> => {
    if (card.state === 'ready')
      await api(`/api/liff/rewards/instant-plays/${card.id}/play`, { method: 'POST', body: {} });
    return (
      await api<{ play: ScratchCard }>(`/api/liff/rewards/instant-plays/${card.id}/reveal`, {
        method: 'POST',
        body: {},
      })
    ).play;
  },
};
