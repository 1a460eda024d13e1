import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { and, eq, isNull, sql } from 'drizzle-orm';
import { getTableConfig, PgTable } from 'drizzle-orm/pg-core';
import { queryRows } from '../../core/db/database.js';
import * as schema from '../../core/db/schema.js';
import { seedDemoReview } from '../../core/demo/seed-demo-review.js';
import { seedDemo, type DemoSeed } from '../../core/demo/seed-demo.js';
import {
  ERASED_MARK,
  ERASURE_COLUMNS,
  isMachineKey,
  sweepJsonText,
  type JsonSweep,
} from '../../core/members/members.erasure-columns.js';
import { choiceAnswersOnly, eraseMember } from '../../core/members/members.erasure.js';
import { buildTestServices, type TestServices } from '../support/services.js';
import { HANG_GUARD_MS } from '../support/timing.js';
import type { SubmissionState } from '../../core/submissions/index.js';

/** The columns the sweep must classify: every text or JSON column (arrays of them too) of a brand table. */
function sweepableColumns(table: PgTable) {
  return getTableConfig(table).columns.filter((c) =>
    /^(text|varchar|char|character|citext|json|jsonb)\b/.test(c.getSQLType()),
  );
}

/** A document swept as the erasure sweeps it: as stored JSON text. */
const sweptDocument = (document: unknown, sweep: JsonSweep): unknown =>
  JSON.parse(sweepJsonText(JSON.stringify(document), sweep));

const hasBrand = (table: PgTable) => getTableConfig(table).columns.some((c) => c.name === 'brand_id');

/**
 * The tables the classification must cover: every brand table, and every table that names a member or a
 * LINE user (`member_id`, `member_ids`, `line_user_id`, …) even without a `brand_id`.
 */
const memberDataTables = (): PgTable[] =>
  Object.values(schema)
    .flatMap((value) => (value instanceof PgTable ? [value as PgTable] : []))
    .filter(
      (table) =>
        hasBrand(table) || getTableConfig(table).columns.some((c) => /member|line_user/.test(c.name)),
    )
    .filter((table) => table !== (schema.members as PgTable));

describe('every text and JSON column of a table with member data is classified for the erasure sweep', () => {
  test('when a table or column is added, then it is classified (free text, identifier, JSON or fixed) before an erasure may run past it', () => {
    const unclassified: string[] = [];
    const misclassified: string[] = [];
    const tables = new Set<string>();
    for (const table of memberDataTables()) {
      const { name, columns } = getTableConfig(table);
      tables.add(name);
      const classes = ERASURE_COLUMNS[name];
      // Listed even with no text column: a table that holds member data is a deliberate decision.
      if (!classes) unclassified.push(name);
      for (const column of sweepableColumns(table)) {
        const kind = classes?.[column.name];
        if (!kind) unclassified.push(`${name}.${column.name}`);
        const isJson = column.getSQLType().startsWith('json');
        if (kind === 'json' && !isJson) misclassified.push(`${name}.${column.name}: json on a text column`);
        if ((kind === 'text' || kind === 'identifier') && column.getSQLType() !== 'text')
          misclassified.push(`${name}.${column.name}: ${kind} on ${column.getSQLType()}`);
        // The sweep goes brand by brand: a column it should rewrite in a table without one is never reached.
        if (kind && kind !== 'fixed' && !hasBrand(table))
          misclassified.push(`${name}.${column.name}: ${kind} in a table without brand_id`);
      }
      for (const column of Object.keys(classes ?? {}))
        if (!columns.some((c) => c.name === column)) misclassified.push(`${name}.${column}: no such column`);
      if (Object.values(classes ?? {}).includes('json') && columns.filter((c) => c.primary).length !== 1)
        misclassified.push(`${name}: sweeps JSON without a single-column primary key`);
    }
    for (const name of Object.keys(ERASURE_COLUMNS))
      if (!tables.has(name)) misclassified.push(`${name}: no such table with member data`);
    expect(unclassified).toEqual([]);
    expect(misclassified).toEqual([]);
  });

  test('when a JSON document is swept, then free-text values lose the strings, machine values only a whole unique identifier, and keys never', () => {
    const document = {
      type: 'message',
      br: 'key stays',
      source: { type: 'user', userId: 'Uline1' },
      message: { type: 'text', text: 'I am br, call 0912', id: 'brx1' },
      state: 'accepted',
      lines: ['br.', 'x'],
      total: 12,
    };
    expect(sweptDocument(document, { anywhere: ['br', 'accepted', 'Uline1'], whole: ['Uline1'] })).toEqual({
      type: 'message',
      br: 'key stays',
      source: { type: 'user', userId: ERASED_MARK },
      message: { type: 'text', text: `I am ${ERASED_MARK}, call 0912`, id: 'brx1' },
      state: 'accepted',
      lines: [`${ERASED_MARK}.`, 'x'],
      total: 12,
    });
    const text = JSON.stringify(document);
    expect(sweepJsonText(text, { anywhere: ['zz'], whole: [] })).toBe(text);
    expect(sweepJsonText('"a.b*c"', { anywhere: ['.b*'], whole: [] })).toBe(`"a${ERASED_MARK}c"`);
  });
});

