import express, { type Request, type Response, type Router } from 'express';
import type { SimChannel } from './line-simulator.state.js';

/**
 * Audiences for uploading user IDs, as the Messaging API reference defines them ("Create audience for
 * uploading user IDs", by JSON and by file; "Add user IDs…"; "Get audience data"; "Delete audience"),
 * and what a narrowcast's `recipient` makes of them: `{ type: 'audience', audienceGroupId }`, combined
 * with `{ type: 'operator', and | or | not }`. Creating and adding answer 202 and the audience is READY
 * at once (LINE takes a while; the simulator has nothing to wait for). A narrowcast reaches the
 * channel's friends among the audience's user IDs; its 50-recipient minimum and quota reservation are
 * the narrowcast's (line-simulator.narrowcast.ts).
 */

/** LINE: at most 10,000 IDs per JSON request, 1,500,000 per file; a description of at most 120 characters. */
export const AUDIENCE_JSON_MAX = 10_000;
export const AUDIENCE_FILE_MAX = 1_500_000;
const DESCRIPTION_MAX = 120;

export type SimAudienceJob = {
  audienceGroupJobId: number;
  audienceGroupId: number;
  description: string | undefined;
  type: 'DIFF_ADD';
  jobStatus: 'FINISHED';
  audienceCount: number;
  created: number;
};

export type SimAudience = {
  audienceGroupId: number;
  channelId: string;
  description: string;
  isIfaAudience: boolean;
  created: number;
  userIds: Set<string>;
  jobs: SimAudienceJob[];
};

export type SimAudienceState = {
  audiences: Map<number, SimAudience>;
  /** The next audience and job ids (LINE's are large numbers; any unique number does). */
  nextAudienceId: number;
};

type Problem = { message: string; property?: string };

type RecipientObject = {
  type?: unknown;
  audienceGroupId?: unknown;
  and?: unknown;
  or?: unknown;
  not?: unknown;
};

/** Why a narrowcast `recipient` is not one this channel can use, or undefined when it is. */
export function recipientProblem(
  audiences: SimAudienceState,
  channelId: string,
  recipient: unknown,
  path = 'recipient',
): string | undefined {
  if (typeof recipient !== 'object' || recipient === null) return `${path} must be an object`;
  const r = recipient as RecipientObject;
  switch (r.type) {
    case 'audience': {
      const audience = audiences.audiences.get(Number(r.audienceGroupId));
      if (typeof r.audienceGroupId !== 'number' || !audience || audience.channelId !== channelId)
        return `${path}.audienceGroupId: audience group not found`;
      return undefined;
    }
    case 'operator': {
      const parts = [r.and, r.or, r.not].filter((part) => part !== undefined);
      if (parts.length !== 1) return `${path} must have exactly one of and, or, not`;
      if (r.not !== undefined) return recipientProblem(audiences, channelId, r.not, `${path}.not`);
      const list = (r.and ?? r.or) as unknown;
      if (!Array.isArray(list) || list.length === 0) return `${path} must list at least one recipient`;
      for (const [index, part] of list.entries()) {
        const problem = recipientProblem(audiences, channelId, part, `${path}[${index}]`);
        if (problem) return problem;
      }
      return undefined;
    }
    case 'redelivery':
      return `${path}.type redelivery is not simulated`;
    default:
      return `${path}.type is invalid`;
  }
}

/** Whether a user is in a (valid) `recipient`. */
export function inRecipient(audiences: SimAudienceState, recipient: unknown, userId: string): boolean {
  const r = recipient as RecipientObject;
  if (r.type === 'audience')
    return audiences.audiences.get(Number(r.audienceGroupId))?.userIds.has(userId) ?? false;
  if (r.not !== undefined) return !inRecipient(audiences, r.not, userId);
  if (Array.isArray(r.and)) return r.and.every((part) => inRecipient(audiences, part, userId));
  return Array.isArray(r.or) && r.or.some((part) => inRecipient(audiences, part, userId));
}

