import { useEffect, useState } from 'preact/hooks';
import { api } from '../../api';
import { brandTimeZone } from '../../format';
import { locale } from '../../i18n';

/** What every analysis is asked for: a campaign (id) and an inclusive range of local dates. */
export type Filter = { campaign?: string; from?: string; to?: string };

export type RankingRow = { proofs: number; members: number; amountMinor: number };

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

export type BasketsAnswer = {
  baskets: number;
  pairs: { a: string; b: string; count: number; support: number; confidence: number; lift: number }[];
  summary: {
    averageAmountMinor: number;
    averageItems: number;
    withOwnProducts: number;
    shareOfBasket: number;
  };
};

export type StoreRow = RankingRow & {
  storeKey: string;
  sellerId: string | null;
  branch: string;
  name: string | null;
  regionCode: string | null;
};

export type RegionRow = RankingRow & {
  code: string | null;
  country: 'TW' | 'TH' | null;
  names: Record<string, string> | null;
};

export type HeatmapAnswer = {
  cells: number[][];
  byDay: { day: string; proofs: number }[];
  events: { day: string; kind: string; campaignId: string }[];
};

export type CohortsAnswer = {
  cohorts: { cohort: string; size: number; retained: number[] }[];
  weekly: { week: string; new: number; returning: number }[];
  repeat: { members: number; repeaters: number; rate: number };
  points: {
    cheapestRewardPoints: number | null;
    bands: { from: number; below: number | null; members: number }[];
    closeToReward: number;
  };
};

export type Product = { key: string; name: string; names: string[] };
export type UnmappedName = {
  normalizedName: string;
  itemName: string;
  baskets: number;
  lineItems: number;
  amountMinor: number;
};

/** An analysis' answer for the filter, fetched again whenever the filter (or `extra`) changes. */
export function useAnalysis<T>(path: string, filter: Filter, extra: Record<string, string | number> = {}) {
  const [data, setData] = useState<T | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [loading, setLoading] = useState(true);
  const key = JSON.stringify([path, filter, extra]);
  const [reload, setReload] = useState(0);
  useEffect(() => {
    const abort = new AbortController();
    setLoading(true);
    api
      .get<T>(`/analytics/${path}`, { query: { ...filter, ...extra }, signal: abort.signal })
      .then((answer) => {
        setData(answer);
        setError(null);
        setLoading(false);
      })
      .catch((caught: unknown) => {
        if ((caught as Error).name === 'AbortError') return;
        setError(caught);
        setLoading(false);
      });
    return () => abort.abort();
  }, [key, reload]);
  return { data, error, loading, retry: () => setReload((n) => n + 1) };
}

/** Today's date (yyyy-mm-dd) in the brand's time zone. */
export function brandToday(now = new Date()): string {
  return new Intl.DateTimeFormat('en-CA', { timeZone: brandTimeZone() }).format(now);
}

export function addDays(day: string, days: number): string {
  return new Date(Date.parse(`${day}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10);
}

/** A region's name in the console's language (its code when the server knows no name). */
export function regionName(region: Pick<RegionRow, 'code' | 'names'>, unknown: string): string {
  if (!region.code) return unknown;
  return region.names?.[locale.value] ?? region.names?.en ?? region.code;
}