let services: TestServices;
let demo: DemoSeed;

beforeAll(async () => {
  services = await buildTestServices({ now: '2026-03-10T02:00:00Z' });
  demo = await seedDemo(services);
  await seedDemoReview(services, demo);
}, HANG_GUARD_MS);
afterAll(async () => {
  await services?.database.close();
});

const used = new Set<string>();

/** A demo member not erased yet with proofs (one in `state` when given). */
async function memberWithProofs(state?: SubmissionState) {
  const db = services.database.db;
  const rows = await db
    .selectDistinct({ id: schema.members.id })
    .from(schema.members)
    .innerJoin(schema.submissions, eq(schema.submissions.memberId, schema.members.id))
    .where(
      and(
        eq(schema.members.brandId, demo.brand.id),
        isNull(schema.members.erasedAt),
        state ? eq(schema.submissions.state, state) : sql`true`,
      ),
    )
    .orderBy(schema.members.id);
  const id = rows.map((r) => r.id).find((candidate) => !used.has(candidate));
  if (!id) throw new Error(`the demo has no member with proofs (${state ?? 'any'}) left`);
  used.add(id);
  return id;
}

/** Every row as JSON text, of every brand table: what the checks below read. */
async function rowsOf(name: string, where = sql`true`) {
  return queryRows<Record<string, unknown>>(
    services.database.db,
    sql`select * from ${sql.identifier(name)} where ${where}`,
  );
}

function machineValues(value: unknown, key: string | null, out: string[]) {
  if (typeof value === 'string') {
    if (key !== null && isMachineKey(key)) out.push(value);
  } else if (Array.isArray(value)) for (const item of value) machineValues(item, key, out);
  else if (value !== null && typeof value === 'object')
    for (const [k, item] of Object.entries(value)) machineValues(item, k, out);
}

function freeValues(value: unknown, key: string | null, out: string[]) {
  if (typeof value === 'string') {
    if (key === null || !isMachineKey(key)) out.push(value);
  } else if (Array.isArray(value)) for (const item of value) freeValues(item, key, out);
  else if (value !== null && typeof value === 'object')
    for (const [k, item] of Object.entries(value)) freeValues(item, k, out);
}

const asJson = (value: unknown) => (typeof value === 'string' ? (JSON.parse(value) as unknown) : value);

describe('a JSON document is swept without bending its codes or numbers', () => {
  test('when a name is a piece of a code under a key the machine keys do not name, then the code stays and the name as a word goes', () => {
    const document = {
      verdicts: [{ rule: 'purchase_date', params: { date: '2026-03-01' } }],
      heldFor: 'registration',
      note: 'Pat at the counter; Pat.',
    };
    expect(sweptDocument(document, { anywhere: ['at', 'Pat'], whole: [] })).toEqual({
      verdicts: [{ rule: 'purchase_date', params: { date: '2026-03-01' } }],
      heldFor: 'registration',
      note: `${ERASED_MARK} ${ERASED_MARK} the counter; ${ERASED_MARK}.`,
    });
  });

  test('when a document is swept as stored text, then its numbers, keys and spacing stay exactly as stored, and only its strings are swept', () => {
    const text =
      '{"n": 12345678901234567890, "d": 0.12345678901234567890123, "br": "br", "note": "I am br", ' +
      '"source": {"type": "user", "userId": "Uline1"}, "lines": ["br.", ["x br"], {"id": "br"}], "q": "say \\"br\\""}';
    const sweep = { anywhere: ['br', 'Uline1'], whole: ['Uline1'] };
    const swept = sweepJsonText(text, sweep);
    expect(swept).toContain('"n": 12345678901234567890, "d": 0.12345678901234567890123, "br": ');
    expect(JSON.parse(swept)).toEqual({
      n: JSON.parse('12345678901234567890') as number,
      d: JSON.parse('0.12345678901234567890123') as number,
      br: ERASED_MARK,
      note: `I am ${ERASED_MARK}`,
      source: { type: 'user', userId: ERASED_MARK },
      lines: [`${ERASED_MARK}.`, [`x ${ERASED_MARK}`], { id: 'br' }],
      q: `say "${ERASED_MARK}"`,
    });
    expect(sweepJsonText(text, { anywhere: ['zz'], whole: [] })).toBe(text);
  });

  test("when a winner's tax data is sealed, then the sweep never touches it (a swept byte of its ciphertext could never be opened again)", () => {
    expect(ERASURE_COLUMNS.draw_winners?.tax_info).toBe('fixed');
  });
});

