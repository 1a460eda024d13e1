import { api } from '../../api';
import type { Localized } from '../../ui/localized';

export type MemberRow = {
  id: string;
  displayName: string | null;
  name: string | null;
  phone: string | null;
  memberNo: string | null;
  locale: string;
  following: boolean;
  registeredAt: string | null;
  lastActiveAt: string | null;
  erased: boolean;
  matched: 'name' | 'phone' | 'displayName' | 'memberNo' | 'invoice' | 'id' | null;
};

export type ConsentRow = {
  id: string;
  kind: 'data_processing' | 'marketing';
  granted: boolean;
  textVersion: string;
  locale: string;
  source: 'liff' | 'chat' | 'console' | 'erasure';
  recordedAt: string;
};

export type SurveyQuestion = {
  key: string;
  type: string;
  label: Localized;
  options?: { key: string; label: Localized }[];
};

/** GET /api/console/members/:id (core/members/members.console.ts `getMemberForConsole`). */
export type MemberPage = {
  member: {
    id: string;
    displayName: string | null;
    pictureUrl: string | null;
    name: string | null;
    phone: string | null;
    email: string | null;
    gender: string | null;
    birthday: string | null;
    region: string | null;
    memberNo: string | null;
    locale: string;
    following: boolean;
    followedAt: string | null;
    registeredAt: string | null;
    linkedAt: string | null;
    lastActiveAt: string | null;
    createdAt: string;
    erasedAt: string | null;
  };
  consents: {
    current: Partial<
      Record<ConsentRow['kind'], { granted: boolean; textVersion: string; recordedAt: string }>
    >;
    history: ConsentRow[];
  };
  points: {
    balance: number;
    ledger: {
      id: string;
      kind: string;
      points: number;
      reason: string | null;
      actor: string | null;
      expiresAt: string | null;
      createdAt: string;
    }[];
  };
  proofs: {
    id: string;
    campaignName: Localized | null;
    kind: string;
    channel: string;
    state: string;
    reasonCode: string | null;
    reviewedBy: string | null;
    createdAt: string;
    decidedAt: string | null;
    receiptImageId: string | null;
    imageUrl: string | null;
    invoiceNumber: string | null;
    invoiceDate: string | null;
    totalMinor: number | null;
    currency: string | null;
    sellerName: string | null;
  }[];
  redemptions: {
    id: string;
    rewardName: Localized;
    points: number;
    state: string;
    couponCode: string | null;
    createdAt: string;
  }[];
  prizes: {
    id: string;
    source: 'draw' | 'instant';
    name: Localized;
    drawName: Localized | null;
    valueMinor: number | null;
    /** A prize above NT$1,000: whether the winner gave the tax details in LIFF. */
    paperwork: 'not_needed' | 'needed' | 'received';
    status: string;
    notifiedAt: string | null;
    at: string;
  }[];
  surveyAnswers: {
    id: string;
    surveyTitle: Localized;
    questions: SurveyQuestion[];
    answers: Record<string, string | string[] | number>;
    createdAt: string;
  }[];
};

const path = (id: string) => `/members/${encodeURIComponent(id)}`;

export const membersApi = {
  search: (q: string) => api.get<{ members: MemberRow[] }>('/members', { query: { q, limit: 50 } }),
  get: (id: string) => api.get<MemberPage>(path(id)),
  export: (id: string) => api.get<unknown>(`${path(id)}/export`),
  erase: (id: string) => api.post<{ sweptRows: number }>(`${path(id)}/erase`, { confirm: true }),
};
