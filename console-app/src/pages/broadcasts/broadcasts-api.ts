import type { CostEstimate } from '../../../../core/broadcasts/broadcasts.plans';
import { api } from '../../api';

/** The shapes of /api/console/segments and /api/console/broadcasts as this page uses them. */

export type Locale = 'zh-TW' | 'th' | 'en';
export const MESSAGE_LOCALES: Locale[] = ['zh-TW', 'th', 'en'];

/** A segment condition as the server's zod schema takes it (core/segments/segments.schemas.ts). */
export type Condition = { type: string; [field: string]: unknown };

export type SampleMember = {
  id: string;
  displayName: string | null;
  locale: string;
  region: string | null;
  registeredAt: string | null;
};

export type Preview = { count: number; excluded: number; sample?: SampleMember[] };

export type SavedSegment = { id: string; name: string; condition: Condition; createdAt: string };

export type SegmentOptions = {
  country: 'TW' | 'TH';
  regions: { code: string; names: Record<Locale, string> }[];
  tags: string[];
};

export type LineMessage = Record<string, unknown>;

/** LINE's `filter.demographic` (core/broadcasts/broadcasts.narrowcast.models.ts). */
export type DemographicFilter = { type: string; [field: string]: unknown };

export type BroadcastBody = {
  segmentId?: string;
  condition?: Condition;
  /** LINE's demographic filter instead of a segment: a narrowcast. */
  demographic?: DemographicFilter;
  messages: LineMessage[];
  languages?: Partial<Record<Locale, LineMessage[]>>;
  variants?: { messages: LineMessage[]; languages?: Partial<Record<Locale, LineMessage[]>> }[];
  holdoutPercent: number;
  sendAt?: string;
  ignoreQuietHours: boolean;
  /** If quiet hours begin during the send; left out: the brand's setting. */
  quietHoursMidSend?: MidSend;
};

/** What the chunks not yet sent do if quiet hours begin during a send. */
export type MidSend = 'wait' | 'skip';

/** What a new broadcast starts from: the brand's quiet hours, their mid-send setting and the cap. */
export type BroadcastDefaults = {
  quietHours: { start: string; end: string };
  quietHoursMidSend: MidSend;
  frequencyCap: { messages: number; days: number };
};

/**
 * The cost on the brand's LINE plan (Settings → Broadcasts), as `POST /api/console/broadcasts` answers it:
 * core's estimate with the members reached; a narrowcast's counts the friends we know (`basis`), LINE
 * telling its reach only after accepting.
 */
export type Estimate = CostEstimate & { reachable: number; basis?: 'known_friends' };

export type Quota = { limit: number | null; used: number | null; left: number | null; known: boolean };

export type BroadcastState = 'draft' | 'scheduled' | 'sending' | 'sent' | 'failed' | 'cancelled';

export type BroadcastListItem = {
  id: string;
  method: 'multicast' | 'narrowcast';
  state: BroadcastState;
  segmentId: string | null;
  excerpt: string;
  variants: number;
  holdoutPercent: number;
  recipients: number;
  sent: number;
  failed: number;
  pending: number;
  cancelled: number;
  skipped: number;
  waitReason: string | null;
  scheduledAt: string | null;
  createdAt: string;
  startedAt: string | null;
  finishedAt: string | null;
};

export type ChunkReport = {
  no: number;
  size: number;
  state: string;
  attempts: number;
  lastError: string | null;
};

export type GroupResult = {
  group: string;
  members: number;
  clickers: number;
  purchasers: number;
  proofs: number;
};

export type BroadcastResults = {
  days: number;
  links: { no: number; url: string; clickers: number }[];
  groups: GroupResult[];
};

/** LINE's progress of a narrowcast, as the worker last polled it. */
export type NarrowcastReport = {
  demographic: DemographicFilter | null;
  requestId: string | null;
  phase: 'waiting' | 'sending' | 'succeeded' | 'failed' | null;
  targetCount: number | null;
  successCount: number | null;
  failureCount: number | null;
  error: string | null;
};

export type BroadcastReport = {
  id: string;
  method: 'multicast' | 'narrowcast';
  narrowcast?: NarrowcastReport;
  state: BroadcastState;
  waitReason: string | null;
  scheduledAt: string | null;
  /** Sent even during quiet hours (the sender's override, audited). */
  ignoreQuietHours: boolean;
  quietHoursMidSend: MidSend;
  recipients: number;
  sent: number;
  failed: number;
  cancelled: number;
  pending: number;
  /** Recipients whose chunk waits for the end of quiet hours (they began mid-send). */
  waitingQuietHours: number;
  skipped: Record<string, number>;
  holdout: number;
  groups: Record<string, number>;
  chunks: ChunkReport[];
  results?: BroadcastResults;
  createdAt: string;
  startedAt: string | null;
  finishedAt: string | null;
};

/** The console user's own LINE account for test sends (GET /api/console/me/line). */
export type LineLink = { lineUserId: string | null; verified: boolean; codePending: boolean };

export type TestSendBody = {
  messages: LineMessage[];
  languages?: Partial<Record<Locale, LineMessage[]>>;
  locale: Locale;
};

export const ACTIVE_STATES: BroadcastState[] = ['scheduled', 'sending'];

export const broadcastsApi = {
  options: () => api.get<SegmentOptions>('/segments/options'),
  segments: () => api.get<{ segments: SavedSegment[] }>('/segments').then((answer) => answer.segments),
  preview: (condition: Condition, signal?: AbortSignal) =>
    api.post<Preview>('/segments/preview', { condition }, { signal }),
  saveSegment: (name: string, condition: Condition) =>
    api.post<{ id: string; count: number }>('/segments', { name, condition }),
  updateSegment: (id: string, change: { name?: string; condition?: Condition }) =>
    api.patch<{ id: string; name: string; count: number }>(`/segments/${id}`, change),
  deleteSegment: (id: string) => api.delete<void>(`/segments/${id}`),
  quota: () => api.get<Quota>('/broadcasts/quota'),
  defaults: () => api.get<BroadcastDefaults>('/broadcasts/defaults'),
  list: () => api.get<{ broadcasts: BroadcastListItem[] }>('/broadcasts').then((answer) => answer.broadcasts),
  create: (body: BroadcastBody) =>
    api.post<{ id: string; estimate: Estimate; quietHoursMidSend: MidSend; warnings?: string[] }>(
      '/broadcasts',
      body,
    ),
  send: (id: string) => api.post<BroadcastReport>(`/broadcasts/${id}/send`),
  cancel: (id: string) => api.post<BroadcastReport>(`/broadcasts/${id}/cancel`),
  report: (id: string) => api.get<BroadcastReport>(`/broadcasts/${id}`),
  lineLink: () => api.get<LineLink>('/me/line'),
  startLineLink: (lineUserId: string, locale: Locale) =>
    api.post<LineLink>('/me/line', { lineUserId, locale }),
  verifyLine: (code: string) => api.post<LineLink>('/me/line/verify', { code }),
  unlinkLine: () => api.delete<LineLink>('/me/line'),
  sendTest: (body: TestSendBody) =>
    api.post<{ lineUserId: string; locale: Locale; sentThisHour: number; limit: number }>(
      '/broadcasts/test',
      body,
    ),
};