describe("a member's survey answers after their erasure", () => {
  test('when the survey was edited after they answered, then only current choice keys and scale numbers stay, never text typed under a key now a choice or gone', () => {
    const label = { en: 'q' };
    const questions = [
      { key: 'q1', type: 'single' as const, label, required: false, options: [{ key: 'a', label }] },
      { key: 'q2', type: 'multiple' as const, label, required: false, options: [{ key: 'a', label }] },
      { key: 'q3', type: 'scale' as const, label, required: false, scale: { min: 1, max: 5 } },
      { key: 'q4', type: 'text' as const, label, required: false },
    ];
    const answers = {
      q1: 'my name is Bob Chen',
      q2: ['a', '0912 345 678'],
      q3: 4,
      q4: 'Taipei, Xinyi Rd 5',
      gone: 'Bob Chen, 0912 345 678',
    };
    expect(choiceAnswersOnly(answers, questions)).toEqual({ q2: ['a'], q3: 4 });
    expect(choiceAnswersOnly({ q1: 'a', q3: '4' }, questions)).toEqual({ q1: 'a' });
  });
});

describe('an erasure rewrites only free text, never ids, states, kinds or codes', () => {
  test.each([
    ['accepted', 'a state: the old sweep rewrote the proofs’ state'],
    ['br', 'a fragment of every brand id (brd_…): the old sweep broke brand_id, a foreign key'],
    ['chat', 'a channel and a JSON type'],
    ['<id>', 'a fragment of the member’s own id'],
  ])(
    'when the member is named %s (%s), then the erasure succeeds, ids and states stay and the name is gone from every free-text place',
    async (label) => {
      const db = services.database.db;
      const memberId = await memberWithProofs(label === 'accepted' ? 'accepted' : undefined);
      const name = label === '<id>' ? memberId.slice(4, 12) : label;
      const [member] = await db
        .update(schema.members)
        .set({ name, phone: '+886900111222' })
        .where(eq(schema.members.id, memberId))
        .returning();
      const [submission] = await db
        .select()
        .from(schema.submissions)
        .where(eq(schema.submissions.memberId, memberId))
        .orderBy(schema.submissions.id)
        .limit(1);
      await db
        .update(schema.submissions)
        .set({ decision: { ...(submission!.decision ?? {}), note: `${name} sent it twice` } })
        .where(eq(schema.submissions.id, submission!.id));
      await db.insert(schema.webhookEvents).values({
        id: `evt_${memberId}`,
        brandId: demo.brand.id,
        channelId: demo.channel.id,
        webhookEventId: `W_${memberId}`,
        eventType: 'message',
        lineUserId: member!.lineUserId,
        payload: {
          type: 'message',
          source: { type: 'user', userId: member!.lineUserId },
          message: { type: 'text', text: `hi, ${name} here, +886900111222` },
        },
        occurredAt: new Date('2026-03-09T00:00:00Z'),
      });
      const fixedBefore = await fixedColumnsOfMember(memberId);

      await eraseMember(
        { db, generateId: services.generateId },
        { brandId: demo.brand.id, memberId, confirm: true, now: services.clock.now() },
      );

      // No fixed column of any row (anyone's) and no machine value inside a JSON document holds a mark;
      // a JSON machine value is only ever the mark as a whole (a LINE user id).
      const damaged: string[] = [];
      for (const [table, classes] of Object.entries(ERASURE_COLUMNS)) {
        for (const row of await rowsOf(table)) {
          for (const [column, kind] of Object.entries(classes)) {
            const value = row[column];
            if (kind === 'fixed' && JSON.stringify(value ?? null).includes(ERASED_MARK))
              damaged.push(`${table}.${column}`);
            if (kind === 'json') {
              const machine: string[] = [];
              machineValues(asJson(value), null, machine);
              for (const v of machine)
                if (v !== ERASED_MARK && v.includes(ERASED_MARK)) damaged.push(`${table}.${column}: ${v}`);
            }
          }
        }
      }
      expect(damaged).toEqual([]);
      // Every row the member had keeps its ids, states, kinds and codes (an erasure only adds rows here).
      const fixedAfter = await fixedColumnsOfMember(memberId);
      const lost = Object.entries(fixedBefore).flatMap(([table, rows]) =>
        rows.filter((row) => !fixedAfter[table]!.includes(row)).map((row) => `${table}: ${row}`),
      );
      expect(lost).toEqual([]);

      // The name is gone from every free-text place of the member's rows; the phone from every row.
      const leaks: string[] = [];
      for (const [table, classes] of Object.entries(ERASURE_COLUMNS)) {
        const hasMember = Object.prototype.hasOwnProperty.call(classes, 'member_id');
        for (const row of await rowsOf(table)) {
          const mine = hasMember ? row.member_id === memberId : false;
          for (const [column, kind] of Object.entries(classes)) {
            if (kind === 'fixed') continue;
            const texts: string[] = [];
            if (kind === 'json') freeValues(asJson(row[column]), null, texts);
            else if (typeof row[column] === 'string') texts.push(row[column] as string);
            for (const text of texts) {
              if (text.includes('+886900111222')) leaks.push(`${table}.${column}: phone`);
              if (mine && text.includes(name)) leaks.push(`${table}.${column}: ${text}`);
            }
          }
        }
      }
      expect(leaks).toEqual([]);
      const [event] = await rowsOf('webhook_events', sql`id = ${`evt_${memberId}`}`);
      expect(event).toMatchObject({ line_user_id: ERASED_MARK });
      expect(asJson(event!.payload)).toEqual({
        type: 'message',
        source: { type: 'user', userId: ERASED_MARK },
        // The member's own message: all that they typed goes, not only their strings.
        message: { type: 'text', text: ERASED_MARK },
      });
      const [decided] = await rowsOf('submissions', sql`id = ${submission!.id}`);
      expect((asJson(decided!.decision) as { note: string }).note).toBe(`${ERASED_MARK} sent it twice`);
      const [erased] = await db.select().from(schema.members).where(eq(schema.members.id, memberId));
      expect(erased!.erasedAt).not.toBeNull();
    },
    HANG_GUARD_MS,
  );
});

