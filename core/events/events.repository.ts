import { and, desc, eq, inArray, sql, type SQL } from 'drizzle-orm';
import { queryRows, type DatabaseHandle, type Executor } from '../db/database.js';
import { sqlLiteral } from '../db/sql-literal.js';
import type { IdGenerator } from '../shared/ids.js';
import { MEDIA_MESSAGE_TYPES } from './events.models.js';
import { webhookEvents } from './events.table.js';

export type WebhookEvent = typeof webhookEvents.$inferSelect;
export type NewWebhookEvent = Omit<
  typeof webhookEvents.$inferInsert,
  'id' | 'attempts' | 'lockedUntil' | 'processedAt'
>;

/** Messages whose answer reads media first (not for the answer lanes). */
const MEDIA_TYPES = sql.raw(`(${MEDIA_MESSAGE_TYPES.map((type) => `'${type}'`).join(', ')})`);

const INSERT_COLUMNS = `id, brand_id, channel_id, webhook_event_id, event_type, line_user_id, payload, raw_json,
  request_id, is_redelivery, occurred_at, state, next_attempt_at, last_error, received_at`;
/**
 * The inbox's insert: every row of a batch comes in ONE json value (an array of objects keyed by column),
 * so the statement is the same text whatever the batch's size — prepared once on PGlite — and the
 * payload is written into that JSON as an object, not stringified on its own and quoted again.
 */
const INSERT_FROM_JSON = (json: string) => `insert into webhook_events (${INSERT_COLUMNS})
  select ${INSERT_COLUMNS} from json_to_recordset(${json}) as v(id text, brand_id text, channel_id text,
    webhook_event_id text, event_type text, line_user_id text, payload jsonb, raw_json text, request_id text,
    is_redelivery boolean, occurred_at timestamptz, state text, next_attempt_at timestamptz, last_error text,
    received_at timestamptz)
  on conflict (channel_id, webhook_event_id) do nothing
  returning channel_id as "channelId", webhook_event_id as "webhookEventId"`;
/** Each repository's prepared statements have names of their own (several may share a PGlite). */
let preparedNamespaces = 0;

