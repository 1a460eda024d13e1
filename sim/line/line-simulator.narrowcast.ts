import type { Request, Response, Router } from 'express';
import { inRecipient, recipientProblem } from './line-simulator.audience.js';
import type { SimChannel, SimSendRequest, SimulatorState } from './line-simulator.state.js';

/**
 * Narrowcast as LINE does it (Messaging API reference, "Send narrowcast message" and "Get narrowcast
 * message status"): 202 with a request id, then the progress moves from `waiting` to `succeeded` or
 * `failed`. The simulator targets the channel's friends whose simulated demographics match
 * `filter.demographic` (a friend without the attribute a filter tests is not targeted, as LINE only
 * targets users it has estimated it for) and are in `recipient` (uploaded audiences, combined with
 * and/or/not: line-simulator.audience.ts) when one is given, reserves the whole target reach from the month's quota when
 * it accepts, fails with error code 2 below NARROWCAST_MIN_RECIPIENTS, and fails on demand
 * (`POST /__sim/narrowcast-failures`).
 */

/** LINE sends a narrowcast only to a target reach of at least 50. */
export const NARROWCAST_MIN_RECIPIENTS = 50;

/** What LINE estimates about a friend, for demographic filters. `friendDays`: days since they added the account. */
export type SimDemographics = {
  gender?: 'male' | 'female';
  age?: number;
  /** LINE's area code (`tw_01` Taipei City, `th_01` Bangkok…). */
  area?: string;
  appType?: 'ios' | 'android';
  friendDays?: number;
};

export type SimNarrowcast = {
  channelId: string;
  at: number;
  recipients: string[];
  messages: Record<string, unknown>[];
  retryKey: string | undefined;
  polls: number;
  failure: { errorCode: number; failedDescription: string } | undefined;
  completedAt: number | undefined;
};

export type SimNarrowcastFailure = { remaining: number; errorCode: number; failedDescription: string };

type DemographicFilter = { type?: unknown; [key: string]: unknown };

const AGE_RE = /^age_(\d+)$/;
const DAY_RE = /^day_(\d+)$/;
/** The values LINE defines (Messaging API reference, demographic filter objects). */
const AGES = [
  'age_15',
  'age_20',
  'age_25',
  'age_30',
  'age_35',
  'age_40',
  'age_45',
  'age_50',
  'age_55',
  'age_60',
  'age_65',
  'age_70',
];
const PERIODS = ['day_7', 'day_30', 'day_90', 'day_180', 'day_365'];
const ONE_OF: Record<string, RegExp> = {
  gender: /^(male|female)$/,
  appType: /^(ios|android)$/,
  area: /^(jp_(0[1-9]|[1-3]\d|4[0-7])|tw_(0[1-9]|1\d|2[0-2])|th_0[1-8]|id_(0[1-9]|1[0-2]))$/,
};

/** Why a `filter.demographic` is not one LINE accepts, or undefined when it is. */
export function demographicFilterProblem(filter: unknown, path = 'filter.demographic'): string | undefined {
  if (typeof filter !== 'object' || filter === null) return `${path} must be an object`;
  const f = filter as DemographicFilter;
  switch (f.type) {
    case 'operator': {
      const parts = [f.and, f.or, f.not].filter((part) => part !== undefined);
      if (parts.length !== 1) return `${path} must have exactly one of and, or, not`;
      if (f.not !== undefined) return demographicFilterProblem(f.not, `${path}.not`);
      const list = (f.and ?? f.or) as unknown;
      if (!Array.isArray(list) || list.length === 0) return `${path} must list at least one filter`;
      for (const [index, part] of list.entries()) {
        const problem = demographicFilterProblem(part, `${path}[${index}]`);
        if (problem) return problem;
      }
      return undefined;
    }
    case 'age':
    case 'subscriptionPeriod': {
      const values = f.type === 'age' ? AGES : PERIODS;
      if (f.gte === undefined && f.lt === undefined) return `${path} needs gte or lt`;
      for (const key of ['gte', 'lt'] as const)
        if (f[key] !== undefined && !values.includes(f[key] as string)) return `${path}.${key} is invalid`;
      return undefined;
    }
    case 'gender':
    case 'area':
    case 'appType':
      return Array.isArray(f.oneOf) &&
        f.oneOf.length > 0 &&
        f.oneOf.every((v) => typeof v === 'string' && ONE_OF[f.type as string]!.test(v))
        ? undefined
        : `${path}.oneOf must list values LINE defines`;
    default:
      return `${path}.type is invalid`;
  }
}

/** Whether a friend with these demographics is in the filter's target. */
export function matchesDemographic(filter: unknown, user: SimDemographics | undefined): boolean {
  const f = filter as DemographicFilter;
  const within = (value: number | undefined, re: RegExp) => {
    if (value === undefined) return false;
    const bound = (key: 'gte' | 'lt') =>
      typeof f[key] === 'string' ? Number(re.exec(f[key] as string)?.[1]) : undefined;
    const gte = bound('gte');
    const lt = bound('lt');
    return (gte === undefined || value >= gte) && (lt === undefined || value < lt);
  };
  switch (f.type) {
    case 'operator':
      if (f.not !== undefined) return !matchesDemographic(f.not, user);
      if (Array.isArray(f.and)) return f.and.every((part) => matchesDemographic(part, user));
      return Array.isArray(f.or) && f.or.some((part) => matchesDemographic(part, user));
    case 'age':
      return within(user?.age, AGE_RE);
    case 'subscriptionPeriod':
      return within(user?.friendDays, DAY_RE);
    case 'gender':
      return (f.oneOf as string[]).includes(user?.gender ?? '');
    case 'area':
      return (f.oneOf as string[]).includes(user?.area ?? '');
    case 'appType':
      return (f.oneOf as string[]).includes(user?.appType ?? '');
    default:
      return false;
  }
}