describe("a member's own webhook events after their erasure", () => {
  test(
    "when the member typed their name and address in chat and a postback, then their stored events hold no trace of them, keep their ids and types, and another member's event stays as it was",
    async () => {
      const db = services.database.db;
      const name = 'Somchai Jaidee';
      const address = '12 Sukhumvit Soi 3, Khlong Toei';
      const [member, other] = await db
        .insert(schema.members)
        .values(
          ['mbr_chat_own', 'mbr_chat_other'].map((id, i) => ({
            id,
            brandId: demo.brand.id,
            lineUserId: `Uchat${String(i).padStart(28, '0')}`,
            locale: 'th' as const,
            name: i === 0 ? name : null,
          })),
        )
        .returning();
      const memberId = member!.id;
      const event = (id: string, lineUserId: string | null, payload: Record<string, unknown>) => ({
        id: `evt_${id}`,
        brandId: demo.brand.id,
        channelId: demo.channel.id,
        webhookEventId: `W_${id}`,
        eventType: String(payload.type),
        lineUserId,
        payload,
        occurredAt: new Date('2026-03-09T00:00:00Z'),
      });
      const source = { type: 'user', userId: member!.lineUserId };
      const chat = {
        type: 'message',
        mode: 'active',
        timestamp: 1773014400000,
        webhookEventId: 'W_own_chat',
        replyToken: 'reply-own-chat',
        source,
        message: { type: 'text', id: '5550001', text: `I am ${name}, send it to ${address}` },
      };
      const postback = {
        type: 'postback',
        webhookEventId: 'W_own_postback',
        source,
        postback: { data: `action=deliver&to=${encodeURIComponent(address)}` },
      };
      // Parked on arrival (not LINE's shape): no line_user_id column, its raw JSON kept beside the payload.
      const parked = { type: 'message', source, message: { text: `${name} again, ${address}` } };
      const others = {
        type: 'message',
        webhookEventId: 'W_other_chat',
        source: { type: 'user', userId: other!.lineUserId },
        message: { type: 'text', id: '5550002', text: `my friend ${name} lives at ${address}` },
      };
      await db
        .insert(schema.webhookEvents)
        .values([
          event('own_chat', member!.lineUserId, chat),
          event('own_postback', member!.lineUserId, postback),
          { ...event('own_parked', null, parked), rawJson: JSON.stringify(parked), state: 'failed' },
          event('other_chat', other!.lineUserId, others),
        ]);

      await eraseMember(
        { db, generateId: services.generateId },
        { brandId: demo.brand.id, memberId, confirm: true, now: services.clock.now() },
      );

      const rows = await rowsOf('webhook_events', sql`id like 'evt_own_%' or id = 'evt_other_chat'`);
      const byId = Object.fromEntries(rows.map((row) => [row.id as string, row]));
      for (const id of ['evt_own_chat', 'evt_own_postback', 'evt_own_parked']) {
        const stored = JSON.stringify(byId[id]);
        expect([id, stored.includes('Somchai'), stored.includes('Sukhumvit')]).toEqual([id, false, false]);
        expect(stored).not.toContain(member!.lineUserId);
      }
      expect(asJson(byId.evt_own_chat!.payload)).toEqual({
        ...chat,
        replyToken: ERASED_MARK,
        source: { type: 'user', userId: ERASED_MARK },
        message: { type: 'text', id: '5550001', text: ERASED_MARK },
      });
      expect(byId.evt_own_chat).toMatchObject({ webhook_event_id: 'W_own_chat', event_type: 'message' });
      expect(asJson(byId.evt_own_postback!.payload)).toEqual({
        ...postback,
        source: { type: 'user', userId: ERASED_MARK },
        postback: { data: ERASED_MARK },
      });
      expect(asJson(byId.evt_own_parked!.raw_json)).toEqual(asJson(byId.evt_own_parked!.payload));
      expect(asJson(byId.evt_other_chat!.payload)).toEqual(others);
      expect(byId.evt_other_chat).toMatchObject({ line_user_id: other!.lineUserId });
    },
    HANG_GUARD_MS,
  );
});