export function createEventsRepository({
  db,
  generateId,
  simpleQuery,
  namedQuery,
  preparedInserts = false,
}: {
  db: Executor;
  generateId: IdGenerator;
  /** `DatabaseHandle.simpleQuery`: when given, `storeOnce` sends its statement that way. */
  simpleQuery?: DatabaseHandle['simpleQuery'];
  /**
   * `DatabaseHandle.namedQuery` (PostgreSQL): when given, `storeOnce` sends its insert as a named
   * statement, prepared once per pooled connection, with the rows' JSON as its one parameter.
   */
  namedQuery?: DatabaseHandle['namedQuery'];
  /**
   * With `simpleQuery` on a database of ONE connection (PGlite): `storeOnce` prepares its insert once
   * (one statement for every batch size) and then only EXECUTEs it, so PostgreSQL parses, analyzes and
   * plans the insert once instead of for every batch. Not for a pool: a prepared statement lives on the
   * connection that prepared it.
   */
  preparedInserts?: boolean;
}) {
  // PGlite's prepared statement has a name of its own per repository; a named statement on PostgreSQL
  // has one name for its one text (node-postgres refuses a name reused for another text).
  const name = namedQuery ? 'webhook_events_insert' : `webhook_events_insert_${++preparedNamespaces}`;
  let prepared = false;
  return {
    /**
     * Stores events once per (channel, webhookEventId), in one statement (so one commit, however many
     * events); returns the keys of those that were new. The same key twice in `events` is stored once.
     *
     * The webhook's hot path, so the rows go as one JSON text (`json_to_recordset`), sent as a literal
     * (`sqlLiteral`): no per-row, per-column parameters for the query builder and the driver to build,
     * type and bind (on PGlite all of that is JavaScript in the serving process), and one JSON.stringify
     * for the batch, payloads included. Measured with `npm run bench -- webhook`. With `simpleQuery` it
     * also skips drizzle and PostgreSQL's extended protocol (on PGlite, four of the statement's six calls
     * into the wasm).
     */
    async storeOnce(events: NewWebhookEvent[]): Promise<{ channelId: string; webhookEventId: string }[]> {
      if (events.length === 0) return [];
      // Dates become ISO strings (timestamptz input); a null or absent value is SQL null.
      const json = JSON.stringify(
        events.map((event) => {
          const receivedAt = event.receivedAt ?? new Date();
          return {
            id: generateId('webhookEvent'),
            brand_id: event.brandId,
            channel_id: event.channelId,
            webhook_event_id: event.webhookEventId,
            event_type: event.eventType,
            line_user_id: event.lineUserId ?? null,
            payload: event.payload,
            raw_json: event.rawJson ?? null,
            request_id: event.requestId ?? null,
            is_redelivery: event.isRedelivery ?? false,
            occurred_at: event.occurredAt,
            state: event.state ?? 'pending',
            next_attempt_at: event.nextAttemptAt ?? receivedAt,
            last_error: event.lastError ?? null,
            received_at: receivedAt,
          };
        }),
      );
      type Key = { channelId: string; webhookEventId: string };
      if (namedQuery) return namedQuery<Key>(name, INSERT_FROM_JSON('$1::json'), [json]);
      if (!simpleQuery) return queryRows<Key>(db, sql.raw(INSERT_FROM_JSON(`${sqlLiteral(json)}::json`)));
      if (!preparedInserts) return simpleQuery<Key>(INSERT_FROM_JSON(`${sqlLiteral(json)}::json`));
      if (!prepared) {
        await simpleQuery(`prepare ${name} (json) as ${INSERT_FROM_JSON('$1')}`);
        prepared = true;
      }
      return simpleQuery<Key>(`execute ${name} (${sqlLiteral(json)})`);
    },

    /**
     * Leases up to `limit` due events: pending ones whose time has come, and `processing` ones whose
     * worker's lease ran out (it crashed). FOR UPDATE SKIP LOCKED lets any number of workers claim side
     * by side without waiting on each other or taking the same row.
     */
    async claimDue({
      now,
      leaseMs,
      limit,
      quickOnly = false,
      mediaLimit,
      onePerMember = false,
    }: {
      now: Date;
      leaseMs: number;
      limit: number;
      /** Only events answered without reading media (not a photo, video, audio or file message). */
      quickOnly?: boolean;
      /**
       * With `onePerMember`: at most this many of the `limit` read media first (the rest are answered
       * without), so one claim fills lanes of both kinds (`createWebhookLanes`). Default: no cap.
       */
      mediaLimit?: number;
      /**
       * A member's event only once their earlier ones are done: none of their events is held by a worker
       * (here or elsewhere) and none earlier is due. So at most one event of a member is claimed at a
       * time, and none waits behind another with its lease ticking.
       */
      onePerMember?: boolean;
    }): Promise<WebhookEvent[]> {
      if (limit <= 0) return [];
      const mediaCap = quickOnly ? 0 : Math.min(limit, Math.max(0, mediaLimit ?? limit));
      const nowIso = now.toISOString();
      const due = (alias: SQL) =>
        sql`((${alias}.state = 'pending' and ${alias}.next_attempt_at <= ${nowIso}::timestamptz)
          or (${alias}.state = 'processing' and ${alias}.locked_until < ${nowIso}::timestamptz))`;
      const lease = {
        state: 'processing' as const,
        attempts: sql`${webhookEvents.attempts} + 1`,
        lockedUntil: new Date(now.getTime() + leaseMs),
      };
      // One statement: the claimed rows come back from the UPDATE itself.
      const rows = onePerMember
        ? await db
            .update(webhookEvents)
            .set(lease)
            .where(
              // Each member's earliest due event (none while another of theirs is held), found by one sort
              // of the due events, not by looking up each due event's earlier ones: in a burst of a few
              // hundred that look-up, per due event and per claim, was most of the claim's cost and grew
              // with the backlog. More candidates than wanted, so rows another claimer is taking at the
              // same moment are skipped (their due condition is checked again on the row as locked), not
              // waited for; any of them may be taken, each is its member's first. Events without a user
              // stand alone.
              sql`${webhookEvents.id} in (
                select w.id from webhook_events w
                 where w.id in (
                   select m.id from (
                   select f.id, f.occurred_at, f.received_at, f.media,
                          row_number() over (partition by f.media order by f.occurred_at, f.received_at) as nth
                     from (
                     select distinct on (d.channel_id, coalesce(d.line_user_id, d.id))
                            d.id, d.occurred_at, d.received_at,
                            (d.event_type = 'message' and d.payload->'message'->>'type' in ${MEDIA_TYPES}) as media
                       from webhook_events d
                      where ${due(sql`d`)}
                        and not exists (
                          select 1 from webhook_events b
                           where b.state = 'processing' and b.locked_until >= ${nowIso}::timestamptz
                             and b.channel_id = d.channel_id and b.line_user_id = d.line_user_id)
                      order by d.channel_id, coalesce(d.line_user_id, d.id), d.occurred_at, d.received_at, d.id) f
                   ) m
                   where not m.media or m.nth <= ${mediaCap}
                   order by m.occurred_at, m.received_at
                   limit ${limit * 4 + 8})
                   and ${due(sql`w`)}
                 order by w.occurred_at, w.received_at
                 limit ${limit}
                 for update skip locked)`,
            )
            .returning()
        : await db
            .update(webhookEvents)
            .set(lease)
            .where(
              sql`${webhookEvents.id} in (
                select w.id from webhook_events w
                where ${due(sql`w`)}
                ${quickOnly ? sql`and not (w.event_type = 'message' and w.payload->'message'->>'type' in ${MEDIA_TYPES})` : sql``}
                order by w.occurred_at, w.received_at
                limit ${limit}
                for update skip locked)`,
            )
            .returning();
      return rows.sort(
        (a, b) =>
          a.occurredAt.getTime() - b.occurredAt.getTime() || a.receivedAt.getTime() - b.receivedAt.getTime(),
      );
    },

    /**
     * Marks claimed events done, in one statement, each only if this worker still holds it (same attempt,
     * still processing); returns the ids it marked. An id left out: its lease lapsed and another worker
     * took the event over.
     */
    async finishMany({
      claims,
      now,
    }: {
      claims: { id: string; attempt: number }[];
      now: Date;
    }): Promise<Set<string>> {
      if (claims.length === 0) return new Set();
      const rows = await queryRows<{ id: string }>(
        db,
        sql`update webhook_events w
               set state = 'done', processed_at = ${now.toISOString()}::timestamptz, locked_until = null,
                   last_error = null
              from (values ${sql.join(
                claims.map(({ id, attempt }) => sql`(${id}, ${attempt}::int)`),
                sql`, `,
              )}) as v(id, attempt)
             where w.id = v.id and w.state = 'processing' and w.attempts = v.attempt
         returning w.id`,
      );
      return new Set(rows.map((row) => row.id));
    },

    /** A failed attempt: back to pending after `retryAt`, or parked as `failed` with the error. */
    async fail({
      id,
      attempt,
      error,
      retryAt,
    }: {
      id: string;
      attempt: number;
      error: string;
      retryAt: Date | undefined;
    }): Promise<void> {
      await db
        .update(webhookEvents)
        .set(
          retryAt
            ? { state: 'pending', nextAttemptAt: retryAt, lockedUntil: null, lastError: error }
            : { state: 'failed', lockedUntil: null, lastError: error },
        )
        .where(and(eq(webhookEvents.id, id), eq(webhookEvents.attempts, attempt)));
    },

    async listFailed({ brandId, limit = 100 }: { brandId?: string; limit?: number } = {}): Promise<
      WebhookEvent[]
    > {
      return db
        .select()
        .from(webhookEvents)
        .where(
          brandId
            ? and(eq(webhookEvents.state, 'failed'), eq(webhookEvents.brandId, brandId))
            : eq(webhookEvents.state, 'failed'),
        )
        .orderBy(desc(webhookEvents.receivedAt))
        .limit(limit);
    },

    /** Puts failed events back in the queue with a fresh set of attempts (all, or the given ids). */
    async retryFailed({ ids, now }: { ids?: string[]; now: Date }): Promise<number> {
      const rows = await db
        .update(webhookEvents)
        .set({ state: 'pending', attempts: 0, nextAttemptAt: now, lockedUntil: null })
        .where(
          ids
            ? and(eq(webhookEvents.state, 'failed'), inArray(webhookEvents.id, ids))
            : eq(webhookEvents.state, 'failed'),
        )
        .returning({ id: webhookEvents.id });
      return rows.length;
    },

    async countByState(): Promise<Record<string, number>> {
      const rows = await queryRows<{ state: string; n: number }>(
        db,
        sql`select state, count(*)::int as n from webhook_events group by state`,
      );
      return Object.fromEntries(rows.map((row) => [row.state, Number(row.n)]));
    },
  };
}

export type EventsRepository = ReturnType<typeof createEventsRepository>;
