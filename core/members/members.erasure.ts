import { and, eq, sql } from 'drizzle-orm';
import { getTableConfig, PgTable } from 'drizzle-orm/pg-core';
import { auditLog } from '../audit/audit.table.js';
import { queryRows, type Database, type Executor } from '../db/database.js';
import * as schema from '../db/schema.js';
import { detachMemberFromLineItems } from '../analytics/index.js';
import { eraseMemberReceiptImages } from '../receipts/receipts.erasure.js';
import type { IdGenerator } from '../shared/ids.js';
import type { SurveyQuestion } from '../surveys/index.js';
import { CONSENT_KINDS, getCurrentConsents, listConsentHistory, recordConsent } from './members.consents.js';
import {
  createErasureNotConfirmedError,
  createMemberErasedError,
  createMemberNotFoundError,
} from './members.errors.js';
import {
  ERASED_MARK,
  ERASURE_COLUMNS,
  alternation,
  eraseJsonFreeText,
  sweepJsonText,
  wholeWordAlternation,
} from './members.erasure-columns.js';
import { memberTags, members } from './members.table.js';

export { ERASED_MARK } from './members.erasure-columns.js';

/** Tables whose rows are exported as the member's own records (by `member_id`), in this order. */
const EXPORTED_TABLES = [
  'submissions',
  'pointsLedger',
  'lotteryEntries',
  'redemptions',
  'instantPlays',
  'drawWinners',
  'surveyAnswers',
  'surveyProgress',
  'memberTags',
] as const;

function tablesWithColumn(column: string): { key: string; table: PgTable; name: string }[] {
  const found: { key: string; table: PgTable; name: string }[] = [];
  for (const [key, value] of Object.entries(schema)) {
    if (!(value instanceof PgTable)) continue;
    const config = getTableConfig(value);
    if (config.columns.some((c) => c.name === column)) found.push({ key, table: value, name: config.name });
  }
  return found;
}

/**
 * "My data" (PDPA right of access): the profile, every consent decision, and every record that carries
 * the member's id, as one JSON document. The export itself is audited.
 */
export async function exportMemberData(
  { db, generateId }: { db: Database; generateId: IdGenerator },
  { brandId, memberId, now }: { brandId: string; memberId: string; now: Date },
) {
  const [member] = await db
    .select()
    .from(members)
    .where(and(eq(members.brandId, brandId), eq(members.id, memberId)));
  if (!member) throw createMemberNotFoundError();
  const records: Record<string, unknown[]> = {};
  const byKey = new Map(tablesWithColumn('member_id').map((t) => [t.key, t]));
  for (const key of EXPORTED_TABLES) {
    const entry = byKey.get(key);
    if (!entry) continue;
    records[key] = await queryRows(
      db,
      sql`select * from ${sql.identifier(entry.name)} where brand_id = ${brandId} and member_id = ${memberId} order by id`,
    );
  }
  const document = {
    exportedAt: now.toISOString(),
    member: {
      id: member.id,
      lineUserId: member.lineUserId,
      displayName: member.displayName,
      name: member.name,
      phone: member.phone,
      email: member.email,
      gender: member.gender,
      birthday: member.birthday,
      region: member.region,
      locale: member.locale,
      externalMemberNo: member.externalMemberNo,
      registeredAt: member.registeredAt,
      linkedAt: member.linkedAt,
      following: member.following,
      createdAt: member.createdAt,
    },
    consents: await listConsentHistory(db, { brandId, memberId }),
    records,
  };
  await db.insert(auditLog).values({
    id: generateId('auditEntry'),
    brandId,
    actorType: 'member',
    actorId: memberId,
    action: 'member.data_exported',
    targetType: 'member',
    targetId: memberId,
    data: { counts: Object.fromEntries(Object.entries(records).map(([k, v]) => [k, v.length])) },
    createdAt: now,
  });
  return document;
}

