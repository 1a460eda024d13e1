import { api, apiUrl, BRAND_HEADER, fetchObjectUrl } from '../../api';
import { currentBrand } from '../../session';

export const FLAG_REASONS = ['low_confidence', 'duplicate_photo', 'velocity', 'rule_doubt'] as const;
export const KINDS = ['receipt', 'paper-invoice', 'unreadable'] as const;
/** In the order the reject picker numbers them (1–8). */
export const REJECT_REASONS = [
  'not_a_receipt',
  'unreadable',
  'duplicate',
  'outside_campaign_period',
  'store_not_eligible',
  'products_not_eligible',
  'suspected_fraud',
  'other',
] as const;
export type RejectReason = (typeof REJECT_REASONS)[number];

/** A draw win held until a reviewer confirms the photo proof behind it. */
export type HeldWin = {
  winnerId: string;
  drawId: string;
  drawName: Record<string, string>;
  rank: number;
  prizeKey: string;
  prizeName: Record<string, string>;
  heldSince: string;
};

export type Lease = { reviewerId: string; reviewerName: string; expiresAt: string; mine: boolean };

export type QueueItem = {
  submissionId: string;
  campaignId: string;
  campaignName: Record<string, string> | null;
  memberId: string;
  submittedAt: string;
  ageMs: number;
  kind: string | null;
  confidence: number | null;
  reasons: string[];
  summary: { storeName?: string; date?: string; totalMinor?: number; currency?: string };
  lease: Lease | null;
  /** A draw winner waits on this (accepted) photo: first in the queue. */
  drawWinnerWaiting: { wins: HeldWin[] } | null;
};

export type QueuePage = {
  items: QueueItem[];
  count: number;
  leasedByOthers: number;
  oldestAgeMs: number | null;
  now: string;
};

export type Fields = {
  storeName?: string;
  taxId?: string;
  invoiceNumber?: string;
  date?: string;
  time?: string;
  totalMinor?: number;
  items?: { name: string; quantity: number; amountMinor: number }[];
};

export type Verdict = { rule: string; passed: boolean; reasonKey: string; params?: Record<string, unknown> };
export type Rewards = { points: number; entries: number; instantWin: boolean };

export type ReviewItem = {
  submission: {
    id: string;
    state: string;
    campaignId: string;
    memberId: string;
    submittedAt: string;
    ageMs: number;
  };
  lease: Lease | null;
  drawWinnerWaiting: { wins: HeldWin[] } | null;
  campaign: {
    id: string;
    slug: string;
    name: Record<string, string>;
    currency: string;
    timezone: string;
  } | null;
  member: {
    id: string;
    displayName: string | null;
    name: string | null;
    locale: string;
    erased: boolean;
  } | null;
  image: {
    id: string;
    url: string | null;
    erased: boolean;
    reasons: string[];
    width: number;
    height: number;
  };
  reading: {
    kind: string;
    currency: string;
    fields: Fields;
    confidence: Record<string, number> & { overall: number };
  } | null;
  rules: { qualifies: boolean; verdicts: Verdict[]; rewards: Rewards | null; missing: string[] } | null;
  recentProofs: {
    id: string;
    state: string;
    reasonCode: string | null;
    submittedAt: string;
    imageUrl: string | null;
  }[];
  duplicates: {
    imageId: string;
    url: string | null;
    match: 'image' | 'content';
    distance: number | null;
    uploadedAt: string;
    submission: { id: string; state: string } | null;
    summary: { storeName?: string; date?: string; totalMinor?: number };
  }[];
};

export type Preview = {
  canApprove: boolean;
  missing: string[];
  qualifies: boolean;
  verdicts: Verdict[];
  rewards: Rewards | null;
};

export type Filters = { campaignId?: string; reason?: string; kind?: string };

const base = '/review';
const item = (id: string) => `${base}/items/${encodeURIComponent(id)}`;

export const reviewApi = {
  queue: (filters: Filters) => api.get<QueuePage>(`${base}/queue`, { query: { ...filters, limit: 200 } }),
  open: (id: string) => api.get<ReviewItem>(item(id)),
  renew: (id: string) => api.post<{ lease: Lease }>(`${item(id)}/lease`, {}),
  release: (id: string) => api.delete<{ released: boolean }>(`${item(id)}/lease`),
  preview: (id: string, fields: Fields) => api.post<Preview>(`${item(id)}/preview`, { fields }),
  approve: (id: string, fields: Fields) =>
    api.post<{ outcome: string; submission: { state: string }; drawWins?: { told: number } }>(
      `${item(id)}/approve`,
      { fields },
    ),
  reject: (id: string, reasonCode: RejectReason, note?: string) =>
    api.post<{ outcome: string }>(`${item(id)}/reject`, { reasonCode, ...(note ? { note } : {}) }),
};

/** Gives the item back while the page goes away (a normal request may be cut off by the unload). */
export function releaseOnUnload(id: string) {
  const brand = currentBrand.value?.slug;
  void fetch(apiUrl(`${item(id)}/lease`), {
    method: 'DELETE',
    keepalive: true,
    credentials: 'same-origin',
    headers: { 'content-type': 'application/json', ...(brand ? { [BRAND_HEADER]: brand } : {}) },
  }).catch(() => undefined);
}

/** A photo's bytes as an object URL (an <img src> could not name the brand). */
export const loadPhoto = fetchObjectUrl;
