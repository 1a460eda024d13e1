import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { and, eq } from 'drizzle-orm';
import sharp from 'sharp';
import { members } from '../../core/members/index.js';
import { submissions } from '../../core/submissions/index.js';
import { receiptImages } from '../../core/receipts/index.js';
import { webhookEvents } from '../../core/events/index.js';
import {
  deliverOutboundMessages,
  enqueuePush,
  outboundMessages,
  retryKeyFor,
} from '../../core/messaging/index.js';
import { createSilentLogger } from '../../core/shared/logger.js';
import {
  ALICE,
  createLineTestKit,
  rocDate,
  SOMCHAI,
  taipeiDaysAgo,
  textsOf,
  XIAOMING,
  type LineTestKit,
} from './line-test-kit.js';
import { HANG_GUARD_MS } from '../support/timing.js';

const PURCHASE_DATE = taipeiDaysAgo(3);

describe('LINE conversations over HTTP (simulator → webhook → worker → simulator)', () => {
  let kit: LineTestKit;

  const say = async (userId: string, body: Record<string, unknown>) => {
    const before = (await kit.botMessages(userId)).length;
    await kit.userSends(userId, body);
    await kit.drain();
    const after = await kit.botMessages(userId);
    return after.slice(before);
  };
  const memberOf = async (lineUserId: string) => {
    const [member] = await kit.services.database.db
      .select()
      .from(members)
      .where(and(eq(members.brandId, kit.demo.brand.id), eq(members.lineUserId, lineUserId)));
    return member;
  };

  beforeAll(async () => {
    kit = await createLineTestKit({
      invoices: [
        {
          invoiceNumber: 'TH20250001',
          invoiceDate: PURCHASE_DATE,
          randomCode: '7788',
          sellerBan: '28414044',
          sellerName: '好茶專賣店',
          totalAmount: 300,
          items: [{ name: '好茶紅茶 600ml', quantity: 5, unitPrice: 60 }],
        },
        {
          invoiceNumber: 'WT20250003',
          invoiceDate: PURCHASE_DATE,
          randomCode: '3344',
          sellerBan: '28414044',
          sellerName: '好茶專賣店',
          totalAmount: 120,
          uploadedAfterHours: 10_000,
          items: [{ name: '好茶綠茶', quantity: 2, unitPrice: 60 }],
        },
        {
          invoiceNumber: 'ZH20250002',
          invoiceDate: PURCHASE_DATE,
          randomCode: '1122',
          sellerBan: '28414044',
          sellerName: '好茶專賣店',
          totalAmount: 30,
          items: [{ name: '礦泉水', quantity: 1, unitPrice: 30 }],
        },
      ],
    });
  });
  afterAll(async () => {
    await kit?.close();
  });

  test('when a zh-TW user follows, then they become a member in zh-TW and get the greeting in Chinese', async () => {
    const answers = await say(XIAOMING, { type: 'follow' });

    expect(answers).toHaveLength(1);
    const texts = textsOf(answers[0]?.messages ?? []);
    expect(texts).toContain('王小明，歡迎您！');
    expect(texts).toContain('買好茶 登錄發票抽好禮');
    expect(await memberOf(XIAOMING)).toMatchObject({
      locale: 'zh-TW',
      following: true,
      displayName: '王小明',
    });
  });

  test('when a Thai user sends an e-invoice, then the accepted card is in Thai with the points earned', async () => {
    await say(SOMCHAI, { type: 'follow' });

    const answers = await say(SOMCHAI, { type: 'text', text: `th20250001  ${rocDate(PURCHASE_DATE)}  7788` });

    expect(answers).toHaveLength(1);
    const texts = textsOf(answers[0]?.messages ?? []);
    expect(texts).toContain('ผ่านแล้ว!');
    expect(texts).toContain('คุณได้รับ 30 คะแนน');
    expect(texts).toContain('คะแนนคงเหลือ: 30 คะแนน');
    expect(answers[0]?.messages[0]).toMatchObject({ type: 'flex', quickReply: { items: expect.any(Array) } });
  });

  test('when the same invoice is sent again, then the answer is "already registered"', async () => {
    const answers = await say(SOMCHAI, { type: 'text', text: `TH20250001 ${rocDate(PURCHASE_DATE)} 7788` });

    expect(textsOf(answers[0]?.messages ?? [])).toContain('ส่งไปแล้ว');
  });

  test('when an invoice fails a rule, then the rejected card names the failing rule in words', async () => {
    const answers = await say(XIAOMING, { type: 'text', text: `ZH20250002 ${rocDate(PURCHASE_DATE)} 1122` });

    const texts = textsOf(answers[0]?.messages ?? []);
    expect(texts).toContain('未通過');
    expect(texts).toMatch(/未包含活動商品|活動商品金額未達門檻/);
  });

  test('when the random code is missing, then the member is told what to fix', async () => {
    const answers = await say(XIAOMING, { type: 'text', text: `ZH20250002 ${rocDate(PURCHASE_DATE)}` });

    const texts = textsOf(answers[0]?.messages ?? []);
    expect(texts).toContain('請確認輸入內容');
    expect(texts).toContain('缺少隨機碼（4 位數字）');
  });

  test('when commands are typed in each language, then points, submissions and help answer', async () => {
    const points = await say(SOMCHAI, { type: 'text', text: 'แต้ม' });
    const history = await say(SOMCHAI, { type: 'text', text: 'ประวัติ' });
    const help = await say(XIAOMING, { type: 'text', text: '說明' });

    expect(textsOf(points[0]?.messages ?? [])).toContain('30 คะแนน');
    expect(textsOf(history[0]?.messages ?? [])).toContain('TH20250001');
    expect(textsOf(help[0]?.messages ?? [])).toContain('參加方式');
  });

  test('when a member changes language by command, then the next answers are in that language', async () => {
    await say(ALICE, { type: 'follow' });
    const menu = await say(ALICE, { type: 'text', text: 'language' });
    const set = await say(ALICE, { type: 'text', text: 'ภาษาไทย' });
    const points = await say(ALICE, { type: 'text', text: 'Points' });

    expect(textsOf(menu[0]?.messages ?? [])).toContain('Choose your language');
    expect(textsOf(set[0]?.messages ?? [])).toContain('เรียบร้อย ต่อไปจะคุยกับคุณเป็นภาษาไทย');
    expect(textsOf(points[0]?.messages ?? [])).toContain('คะแนนของฉัน');
    expect((await memberOf(ALICE))?.locale).toBe('th');
  });

  test('when text is not a proof or a command, then the member gets the help card', async () => {
    const answers = await say(ALICE, { type: 'text', text: 'สวัสดีครับ' });

    expect(textsOf(answers[0]?.messages ?? [])).toContain('วิธีร่วมกิจกรรม');
  });

  test('when a member shares a location, then the event is stored as LINE sent it and they are told what the bot reads', async () => {
    const place = {
      title: '好茶 信義店',
      address: '台北市信義區松仁路100號',
      latitude: 25.033,
      longitude: 121.5654,
    };

    const sent = await kit.userSends(XIAOMING, { type: 'location', ...place });
    await kit.drain();

    expect(sent.event).toMatchObject({ type: 'message', message: { type: 'location', ...place } });
    const answers = (await kit.botMessages(XIAOMING)).filter((entry) =>
      textsOf(entry.messages ?? []).includes('我看得懂文字與照片'),
    );
    expect(answers).toHaveLength(1);
    const [stored] = await kit.services.database.db
      .select({ payload: webhookEvents.payload })
      .from(webhookEvents)
      .where(eq(webhookEvents.webhookEventId, sent.webhookEventId));
    expect(stored?.payload).toMatchObject({ message: { type: 'location', latitude: place.latitude } });
    await expect(kit.userSends(XIAOMING, { type: 'location', latitude: 91, longitude: 0 })).rejects.toThrow(
      'simulator send failed: 400',
    );
  });

  test(
    'when a photo is sent, then the loading animation shows and the photo gets an answer',
    async () => {
      const before = (await fetchTimeline(kit, XIAOMING)).length;
      const photo = await sharp({
        create: { width: 400, height: 600, channels: 3, background: { r: 250, g: 250, b: 250 } },
      })
        .jpeg()
        .toBuffer();

      await kit.userSends(XIAOMING, {
        type: 'image',
        imageBase64: photo.toString('base64'),
        contentType: 'image/jpeg',
      });
      await kit.drain();

      const entries = (await fetchTimeline(kit, XIAOMING)).slice(before);
      const loadingAt = entries.findIndex((entry) => entry.from === 'loading');
      const answerAt = entries.findIndex((entry) => entry.from === 'bot');
      expect(loadingAt).toBeGreaterThanOrEqual(0);
      expect(answerAt).toBeGreaterThan(loadingAt);
      expect(entries.filter((entry) => entry.from === 'bot')).toHaveLength(1);
    },
    HANG_GUARD_MS,
  );

  test('when a photo event is processed again (its first commit was lost), then the photo is not fetched, read or stored again', async () => {
    const photo = await sharp({
      create: { width: 420, height: 640, channels: 3, background: { r: 245, g: 240, b: 250 } },
    })
      .jpeg()
      .toBuffer();
    const { webhookEventId } = await kit.userSends(XIAOMING, {
      type: 'image',
      imageBase64: photo.toString('base64'),
      contentType: 'image/jpeg',
    });
    await kit.drain();
    const { db } = kit.services.database;
    const sourceRef = `line:${kit.demo.channel.id}:${webhookEventId}`;
    const imagesOf = () => db.select().from(receiptImages).where(eq(receiptImages.sourceRef, sourceRef));
    expect(await imagesOf()).toHaveLength(1);
    const answersBefore = (await kit.botMessages(XIAOMING)).length;
    const fetchesBefore = photoFetches(await fetchTimeline(kit, XIAOMING));

    // As after a worker died between its work and the event's commit: the event is due again.
    await db
      .update(webhookEvents)
      .set({ state: 'pending', lockedUntil: null, nextAttemptAt: new Date(0) })
      .where(eq(webhookEvents.webhookEventId, webhookEventId));
    expect(await kit.drain()).toBe(1);

    expect(await imagesOf()).toHaveLength(1);
    expect(photoFetches(await fetchTimeline(kit, XIAOMING))).toBe(fetchesBefore);
    expect((await kit.botMessages(XIAOMING)).length).toBe(answersBefore);
  }, 60_000);

  test('when the bytes are not an image, then the member is asked for a better photo', async () => {
    const answers = await say(XIAOMING, {
      type: 'image',
      imageBase64: Buffer.from('this is not a picture').toString('base64'),
      contentType: 'image/jpeg',
    });

    expect(textsOf(answers[0]?.messages ?? [])).toContain('這張照片無法辨識，請重新拍一張清楚、完整的收據。');
  });

  test('when the reply token is no longer fresh, then the answer is pushed with the retry key of the event', async () => {
    const answers = await say(XIAOMING, { type: 'text', text: '點數', timestamp: Date.now() - 55_000 });

    expect(answers).toHaveLength(1);
    expect(answers[0]?.via).toBe('push');
    const rows = await kit.services.database.db
      .select()
      .from(outboundMessages)
      .where(eq(outboundMessages.toUserId, XIAOMING));
    // This answer's row (an earlier answer in this file may have been pushed too, e.g. a slow photo read).
    const pushed = rows.find(
      (candidate) => candidate.deliveredAs === 'push' && candidate.retryKey === answers[0]?.retryKey,
    );
    expect(pushed).toBeDefined();
    expect(pushed?.retryKey).toBe(
      retryKeyFor({ brandId: kit.demo.brand.id, dedupeKey: pushed?.dedupeKey ?? '' }),
    );
  });

  test('when a push was accepted by LINE but not recorded (crash), then the retry gets 409 and nothing is sent twice', async () => {
    const member = await memberOf(XIAOMING);
    const { db } = kit.services.database;
    const queued = await enqueuePush({
      db,
      brandId: kit.demo.brand.id,
      memberId: member?.id as string,
      dedupeKey: 'test:decision:sub_1',
      messages: [{ type: 'text', text: '審核結果：通過' }],
    });
    if (queued.status !== 'queued') throw new Error('not queued');
    const before = (await kit.botMessages(XIAOMING)).length;
    // The earlier attempt that LINE accepted:
    await kit.conversation.messenger.push(
      {
        lineChannelId: kit.demo.channel.lineChannelId,
        channelAccessToken: kit.demo.channel.channelAccessToken,
      },
      { to: XIAOMING, messages: queued.message.messages, retryKey: queued.message.retryKey },
    );

    const summary = await deliverOutboundMessages(
      { db, messenger: kit.conversation.messenger, clock: kit.services.clock, logger: createSilentLogger() },
      { ids: [queued.message.id] },
    );

    expect(summary.sent).toBe(1);
    expect((await kit.botMessages(XIAOMING)).length - before).toBe(1);
    const again = await enqueuePush({
      db,
      brandId: kit.demo.brand.id,
      memberId: member?.id as string,
      dedupeKey: 'test:decision:sub_1',
      messages: [{ type: 'text', text: '審核結果：通過' }],
    });
    expect(again).toMatchObject({ status: 'queued', created: false });
  });

  test('when LINE fails a push with 500, then it is retried later with the same retry key and sent once', async () => {
    const member = await memberOf(SOMCHAI);
    const { db } = kit.services.database;
    const queued = await enqueuePush({
      db,
      brandId: kit.demo.brand.id,
      memberId: member?.id as string,
      dedupeKey: 'test:win:drw_1',
      messages: [{ type: 'text', text: 'ยินดีด้วย' }],
    });
    if (queued.status !== 'queued') throw new Error('not queued');
    await fetch(`${kit.lineSim.url}/__sim/faults`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ method: 'POST', path: '/v2/bot/message/push', status: 500, count: 1 }),
    });
    const deps = { db, messenger: kit.conversation.messenger, logger: createSilentLogger() };
    const before = (await kit.botMessages(SOMCHAI)).length;

    const first = await deliverOutboundMessages(
      { ...deps, clock: kit.services.clock },
      { ids: [queued.message.id] },
    );
    const tooSoon = await deliverOutboundMessages(
      { ...deps, clock: kit.services.clock },
      { ids: [queued.message.id] },
    );
    const later = { now: () => new Date(Date.now() + 10_000) };
    const second = await deliverOutboundMessages({ ...deps, clock: later }, { ids: [queued.message.id] });

    expect(first).toMatchObject({ sent: 0, retried: 1 });
    expect(tooSoon).toMatchObject({ sent: 0, retried: 0 });
    expect(second).toMatchObject({ sent: 1 });
    const delivered = (await kit.botMessages(SOMCHAI)).slice(before);
    expect(delivered).toHaveLength(1);
    expect(delivered[0]?.retryKey).toBe(queued.message.retryKey);
  });

  test('when a waiting proof is decided later, then the member gets one push with the decision', async () => {
    const answers = await say(XIAOMING, { type: 'text', text: `WT20250003 ${rocDate(PURCHASE_DATE)} 3344` });
    expect(textsOf(answers[0]?.messages ?? [])).toContain('等待財政部平台');
    const { db } = kit.services.database;
    // The batch verifier's later decision (the platform never got the invoice):
    await db
      .update(submissions)
      .set({
        state: 'rejected',
        reasonCode: 'verification.not_uploaded',
        decidedAt: new Date(Date.now() + 1_000),
      })
      .where(
        eq(submissions.sourceRef, `line:${kit.demo.channel.id}:${(await lastEventId(kit, XIAOMING)) ?? ''}`),
      );
    const before = (await kit.botMessages(XIAOMING)).length;

    await kit.outbound.runOnce();
    await kit.outbound.runOnce();

    const pushed = (await kit.botMessages(XIAOMING)).slice(before);
    expect(pushed).toHaveLength(1);
    expect(pushed[0]?.via).toBe('push');
    const texts = textsOf(pushed[0]?.messages ?? []);
    expect(texts).toContain('您的購買證明有新結果：未通過。');
    expect(texts).toContain('財政部平台查無此發票（已等候店家上傳期限）');
  });

  test('when a member unfollows, then they are marked and never messaged until they follow back', async () => {
    await say(ALICE, { type: 'unfollow' });
    const member = await memberOf(ALICE);

    const queued = await enqueuePush({
      db: kit.services.database.db,
      brandId: kit.demo.brand.id,
      memberId: member?.id as string,
      dedupeKey: 'test:after-unfollow',
      messages: [{ type: 'text', text: 'hello' }],
    });

    expect(member).toMatchObject({ following: false });
    expect(member?.unfollowedAt).toBeInstanceOf(Date);
    expect(queued).toEqual({ status: 'skipped', reason: 'not_following' });
    const again = await say(ALICE, { type: 'follow' });
    expect(again).toHaveLength(1);
    expect(await memberOf(ALICE)).toMatchObject({ following: true, unfollowedAt: null, locale: 'th' });
  });
});

async function lastEventId(kit: LineTestKit, userId: string): Promise<string | undefined> {
  const entries = (await fetchTimeline(kit, userId)) as {
    from: string;
    event?: { webhookEventId?: string };
  }[];
  return entries.filter((entry) => entry.from === 'user').pop()?.event?.webhookEventId;
}

/** The photo is fetched right after the loading animation is shown: one animation per fetch. */
function photoFetches(entries: { from: string }[]) {
  return entries.filter((entry) => entry.from === 'loading').length;
}

async function fetchTimeline(kit: LineTestKit, userId: string) {
  const response = await fetch(
    `${kit.lineSim.url}/__sim/messages?channelId=${kit.demo.channel.lineChannelId}&userId=${userId}`,
  );
  return ((await response.json()) as { entries: { from: string }[] }).entries;
}