/**
 * Erasure (PDPA right to erasure), done at once: the member row keeps its id, so points ledger, entries,
 * submissions and redemptions keep adding up (aggregates and the ledger's integrity), but nothing in any
 * table can name the person any more:
 * - the profile fields are cleared and the LINE user id replaced by a token that matches no one;
 * - every consent is revoked by an appended row (the history stays as evidence of what was agreed);
 * - free-text survey answers and tags are dropped (choice answers stay, for the survey's counts);
 * - the free-text, identifier and JSON columns of every brand table (ERASURE_COLUMNS: ids, keys, states,
 *   codes and hashes never) are swept for the identifying strings: rows that carry the member's id for all
 *   of them, other rows (webhook payloads, logs) for the unique ones (LINE id, phone, e-mail, member
 *   number) — a two-character name is not unique enough to scrub from other people's rows; the webhook
 *   events the member sent lose all of their free text (what they typed, not only their strings);
 * - the member's receipt photos lose their storage key, location and raw QR/OCR text, and their bytes are
 *   queued for deletion in the same transaction (receipt_blob_deletions): the worker in
 *   jobs/receipt-blob-deletions.job.ts deletes them after the commit, retrying until done, and keeps bytes
 *   another member's row still uses (keys are content-addressed).
 */
export async function eraseMember(
  { db, generateId }: { db: Database; generateId: IdGenerator },
  {
    brandId,
    memberId,
    confirm,
    now,
    onErased,
  }: {
    brandId: string;
    memberId: string;
    confirm: boolean;
    now: Date;
    /** Writes with the erasure (the console user's audit row): both commit or neither. */
    onErased?: (tx: Executor, result: { sweptRows: number }) => Promise<void>;
  },
): Promise<{ sweptRows: number }> {
  if (!confirm) throw createErasureNotConfirmedError();
  return db.transaction(async (tx) => {
    const [member] = await tx
      .select()
      .from(members)
      .where(and(eq(members.brandId, brandId), eq(members.id, memberId)))
      .for('update');
    if (!member) throw createMemberNotFoundError();
    if (member.erasedAt) throw createMemberErasedError();

    const current = await getCurrentConsents(tx, { brandId, memberId });
    for (const kind of CONSENT_KINDS) {
      const state = current[kind];
      if (!state?.granted) continue;
      await recordConsent(tx, {
        generateId,
        brandId,
        memberId,
        kind,
        granted: false,
        textVersion: state.textVersion,
        locale: member.locale,
        source: 'erasure',
        at: now,
      });
    }

    const carriers = await carrierCredentialsOf(tx, { brandId, memberId });
    // A carrier's barcode is theirs alone (`/` + 7 characters): swept from every row, as a LINE id is. Its
    // verification code (a password to the member's invoices at the MoF, often 4 digits) only from their
    // own rows: too short to be sure it is theirs in anyone else's.
    const unique = [
      member.lineUserId,
      member.phone,
      member.email,
      member.externalMemberNo,
      ...carriers.barcodes,
    ];
    const personal = [
      ...unique,
      member.name,
      member.displayName,
      member.pictureUrl,
      ...carriers.verificationCodes,
    ];
    const clean = (values: (string | null)[]) =>
      [...new Set(values.filter((v): v is string => typeof v === 'string' && v.length >= 2))].sort(
        (a, b) => b.length - a.length,
      );

    await tx
      .update(members)
      .set({
        lineUserId: `erased:${member.id}`,
        displayName: null,
        pictureUrl: null,
        name: null,
        phone: null,
        email: null,
        gender: null,
        birthday: null,
        region: null,
        externalMemberNo: null,
        following: false,
        erasedAt: now,
        updatedAt: now,
      })
      .where(eq(members.id, member.id));
    await tx
      .delete(memberTags)
      .where(and(eq(memberTags.brandId, brandId), eq(memberTags.memberId, memberId)));
    await dropFreeTextSurveyAnswers(tx, { brandId, memberId });
    const receipts = await eraseMemberReceiptImages(tx, { generateId, brandId, memberId, now });
    await detachMemberFromLineItems(tx, { brandId, memberId });

    // Before the sweep, which replaces the LINE id these events are found by.
    const ownEvents = await eraseOwnWebhookEvents(tx, {
      brandId,
      lineUserId: member.lineUserId,
      unique: clean(unique),
    });
    const sweptRows =
      ownEvents +
      (await sweepBrandTables(tx, {
        brandId,
        memberId,
        personal: clean(personal),
        unique: clean(unique),
        ownCodes: clean(carriers.verificationCodes),
      }));

    await tx.insert(auditLog).values({
      id: generateId('auditEntry'),
      brandId,
      actorType: 'member',
      actorId: memberId,
      action: 'member.erased',
      targetType: 'member',
      targetId: memberId,
      data: {
        sweptRows,
        consentsRevoked: CONSENT_KINDS.filter((k) => current[k]?.granted),
        receiptImages: receipts.images,
        receiptBlobsQueued: receipts.blobsQueued,
      },
      createdAt: now,
    });
    await onErased?.(tx, { sweptRows });
    return { sweptRows };
  });
}