test(
  "when a member's number is a piece of a longer number in someone else's words, then only the whole number goes from them",
  async () => {
    const db = services.database.db;
    const memberId = 'mbr_number1024';
    await db.insert(schema.members).values({
      id: memberId,
      brandId: demo.brand.id,
      lineUserId: 'U1024number0000000000000000000001',
      locale: 'zh-TW',
      externalMemberNo: '1024',
    });
    const [other] = await queryRows<{ id: string }>(
      db,
      sql`select id from points_ledger where brand_id = ${demo.brand.id} and member_id <> ${memberId} limit 1`,
    );
    await db.execute(sql`update points_ledger set reason = 'order 10245 for 1024.' where id = ${other!.id}`);

    await eraseMember(
      { db, generateId: services.generateId },
      { brandId: demo.brand.id, memberId, confirm: true, now: new Date('2026-03-10T02:00:00Z') },
    );

    const [row] = await rowsOf('points_ledger', sql`id = ${other!.id}`);
    expect(row!.reason).toBe(`order 10245 for ${ERASED_MARK}.`);
  },
  HANG_GUARD_MS,
);

/**
 * The fixed columns of the member's rows in the tables the erasure's own steps leave alone (tags are deleted, line
 * items detached, photos and survey answers cleaned by those steps): ids, states, kinds, codes.
 */
async function fixedColumnsOfMember(memberId: string) {
  const kept: Record<string, string[]> = {};
  const cleaned = new Set(['member_tags', 'analytics_line_items', 'receipt_images', 'survey_answers']);
  for (const [table, classes] of Object.entries(ERASURE_COLUMNS)) {
    if (cleaned.has(table) || !Object.prototype.hasOwnProperty.call(classes, 'member_id')) continue;
    const fixed = Object.entries(classes)
      .filter(([, kind]) => kind === 'fixed')
      .map(([column]) => column)
      .sort();
    const rows = await rowsOf(table, sql`member_id = ${memberId}`);
    kept[table] = rows.map((row) => JSON.stringify(fixed.map((column) => row[column] ?? null))).sort();
  }
  return kept;
}
