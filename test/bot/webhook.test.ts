import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { eq, sql } from 'drizzle-orm';
import request from 'supertest';
import { queryRows } from '../../core/db/database.js';
import { webhookEvents } from '../../core/events/index.js';
import { signWebhookBody } from '../../sim/line/index.js';
import {
  ALICE,
  createLineTestKit,
  rocDate,
  taipeiDaysAgo,
  textsOf,
  type LineTestKit,
} from '../line/line-test-kit.js';

const PURCHASE_DATE = taipeiDaysAgo(2);

function webhookBody(webhookEventId: string, text = 'help', isRedelivery = false) {
  return JSON.stringify({
    destination: 'U00000000000000000000000000000000',
    events: [
      {
        type: 'message',
        webhookEventId,
        timestamp: Date.now(),
        mode: 'active',
        replyToken: 'nHuyWiB7yP5Zw52FIkcQobQuGDXCTA',
        source: { type: 'user', userId: ALICE },
        deliveryContext: { isRedelivery },
        message: { id: '468789577898262530', type: 'text', text, quoteToken: 'q' },
      },
    ],
  });
}

describe('POST /webhook/:channelId', () => {
  let kit: LineTestKit;
  const path = () => `/webhook/${kit.demo.channel.lineChannelId}`;
  const storedCount = async () => (await kit.services.database.db.select().from(webhookEvents)).length;

  beforeAll(async () => {
    kit = await createLineTestKit({
      invoices: [
        {
          invoiceNumber: 'TE20251111',
          invoiceDate: PURCHASE_DATE,
          randomCode: '4321',
          sellerBan: '28414044',
          sellerName: '好茶專賣店',
          totalAmount: 240,
          items: [{ name: '好茶烏龍 600ml', quantity: 4, unitPrice: 60 }],
        },
      ],
    });
  });
  afterAll(async () => {
    await kit?.close();
  });

  test('when the signature is valid, then it answers 200 and the event is stored', async () => {
    const body = webhookBody('01HVALID0000000000000000001');

    const response = await request(kit.app)
      .post(path())
      .set('content-type', 'application/json')
      .set('x-line-signature', signWebhookBody(body, kit.demo.channel.channelSecret))
      .send(body);

    expect(response.status).toBe(200);
    const rows = await kit.services.database.db
      .select()
      .from(webhookEvents)
      .where(eq(webhookEvents.webhookEventId, '01HVALID0000000000000000001'));
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({
      eventType: 'message',
      lineUserId: ALICE,
      state: 'pending',
      brandId: kit.demo.brand.id,
    });
  });

  test('when the signature is forged, then it answers 401 and nothing is stored', async () => {
    const before = await storedCount();
    const body = webhookBody('01HFORGED000000000000000001');

    const response = await request(kit.app)
      .post(path())
      .set('content-type', 'application/json')
      .set('x-line-signature', signWebhookBody(body, 'not-the-channel-secret'))
      .send(body);

    expect(response.status).toBe(401);
    expect(response.body.error.code).toBe('webhook.bad_signature');
    expect(await storedCount()).toBe(before);
  });

  test('when the signature is missing, then it answers 401 and nothing is stored', async () => {
    const before = await storedCount();

    const response = await request(kit.app)
      .post(path())
      .set('content-type', 'application/json')
      .send(webhookBody('01HMISSING00000000000000001'));

    expect(response.status).toBe(401);
    expect(await storedCount()).toBe(before);
  });

  test('when a signed body was altered after signing, then it answers 401', async () => {
    const body = webhookBody('01HALTERED00000000000000001');
    const signature = signWebhookBody(body, kit.demo.channel.channelSecret);

    const response = await request(kit.app)
      .post(path())
      .set('content-type', 'application/json')
      .set('x-line-signature', signature)
      .send(body.replace('help', 'hel p'));

    expect(response.status).toBe(401);
  });

  test('when the channel is unknown, then it answers 404 and nothing is stored', async () => {
    const before = await storedCount();
    const body = webhookBody('01HUNKNOWN00000000000000001');

    const response = await request(kit.app)
      .post('/webhook/1999999999')
      .set('content-type', 'application/json')
      .set('x-line-signature', signWebhookBody(body, kit.demo.channel.channelSecret))
      .send(body);

    expect(response.status).toBe(404);
    expect(await storedCount()).toBe(before);
  });

  test('when the JSON is malformed but signed, then it answers 400 and nothing is stored', async () => {
    const before = await storedCount();
    const body = '{"events": [ {"type": "message",';

    const response = await request(kit.app)
      .post(path())
      .set('content-type', 'application/json')
      .set('x-line-signature', signWebhookBody(body, kit.demo.channel.channelSecret))
      .send(body);

    expect(response.status).toBe(400);
    expect(response.body.error.code).toBe('webhook.bad_json');
    expect(await storedCount()).toBe(before);
  });

  test('when LINE verifies the webhook URL (no events), then it answers 200 and stores nothing', async () => {
    const before = await storedCount();
    const body = JSON.stringify({ destination: 'U00000000000000000000000000000000', events: [] });

    const response = await request(kit.app)
      .post(path())
      .set('content-type', 'application/json')
      .set('x-line-signature', signWebhookBody(body, kit.demo.channel.channelSecret))
      .send(body);

    expect(response.status).toBe(200);
    expect(await storedCount()).toBe(before);
  });

  test('when the same event is delivered 10 times, then it is stored and processed once: one answer, one reward', async () => {
    await kit.drain();
    await kit.userSends(ALICE, { type: 'follow' });
    await kit.drain();
    const answersBefore = (await kit.botMessages(ALICE)).length;

    const sent = await kit.userSends(ALICE, {
      type: 'text',
      text: `TE20251111 ${rocDate(PURCHASE_DATE)} 4321`,
      times: 10,
    });
    const processed = await kit.drain();

    expect(sent.statuses).toEqual(Array(10).fill(200));
    const rows = await kit.services.database.db
      .select()
      .from(webhookEvents)
      .where(eq(webhookEvents.webhookEventId, sent.webhookEventId));
    expect(rows).toHaveLength(1);
    expect(rows[0]?.lastError ?? null).toBeNull();
    expect(rows[0]?.state).toBe('done');
    expect(processed).toBe(1);
    const answers = (await kit.botMessages(ALICE)).slice(answersBefore);
    expect(answers).toHaveLength(1);
    expect(answers[0]?.via).toBe('reply');
    expect(textsOf(answers[0]?.messages ?? [])).toContain('Accepted!');
    const [effects] = await queryRows<{ submissions: number; ledger: number }>(
      kit.services.database.db,
      sql`select (select count(*)::int from submissions) as submissions,
                 (select count(*)::int from points_ledger) as ledger`,
    );
    expect(effects).toEqual({ submissions: 1, ledger: 1 });
  });
});