/** The user IDs of a JSON `audiences` list, or the problem with it. */
function idsOf(audiences: unknown, max: number): { ids: string[] } | { problem: Problem } {
  if (audiences === undefined) return { ids: [] };
  if (!Array.isArray(audiences)) return { problem: { message: 'must be an array', property: 'audiences' } };
  if (audiences.length > max)
    return { problem: { message: `Size must be between 0 and ${max}`, property: 'audiences' } };
  const ids: string[] = [];
  for (const [index, item] of audiences.entries()) {
    const id = (item as { id?: unknown } | null)?.id;
    if (typeof id !== 'string' || id === '')
      return { problem: { message: 'must be specified', property: `audiences[${index}].id` } };
    ids.push(id);
  }
  return { ids };
}

/** The text fields and the file of a multipart/form-data body (enough for LINE's upload forms). */
function readMultipart(req: Request): Map<string, string> | undefined {
  const boundary = /boundary=(?:"([^"]+)"|([^;]+))/i.exec(req.get('content-type') ?? '');
  const body = req.body as unknown;
  if (!boundary || !Buffer.isBuffer(body)) return undefined;
  const fields = new Map<string, string>();
  for (const part of body.toString('utf8').split(`--${boundary[1] ?? boundary[2]}`)) {
    const split = part.indexOf('\r\n\r\n');
    if (split < 0) continue;
    const name = /name="([^"]*)"/i.exec(part.slice(0, split))?.[1];
    if (name) fields.set(name, part.slice(split + 4).replace(/\r\n$/, ''));
  }
  return fields;
}

export type AudienceRouteHelpers = {
  state: SimAudienceState;
  now: () => number;
  authenticate: (req: Request, res: Response) => SimChannel | undefined;
};