async function dropFreeTextSurveyAnswers(
  tx: Executor,
  { brandId, memberId }: { brandId: string; memberId: string },
) {
  const rows = await tx
    .select({
      id: schema.surveyAnswers.id,
      answers: schema.surveyAnswers.answers,
      questions: schema.surveys.questions,
    })
    .from(schema.surveyAnswers)
    .innerJoin(schema.surveys, eq(schema.surveys.id, schema.surveyAnswers.surveyId))
    .where(and(eq(schema.surveyAnswers.brandId, brandId), eq(schema.surveyAnswers.memberId, memberId)));
  for (const row of rows) {
    const kept = choiceAnswersOnly(row.answers, row.questions);
    await tx.update(schema.surveyAnswers).set({ answers: kept }).where(eq(schema.surveyAnswers.id, row.id));
  }
}

/**
 * The webhook events the member sent (their LINE id as the event's source): a chat message or a postback
 * is theirs as a whole, and what they typed in it (an address, a name the profile never held) is no
 * identifier the sweep could look for, so all of the payload's free text goes (`eraseJsonFreeText`), the
 * raw JSON kept of a repaired or parked event's likewise; the event's ids, type and times stay for the
 * audit. Returns how many events changed.
 */
async function eraseOwnWebhookEvents(
  tx: Executor,
  { brandId, lineUserId, unique }: { brandId: string; lineUserId: string; unique: string[] },
): Promise<number> {
  // A parked invalid event has no line_user_id column value; its payload may still name its sender. The
  // brand's events are found through its channels (an event's channel is its brand's; a channel never
  // changes brand), so `webhook_events_user_idx` (channel, LINE user) serves both arms of the condition
  // instead of a scan of the whole inbox reading each payload's JSON.
  const rows = await queryRows<{ id: string; payload: string; raw_json: string | null }>(
    tx,
    sql`select id, payload::text as payload, raw_json from webhook_events
        where brand_id = ${brandId}
          and channel_id in (select id from line_channels where brand_id = ${brandId})
          and (line_user_id = ${lineUserId}
               or (line_user_id is null and payload #>> '{source,userId}' = ${lineUserId}))
        for update`,
  );
  let erased = 0;
  for (const row of rows) {
    const payload = eraseJsonFreeText(row.payload, unique);
    const rawJson = row.raw_json === null ? null : eraseJsonFreeText(row.raw_json, unique);
    if (payload === row.payload && rawJson === row.raw_json) continue;
    await tx.execute(
      sql`update webhook_events set payload = ${payload}::jsonb, raw_json = ${rawJson} where id = ${row.id}`,
    );
    erased += 1;
  }
  return erased;
}

/**
 * The mobile barcode carriers a member sent as proofs (`raw_input` of a carrier proof and of each invoice
 * it created): the barcodes and their verification codes, to be swept with the member's other strings.
 */
async function carrierCredentialsOf(
  tx: Executor,
  { brandId, memberId }: { brandId: string; memberId: string },
): Promise<{ barcodes: string[]; verificationCodes: string[] }> {
  const rows = await queryRows<{ barcode: string | null; code: string | null }>(
    tx,
    sql`select distinct
          coalesce(raw_input #>> '{carrier,barcode}', raw_input #>> '{carrierInvoice,cardNo}') as barcode,
          coalesce(raw_input #>> '{carrier,verificationCode}', raw_input #>> '{carrierInvoice,cardEncrypt}') as code
        from submissions
        where brand_id = ${brandId} and member_id = ${memberId}
          and (raw_input -> 'carrier' is not null or raw_input -> 'carrierInvoice' is not null)`,
  );
  const present = (values: (string | null)[]) => values.filter((v): v is string => !!v);
  return {
    barcodes: present(rows.map((row) => row.barcode)),
    verificationCodes: present(rows.map((row) => row.code)),
  };
}

/**
 * What of a member's answers survives their erasure: a current choice question's option keys and a scale
 * question's whole number, nothing else. Not "all but the text questions": a survey edited after it was
 * answered may have dropped a text question or reused its key for a choice, and the text typed then (a
 * name, a phone, an address) is still in the answers.
 */
