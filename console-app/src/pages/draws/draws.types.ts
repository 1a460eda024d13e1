import type { Localized } from '../../ui/localized';

/** The draws API as the console pages read it. */
export type Prize = { key: string; name: Localized; quantity: number; valueMinor?: number };

export type DrawSummary = {
  id: string;
  campaignId: string;
  name: Localized;
  periodFrom: string;
  periodTo: string;
  prizes: Prize[];
  status: 'open' | 'drawn';
  seedHash: string;
  seed: string | null;
  entriesDigest: string | null;
  drawnAt: string | null;
  permitNumber: string | null;
  permitProvince: string | null;
  requireReviewedProofs?: boolean;
  winnerCount?: number;
  toldCount?: number;
  links: { page: string; verify: string; export: string };
};

export type Winner = {
  id: string;
  rank: number;
  prizeKey: string;
  awardedPrizeKey: string | null;
  isReserve: boolean;
  status: 'pending' | 'confirmed' | 'forfeited' | 'paid';
  replacesId: string | null;
  forfeitReason: string | null;
  heldForReviewAt: string | null;
  memberId: string;
  memberName: string | null;
  notifiedAt: string | null;
  message: { state: 'pending' | 'sent' | 'failed'; sentAt: string | null; lastError: string | null } | null;
};