/** The audience endpoints (api.line.me for JSON, api-data.line.me for files: one simulator serves both). */
export function addAudienceRoutes(api: Router, { state, now, authenticate }: AudienceRouteHelpers) {
  const bad = (res: Response, problems: Problem[]) =>
    res.status(400).json({ message: `The request body has ${problems.length} error(s)`, details: problems });

  const create = (
    res: Response,
    channel: SimChannel,
    input: { description: unknown; isIfaAudience: unknown; uploadDescription: unknown; ids: string[] },
  ) => {
    const problems: Problem[] = [];
    if (typeof input.description !== 'string' || input.description.trim() === '')
      problems.push({ message: 'must be specified', property: 'description' });
    else if ([...input.description].length > DESCRIPTION_MAX)
      problems.push({ message: `Size must be between 1 and ${DESCRIPTION_MAX}`, property: 'description' });
    if (problems.length > 0) return bad(res, problems);
    const audienceGroupId = state.nextAudienceId++;
    const created = Math.floor(now() / 1000);
    const audience: SimAudience = {
      audienceGroupId,
      channelId: channel.lineChannelId,
      description: input.description as string,
      isIfaAudience: input.isIfaAudience === true,
      created,
      userIds: new Set(),
      jobs: [],
    };
    state.audiences.set(audienceGroupId, audience);
    addJob(audience, input.ids, input.uploadDescription);
    res.status(202).json({
      audienceGroupId,
      createRoute: 'MESSAGING_API',
      type: 'UPLOAD',
      description: audience.description,
      created,
      permission: 'READ_WRITE',
      expireTimestamp: created + 180 * 86_400,
      isIfaAudience: audience.isIfaAudience,
    });
  };

  const addJob = (audience: SimAudience, ids: string[], description: unknown) => {
    for (const id of ids) audience.userIds.add(id);
    audience.jobs.push({
      audienceGroupJobId: state.nextAudienceId++,
      audienceGroupId: audience.audienceGroupId,
      description: typeof description === 'string' ? description : undefined,
      type: 'DIFF_ADD',
      jobStatus: 'FINISHED',
      audienceCount: new Set(ids).size,
      created: Math.floor(now() / 1000),
    });
  };

  const add = (res: Response, channel: SimChannel, groupId: unknown, ids: string[], description: unknown) => {
    const audience = state.audiences.get(Number(groupId));
    if (groupId === undefined || groupId === '')
      return bad(res, [{ message: 'must be specified', property: 'audienceGroupId' }]);
    if (!audience || audience.channelId !== channel.lineChannelId)
      return res.status(400).json({ message: 'audience group not found' });
    addJob(audience, ids, description);
    res.status(202).json({});
  };

  api.post('/v2/bot/audienceGroup/upload', (req, res) => {
    const channel = authenticate(req, res);
    if (!channel) return;
    const body = (req.body ?? {}) as Record<string, unknown>;
    const read = idsOf(body.audiences, AUDIENCE_JSON_MAX);
    if ('problem' in read) return bad(res, [read.problem]);
    create(res, channel, { ...body, ids: read.ids } as Parameters<typeof create>[2]);
  });

  api.put('/v2/bot/audienceGroup/upload', (req, res) => {
    const channel = authenticate(req, res);
    if (!channel) return;
    const body = (req.body ?? {}) as Record<string, unknown>;
    const read = idsOf(body.audiences, AUDIENCE_JSON_MAX);
    if ('problem' in read) return bad(res, [read.problem]);
    if (read.ids.length === 0) return bad(res, [{ message: 'must be specified', property: 'audiences' }]);
    add(res, channel, body.audienceGroupId, read.ids, body.uploadDescription);
  });

  // By file: a text file with one user ID per line (multipart/form-data, field `file`).
  const multipart = express.raw({ type: 'multipart/form-data', limit: '64mb' });
  const fileIds = (fields: Map<string, string>): { ids: string[] } | { problem: Problem } => {
    const file = fields.get('file');
    if (file === undefined) return { problem: { message: 'must be specified', property: 'file' } };
    const ids = file
      .split(/\r?\n/)
      .map((line) => line.trim())
      .filter(Boolean);
    if (ids.length === 0 || ids.length > AUDIENCE_FILE_MAX)
      return { problem: { message: `Size must be between 1 and ${AUDIENCE_FILE_MAX}`, property: 'file' } };
    return { ids };
  };
  /** A by-file request: authenticated, its form read and its file's ids, then `then`. */
  const byFile =
    (then: (res: Response, channel: SimChannel, fields: Map<string, string>, ids: string[]) => void) =>
    (req: Request, res: Response) => {
      const channel = authenticate(req, res);
      if (!channel) return;
      const fields = readMultipart(req);
      if (!fields) return bad(res, [{ message: 'must be multipart/form-data' }]);
      const read = fileIds(fields);
      if ('problem' in read) return bad(res, [read.problem]);
      then(res, channel, fields, read.ids);
    };
  api.post(
    '/v2/bot/audienceGroup/upload/byFile',
    multipart,
    byFile((res, channel, fields, ids) =>
      create(res, channel, {
        description: fields.get('description'),
        isIfaAudience: fields.get('isIfaAudience') === 'true',
        uploadDescription: fields.get('uploadDescription'),
        ids,
      }),
    ),
  );
  api.put(
    '/v2/bot/audienceGroup/upload/byFile',
    multipart,
    byFile((res, channel, fields, ids) =>
      add(res, channel, fields.get('audienceGroupId'), ids, fields.get('uploadDescription')),
    ),
  );

  const found = (req: Request, res: Response, channel: SimChannel) => {
    const audience = state.audiences.get(Number(req.params.audienceGroupId));
    if (!audience || audience.channelId !== channel.lineChannelId) {
      res.status(404).json({ message: 'audience group not found' });
      return undefined;
    }
    return audience;
  };

  api.get('/v2/bot/audienceGroup/:audienceGroupId', (req, res) => {
    const channel = authenticate(req, res);
    if (!channel) return;
    const audience = found(req, res, channel);
    if (!audience) return;
    res.json({
      audienceGroup: {
        audienceGroupId: audience.audienceGroupId,
        type: 'UPLOAD',
        description: audience.description,
        status: 'READY',
        failedType: null,
        audienceCount: audience.userIds.size,
        created: audience.created,
        permission: 'READ_WRITE',
        createRoute: 'MESSAGING_API',
        isIfaAudience: audience.isIfaAudience,
      },
      jobs: [...audience.jobs].reverse(),
    });
  });

  api.delete('/v2/bot/audienceGroup/:audienceGroupId', (req, res) => {
    const channel = authenticate(req, res);
    if (!channel) return;
    const audience = found(req, res, channel);
    if (!audience) return;
    state.audiences.delete(audience.audienceGroupId);
    res.json({});
  });
}