export function choiceAnswersOnly(
  answers: Readonly<Record<string, unknown>>,
  questions: readonly SurveyQuestion[],
): Record<string, string | string[] | number> {
  const kept: Record<string, string | string[] | number> = {};
  for (const question of questions) {
    const value = answers[question.key];
    const options = new Set((question.options ?? []).map((option) => option.key));
    if (question.type === 'single' && typeof value === 'string' && options.has(value))
      kept[question.key] = value;
    if (question.type === 'multiple' && Array.isArray(value)) {
      const chosen = value.filter((v): v is string => typeof v === 'string' && options.has(v));
      if (chosen.length > 0) kept[question.key] = chosen;
    }
    if (question.type === 'scale' && typeof value === 'number' && Number.isInteger(value))
      kept[question.key] = value;
  }
  return kept;
}

/**
 * Replaces the identifying strings in the brand's classified columns (ERASURE_COLUMNS, docs/decisions/017):
 * free text wherever they occur, identifier columns only when the whole value is one, JSON documents in
 * their string values (machine values only as a whole); returns how many row-columns changed.
 */
async function sweepBrandTables(
  tx: Executor,
  {
    brandId,
    memberId,
    personal,
    unique,
    ownCodes,
  }: { brandId: string; memberId: string; personal: string[]; unique: string[]; ownCodes: string[] },
): Promise<number> {
  let sweptRows = 0;
  for (const { table, name } of tablesWithColumn('brand_id')) {
    const classes = ERASURE_COLUMNS[name];
    if (table === members || !classes) continue;
    const config = getTableConfig(table);
    const key = config.columns.find((c) => c.primary);
    // Per scope: the strings swept anywhere, and those a JSON machine value (`verificationCode`) loses as a
    // whole — the member's own rows also their carriers' verification codes.
    // Free text of others' rows loses the unique strings as whole words only (`1024` is not a piece of their
    // `10245`); the member's own rows lose every piece (a name glued to a word is still theirs).
    const scopes: [string[], string[], ReturnType<typeof sql>, boolean][] = config.columns.some(
      (c) => c.name === 'member_id',
    )
      ? [
          [personal, [...unique, ...ownCodes], sql`member_id = ${memberId}`, true],
          [unique, unique, sql`member_id is distinct from ${memberId}`, false],
        ]
      : [[unique, unique, sql`true`, false]];
    for (const column of config.columns) {
      const kind = classes[column.name];
      if (kind === undefined || kind === 'fixed') continue;
      const col = sql.identifier(column.name);
      const count = async (statement: ReturnType<typeof sql>) => {
        const rows = await queryRows<{ n: number }>(
          tx,
          sql`with changed as (${statement} returning 1) select count(*)::int as n from changed`,
        );
        return Number(rows[0]?.n ?? 0);
      };
      if (kind === 'identifier') {
        if (unique.length === 0) continue;
        const values = sql.join(
          unique.map((v) => sql`${v}`),
          sql`, `,
        );
        sweptRows += await count(
          sql`update ${sql.identifier(name)} set ${col} = ${ERASED_MARK}
              where brand_id = ${brandId} and ${col} in (${values})`,
        );
        continue;
      }
      for (const [values, whole, scope, own] of scopes) {
        if (values.length === 0) continue;
        const text = kind === 'json' ? sql`${col}::text` : sql`${col}`;
        // JSON text escapes quotes and backslashes; search for a value as it appears inside a JSON string.
        const needles = values.map((v) => (kind === 'json' ? JSON.stringify(v).slice(1, -1) : v));
        const found = sql.join(
          needles.map((n) => sql`strpos(${text}, ${n}) > 0`),
          sql` or `,
        );
        if (kind === 'text') {
          sweptRows += await count(
            sql`update ${sql.identifier(name)}
                set ${col} = regexp_replace(${col}, ${own ? alternation(values) : wholeWordAlternation(values)}, ${ERASED_MARK}, 'g')
                where brand_id = ${brandId} and ${scope} and (${found})`,
          );
          continue;
        }
        if (!key) throw new Error(`erasure: ${name} sweeps JSON but has no single-column primary key`);
        const rows = await queryRows<{ k: string; v: string }>(
          tx,
          sql`select ${sql.identifier(key.name)} as k, ${col}::text as v from ${sql.identifier(name)}
              where brand_id = ${brandId} and ${scope} and (${found}) for update`,
        );
        for (const row of rows) {
          const swept = sweepJsonText(row.v, { anywhere: values, whole });
          if (swept === row.v) continue;
          await tx.execute(
            sql`update ${sql.identifier(name)} set ${col} = ${swept}::jsonb
                where ${sql.identifier(key.name)} = ${row.k}`,
          );
          sweptRows += 1;
        }
      }
    }
  }
  return sweptRows;
}