export type NarrowcastRouteHelpers = {
  state: SimulatorState;
  now: () => number;
  authenticate: (req: Request, res: Response) => SimChannel | undefined;
  validateMessages: (messages: unknown) => { message: string; property?: string }[];
  acceptRetryKey: (
    req: Request,
    res: Response,
    channel: SimChannel,
  ) => { ok: boolean; requestId: string; retryKey?: string };
  rememberRetryKey: (channel: SimChannel, retryKey: string | undefined, requestId: string) => void;
  withinLimits: (res: Response, channel: SimChannel, recipients: number) => boolean;
  logSend: (req: Request, channel: SimChannel, via: SimSendRequest['via'], status: number) => void;
  answerAccepted: (
    req: Request,
    res: Response,
    channel: SimChannel,
    via: SimSendRequest['via'],
    body: unknown,
    acceptedStatus?: number,
  ) => void;
  deliver: (
    channel: SimChannel,
    userId: string,
    messages: Record<string, unknown>[],
    retryKey: string | undefined,
    requestId: string,
  ) => void;
};

/** `POST /v2/bot/message/narrowcast` and `GET /v2/bot/message/progress/narrowcast`. */
export function addNarrowcastRoutes(api: Router, helpers: NarrowcastRouteHelpers) {
  const { state, now, authenticate } = helpers;

  api.post('/v2/bot/message/narrowcast', (req, res) => {
    const channel = authenticate(req, res);
    if (!channel) return;
    const { messages, recipient, filter } = req.body as {
      messages?: unknown;
      recipient?: unknown;
      filter?: { demographic?: unknown };
    };
    const problems = helpers.validateMessages(messages);
    const filterProblem =
      filter?.demographic === undefined ? undefined : demographicFilterProblem(filter.demographic);
    if (filterProblem) problems.push({ message: filterProblem, property: 'filter.demographic' });
    const recipientIssue =
      recipient === undefined ? undefined : recipientProblem(state, channel.lineChannelId, recipient);
    if (recipientIssue) problems.push({ message: recipientIssue, property: 'recipient' });
    if (problems.length > 0) {
      helpers.logSend(req, channel, 'narrowcast', 400);
      res
        .status(400)
        .json({ message: `The request body has ${problems.length} error(s)`, details: problems });
      return;
    }
    const recipients = [...state.friends]
      .map((key) => key.split(':') as [string, string])
      .filter(([channelId]) => channelId === channel.lineChannelId)
      .map(([, userId]) => userId)
      .filter((userId) => recipient === undefined || inRecipient(state, recipient, userId))
      .filter(
        (userId) =>
          filter?.demographic === undefined ||
          matchesDemographic(filter.demographic, state.users.get(userId)?.demographics),
      )
      .sort();
    // LINE reserves the whole target reach from the month's quota when it accepts a narrowcast.
    if (!helpers.withinLimits(res, channel, recipients.length)) {
      helpers.logSend(req, channel, 'narrowcast', 429);
      return;
    }
    const retry = helpers.acceptRetryKey(req, res, channel);
    if (!retry.ok) {
      helpers.logSend(req, channel, 'narrowcast', res.statusCode);
      return;
    }
    helpers.rememberRetryKey(channel, retry.retryKey, retry.requestId);
    const onDemand = state.narrowcastFailures.find((failure) => failure.remaining > 0);
    if (onDemand) onDemand.remaining -= 1;
    const failure = onDemand
      ? { errorCode: onDemand.errorCode, failedDescription: onDemand.failedDescription }
      : recipients.length < NARROWCAST_MIN_RECIPIENTS
        ? { errorCode: 2, failedDescription: 'Not enough recipients' }
        : undefined;
    state.narrowcasts.set(retry.requestId, {
      channelId: channel.lineChannelId,
      at: now(),
      recipients,
      messages: messages as Record<string, unknown>[],
      retryKey: retry.retryKey,
      polls: 0,
      failure,
      completedAt: undefined,
    });
    res.setHeader('x-line-request-id', retry.requestId);
    helpers.answerAccepted(req, res, channel, 'narrowcast', {}, 202);
  });

  /** The first look finds it `waiting`; the next finds it done: delivered (`succeeded`) or `failed`. */
  api.get('/v2/bot/message/progress/narrowcast', (req, res) => {
    const channel = authenticate(req, res);
    if (!channel) return;
    const requestId = String(req.query.requestId ?? '');
    const found = state.narrowcasts.get(requestId);
    if (!found || found.channelId !== channel.lineChannelId) {
      res.status(404).json({ message: 'Not found' });
      return;
    }
    found.polls += 1;
    const acceptedTime = new Date(found.at).toISOString();
    if (found.polls === 1 && found.completedAt === undefined) {
      res.json({ phase: 'waiting', acceptedTime });
      return;
    }
    if (found.completedAt === undefined) {
      found.completedAt = now();
      if (!found.failure)
        for (const userId of found.recipients)
          helpers.deliver(channel, userId, found.messages, found.retryKey, requestId);
    }
    const completedTime = new Date(found.completedAt).toISOString();
    const targetCount = found.recipients.length;
    res.json(
      found.failure
        ? { phase: 'failed', ...found.failure, targetCount, acceptedTime, completedTime }
        : {
            phase: 'succeeded',
            successCount: targetCount,
            failureCount: 0,
            targetCount,
            acceptedTime,
            completedTime,
          },
    );
  });
}
