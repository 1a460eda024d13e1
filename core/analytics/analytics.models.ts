/** One pair of the basket analysis (see `analyzeBaskets` for the definitions). */
export type BasketPair = {
  a: string;
  b: string;
  count: number;
  support: number;
  confidence: number;
  lift: number;
};

export type BasketsAnswer = {
  /** Baskets (accepted proofs with line items) the filter selects. */
  baskets: number;
  pairs: BasketPair[];
  summary: {
    averageAmountMinor: number;
    averageItems: number;
    /** Baskets holding at least one of the brand's own (mapped) products. */
    withOwnProducts: number;
    /** Own products' amount ÷ the invoice totals of the baskets that hold them. */
    shareOfBasket: number;
  };
};

export type RankingRow = { proofs: number; members: number; amountMinor: number };

export type HeatmapAnswer = {
  /** 7 × 24 purchases (accepted proofs with a time): `cells[weekday][hour]`, 0 = Sunday. */
  cells: number[][];
  byDay: { day: string; proofs: number }[];
  events: { day: string; kind: string; campaignId: string }[];
};

export type FunnelAnswer = {
  steps: {
    received: number;
    read: number;
    verified: number;
    accepted: number;
    rejected: number;
    rewarded: number;
    acceptedMembers: number;
    redeemedMembers: number;
  };
  rejectedByReason: { reason: string; count: number }[];
  byDay: { day: string; received: number; accepted: number; rejected: number }[];
};

/** support = count ÷ baskets; confidence = count ÷ baskets with A; lift = confidence ÷ (with B ÷ baskets). */
export function basketPairMetrics({
  a,
  b,
  count,
  withA,
  withB,
  baskets,
}: {
  a: string;
  b: string;
  count: number;
  withA: number;
  withB: number;
  baskets: number;
}): BasketPair {
  const support = baskets ? count / baskets : 0;
  const confidence = withA ? count / withA : 0;
  const supportB = baskets ? withB / baskets : 0;
  return { a, b, count, support, confidence, lift: supportB ? confidence / supportB : 0 };
}

export function fillHeatmap(cells: { weekday: number; hour: number; proofs: number }[]): number[][] {
  const grid = Array.from({ length: 7 }, () => Array.from({ length: 24 }, () => 0));
  for (const cell of cells)
    if (grid[cell.weekday] && cell.hour >= 0 && cell.hour < 24) grid[cell.weekday]![cell.hour] = cell.proofs;
  return grid;
}
