import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { and, eq } from 'drizzle-orm';
import request from 'supertest';
import { createLineSimulatorIdTokenMinter } from '../../bot/liff/liff.dev-login.js';
import { parsePostback } from '../../core/conversations/index.js';
import { members } from '../../core/members/index.js';
import { submissions } from '../../core/submissions/index.js';
import { surveyAnswers, surveyProgress, surveys, type SurveyQuestion } from '../../core/surveys/index.js';
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

const PURCHASE_DATE = taipeiDaysAgo(3);
const invoice = (invoiceNumber: string, randomCode: string) => ({
  invoiceNumber,
  invoiceDate: PURCHASE_DATE,
  randomCode,
  sellerBan: '28414044',
  sellerName: '好茶專賣店',
  totalAmount: 300,
  items: [{ name: '好茶紅茶 600ml', quantity: 5, unitPrice: 60 }],
});
const typed = (number: string, code: string) => ({
  type: 'text',
  text: `${number} ${rocDate(PURCHASE_DATE)} ${code}`,
});

/** Two single-choice questions the chat asks (the second optional), and an optional one for the app. */
const CHAT_QUESTIONS: SurveyQuestion[] = [
  {
    key: 'where',
    type: 'single',
    required: true,
    label: { en: 'Where did you buy it?', 'zh-TW': '您在哪裡購買？', th: 'คุณซื้อที่ไหน?' },
    options: [
      { key: 'store', label: { en: 'In a store', 'zh-TW': '門市', th: 'ที่ร้าน' } },
      { key: 'online', label: { en: 'Online', 'zh-TW': '網路', th: 'ออนไลน์' } },
    ],
  },
  {
    key: 'again',
    type: 'single',
    required: false,
    label: { en: 'Will you buy it again?', 'zh-TW': '還會再買嗎？', th: 'จะซื้ออีกไหม?' },
    options: [
      { key: 'yes', label: { en: 'Yes', 'zh-TW': '會', th: 'ซื้อ' } },
      { key: 'no', label: { en: 'No', 'zh-TW': '不會', th: 'ไม่ซื้อ' } },
    ],
  },
  { key: 'note', type: 'text', required: false, label: { en: 'Anything else?' } },
];

type Action = { type: string; label: string; data?: string; displayText?: string; uri?: string };
type BotMessage = Record<string, unknown> & { quickReply?: { items: { action: Action }[] } };

describe('surveys answered in the LINE chat (webhook → worker → quick replies → postback)', () => {
  let kit: LineTestKit;
  let surveyId: string;

  const say = async (userId: string, body: Record<string, unknown>) => {
    const before = (await kit.botMessages(userId)).length;
    const sent = await kit.userSends(userId, body);
    await kit.drain();
    const after = await kit.botMessages(userId);
    return { sent, answers: after.slice(before) };
  };
  /** Taps a quick reply as the chat page does: a postback with its data and display text. */
  const tap = (userId: string, action: Action | undefined, extra: Record<string, unknown> = {}) => {
    if (!action?.data) throw new Error(`not a postback action: ${JSON.stringify(action)}`);
    return say(userId, { type: 'postback', data: action.data, displayText: action.displayText, ...extra });
  };
  const quickActions = (message: BotMessage | undefined) =>
    (message?.quickReply?.items ?? []).map((item) => item.action);
  const option = (message: BotMessage | undefined, label: string) =>
    quickActions(message).find((action) => action.type === 'postback' && action.label === label);
  const memberIdOf = async (lineUserId: string) => {
    const [member] = await kit.services.database.db
      .select()
      .from(members)
      .where(and(eq(members.brandId, kit.demo.brand.id), eq(members.lineUserId, lineUserId)));
    return member!.id;
  };
  const latestSubmissionOf = async (lineUserId: string) => {
    const rows = await kit.services.database.db
      .select()
      .from(submissions)
      .where(eq(submissions.memberId, await memberIdOf(lineUserId)));
    return rows.sort((a, b) => b.createdAt.getTime() - a.createdAt.getTime())[0]!;
  };
  const answersOf = (lineUserId: string) =>
    memberIdOf(lineUserId).then((memberId) =>
      kit.services.database.db.select().from(surveyAnswers).where(eq(surveyAnswers.memberId, memberId)),
    );
  const progressOf = (lineUserId: string) =>
    memberIdOf(lineUserId).then((memberId) =>
      kit.services.database.db.select().from(surveyProgress).where(eq(surveyProgress.memberId, memberId)),
    );
  const liffAs = async (userId: string) => {
    const mint = createLineSimulatorIdTokenMinter({ simulatorUrl: kit.lineSim.url });
    const token = await mint({ clientId: kit.demo.channel.loginChannelId!, userId });
    return { authorization: `Bearer ${token}`, 'x-liff-id': kit.demo.channel.liffId! };
  };

  beforeAll(async () => {
    kit = await createLineTestKit({
      invoices: [
        invoice('SV20250001', '1001'),
        invoice('SV20250002', '1002'),
        invoice('SV20250003', '1003'),
        invoice('SV20250004', '1004'),
        // Not uploaded by the store for a long time: answered "waiting", decided later.
        { ...invoice('SV20250005', '1005'), uploadedAfterHours: 10_000 },
        invoice('SV20250006', '1006'),
        invoice('SV20250007', '1007'),
      ],
    });
    surveyId = kit.services.generateId('survey');
    await kit.services.database.db.insert(surveys).values({
      id: surveyId,
      brandId: kit.demo.brand.id,
      campaignId: kit.demo.campaign.id,
      title: { en: 'Two quick questions', 'zh-TW': '兩個小問題', th: 'สองคำถามสั้น ๆ' },
      frequency: 'per_proof',
      questions: CHAT_QUESTIONS,
    });
  });
  afterAll(async () => {
    await kit?.close();
  });

  let firstQuestion: BotMessage | undefined;
  let secondQuestion: BotMessage | undefined;

  test('when a proof is accepted and its campaign has a single-choice survey, then the answer asks the first question with postback quick replies', async () => {
    await say(ALICE, { type: 'follow' });
    const { answers } = await say(ALICE, typed('SV20250001', '1001'));

    expect(answers).toHaveLength(1);
    const messages = answers[0]!.messages as BotMessage[];
    expect(messages).toHaveLength(2);
    expect(textsOf([messages[0]!])).toContain('Accepted!');
    firstQuestion = messages[1];
    expect(textsOf([firstQuestion!])).toContain('Where did you buy it?');
    expect(textsOf([firstQuestion!])).toContain('Question 1 of 2');
    const actions = quickActions(firstQuestion);
    expect(actions.map((action) => [action.type, action.label])).toEqual([
      ['postback', 'In a store'],
      ['postback', 'Online'],
      ['uri', 'Answer in the app'],
    ]);
    expect(actions[2]!.uri).toBe(`https://liff.line.me/${kit.demo.channel.liffId}#/survey`);
    const submission = await latestSubmissionOf(ALICE);
    expect(submission.state).toMatch(/accepted|rewarded/);
    for (const action of actions.slice(0, 2)) {
      expect(action.data!.length).toBeLessThanOrEqual(300);
      expect(parsePostback(action.data!)).toEqual({
        command: 'survey_answer',
        surveyId,
        submissionId: submission.id,
        question: 'where',
        option: action.label === 'In a store' ? 'store' : 'online',
      });
    }
    expect(option(firstQuestion, 'In a store')?.displayText).toBe('In a store');
  });

  test('when the member taps a choice and LINE redelivers the postback, then the choice is kept once and the next question is asked once', async () => {
    const { sent, answers } = await tap(ALICE, option(firstQuestion, 'In a store'), { times: 2 });

    expect(sent.statuses).toEqual([200, 200]);
    expect(answers).toHaveLength(1);
    secondQuestion = answers[0]!.messages[0] as BotMessage;
    expect(textsOf([secondQuestion])).toContain('Will you buy it again?');
    expect(textsOf([secondQuestion])).toContain('Question 2 of 2');
    expect(quickActions(secondQuestion).map((action) => action.label)).toEqual([
      'Yes',
      'No',
      'Skip',
      'Answer in the app',
    ]);
    const progress = await progressOf(ALICE);
    expect(progress).toHaveLength(1);
    expect(progress[0]!.answers).toEqual({ where: 'store' });
    expect(await answersOf(ALICE)).toHaveLength(0);
  });

  test('when the member taps an answered question again (another choice), then the first choice stands and the open question is asked again', async () => {
    const { answers } = await tap(ALICE, option(firstQuestion, 'Online'));

    expect(textsOf(answers[0]!.messages)).toContain('Will you buy it again?');
    expect((await progressOf(ALICE))[0]!.answers).toEqual({ where: 'store' });
    expect(await answersOf(ALICE)).toHaveLength(0);
  });

  test('when the last question is answered (redelivered, then tapped again), then one answer is stored linked to member and proof, and one thank-you is sent', async () => {
    const yes = option(secondQuestion, 'Yes');
    const first = await tap(ALICE, yes, { times: 3 });
    const again = await tap(ALICE, yes);

    expect(first.answers).toHaveLength(1);
    expect(textsOf(first.answers[0]!.messages)).toContain('Thank you!');
    expect(textsOf(again.answers[0]!.messages)).toContain('You have already answered this survey.');
    const all = await kit.botMessages(ALICE);
    expect(all.filter((entry) => textsOf(entry.messages).includes('Thank you!'))).toHaveLength(1);

    const submission = await latestSubmissionOf(ALICE);
    const stored = await answersOf(ALICE);
    expect(stored).toHaveLength(1);
    expect(stored[0]).toMatchObject({
      surveyId,
      memberId: await memberIdOf(ALICE),
      submissionId: submission.id,
      answerScope: submission.id,
      answers: { where: 'store', again: 'yes' },
    });
    expect(await progressOf(ALICE)).toHaveLength(0);
  });

  test('when the LIFF app asks for a due survey afterwards, then the chat-answered survey is not due any more', async () => {
    const response = await request(kit.app)
      .get('/api/liff/surveys/due')
      .set(await liffAs(ALICE));

    expect(response.status).toBe(200);
    expect(response.body.survey).toBeNull();
  });

  test("when a member taps a choice for another member's proof, an unknown choice or forged data, then the answer is polite and nothing is stored", async () => {
    await say(SOMCHAI, { type: 'follow' });
    const accepted = await say(SOMCHAI, typed('SV20250002', '1002'));
    const somchaiQuestion = accepted.answers[0]!.messages[1] as BotMessage;
    const store = option(somchaiQuestion, 'ที่ร้าน');
    expect(store).toBeDefined();
    const somchaiSubmission = await latestSubmissionOf(SOMCHAI);

    // Alice replays Somchai's choice: the proof is not hers.
    const stolen = await tap(ALICE, store);
    // Somchai sends a choice the question does not have, and data that is not ours at all.
    const unknown = await say(SOMCHAI, {
      type: 'postback',
      data: store!.data!.replace('o=store', 'o=gold'),
    });
    const otherSurvey = await say(SOMCHAI, {
      type: 'postback',
      data: store!.data!.replace(`s=${surveyId}`, 's=srv_unknown'),
    });
    const garbage = await say(SOMCHAI, { type: 'postback', data: 'action=survey&s=<script>&extra=1' });

    expect(textsOf(stolen.answers[0]!.messages)).toContain(
      'This survey question is not open to you any more.',
    );
    for (const { answers } of [unknown, otherSurvey, garbage])
      expect(textsOf(answers[0]!.messages)).toContain('คำถามนี้ไม่เปิดให้คุณตอบแล้ว');
    expect(await answersOf(SOMCHAI)).toHaveLength(0);
    expect(await progressOf(SOMCHAI)).toHaveLength(0);
    expect(await answersOf(ALICE)).toHaveLength(1);
    expect(await progressOf(ALICE)).toHaveLength(0);

    // Somchai's own proof is still open, in the chat and in the app.
    const due = await request(kit.app)
      .get('/api/liff/surveys/due')
      .set(await liffAs(SOMCHAI));
    expect(due.body.survey).toMatchObject({ id: surveyId, submissionId: somchaiSubmission.id });
  });

  test('when an optional question is skipped, then the survey is complete with the choices made, and the thanks is in Thai', async () => {
    const accepted = await say(SOMCHAI, typed('SV20250002', '1002'));
    expect(textsOf(accepted.answers[0]!.messages)).toContain('ส่งไปแล้ว');
    const history = await kit.botMessages(SOMCHAI);
    const question = history
      .flatMap((entry) => entry.messages as BotMessage[])
      .find((message) => option(message, 'ที่ร้าน'));

    const second = await tap(SOMCHAI, option(question, 'ที่ร้าน'));
    const skipped = await tap(SOMCHAI, option(second.answers[0]!.messages[0] as BotMessage, 'ข้าม'));

    expect(textsOf(second.answers[0]!.messages)).toContain('คำถามที่ 2 จาก 2');
    expect(textsOf(skipped.answers[0]!.messages)).toContain('ขอบคุณ!');
    const stored = await answersOf(SOMCHAI);
    expect(stored).toHaveLength(1);
    expect(stored[0]!.answers).toEqual({ where: 'store' });
  });

  test('when a member half-way through the chat answers the whole survey in the LIFF app, then the app answer stands and the chat says it is answered', async () => {
    const accepted = await say(ALICE, typed('SV20250004', '1004'));
    const question = accepted.answers[0]!.messages[1] as BotMessage;
    const submission = await latestSubmissionOf(ALICE);
    const second = await tap(ALICE, option(question, 'Online'));
    expect(await progressOf(ALICE)).toHaveLength(1);

    const due = await request(kit.app)
      .get('/api/liff/surveys/due')
      .set(await liffAs(ALICE));
    expect(due.body.survey).toMatchObject({ id: surveyId, submissionId: submission.id });
    const posted = await request(kit.app)
      .post(`/api/liff/surveys/${surveyId}/answers`)
      .set(await liffAs(ALICE))
      .send({ submissionId: submission.id, answers: { where: 'online', again: 'no', note: 'tasty' } });
    const late = await tap(ALICE, option(second.answers[0]!.messages[0] as BotMessage, 'Yes'));

    expect(posted.status).toBe(201);
    expect(await progressOf(ALICE)).toHaveLength(0);
    expect(textsOf(late.answers[0]!.messages)).toContain('You have already answered this survey.');
    const forProof = (await answersOf(ALICE)).filter((row) => row.submissionId === submission.id);
    expect(forProof.map((row) => row.answers)).toEqual([{ where: 'online', again: 'no', note: 'tasty' }]);
  });

  test('when a waiting proof is accepted later, then the pushed decision asks the survey, and the member answers it from the push', async () => {
    await say(XIAOMING, { type: 'follow' });
    const waiting = await say(XIAOMING, typed('SV20250005', '1005'));
    expect(textsOf(waiting.answers[0]!.messages)).toContain('等待財政部平台');
    const submission = await latestSubmissionOf(XIAOMING);
    await kit.services.database.db
      .update(submissions)
      .set({ state: 'accepted', decidedAt: new Date(Date.now() + 1_000) })
      .where(eq(submissions.id, submission.id));
    const before = (await kit.botMessages(XIAOMING)).length;

    await kit.outbound.runOnce();
    await kit.outbound.runOnce();

    const pushed = (await kit.botMessages(XIAOMING)).slice(before);
    expect(pushed).toHaveLength(1);
    expect(pushed[0]!.via).toBe('push');
    const question = pushed[0]!.messages[1] as BotMessage;
    expect(textsOf(pushed[0]!.messages)).toContain('您的購買證明有新結果：登錄成功！');
    expect(textsOf([question])).toContain('第 1 題，共 2 題');
    const second = await tap(XIAOMING, option(question, '門市'));
    const done = await tap(XIAOMING, option(second.answers[0]!.messages[0] as BotMessage, '不會'));
    expect(textsOf(done.answers[0]!.messages)).toContain('感謝您！');
    expect(await answersOf(XIAOMING)).toEqual([
      expect.objectContaining({ submissionId: submission.id, answers: { where: 'store', again: 'no' } }),
    ]);
  });

  test('when a survey has a required question the chat cannot take, then the accepted card links to the survey in the LIFF app and asks nothing in the chat', async () => {
    const db = kit.services.database.db;
    await db.update(surveys).set({ active: false }).where(eq(surveys.id, surveyId));
    await db.insert(surveys).values({
      id: kit.services.generateId('survey'),
      brandId: kit.demo.brand.id,
      campaignId: kit.demo.campaign.id,
      title: { en: 'Rate us', 'zh-TW': '給我們評分' },
      frequency: 'per_member',
      questions: [
        CHAT_QUESTIONS[0]!,
        { key: 'score', type: 'scale', required: true, label: { en: 'Score' }, scale: { min: 1, max: 5 } },
      ],
    });
    const { answers } = await say(XIAOMING, typed('SV20250003', '1003'));

    const messages = answers[0]!.messages as BotMessage[];
    expect(messages).toHaveLength(1);
    const texts = textsOf(messages);
    expect(texts).toContain('登錄成功');
    expect(texts).toContain('填寫問卷');
    expect(JSON.stringify(messages[0]!.contents)).toContain(
      `https://liff.line.me/${kit.demo.channel.liffId}#/survey`,
    );
    expect(quickActions(messages[0]).some((action) => action.type === 'postback')).toBe(false);
  });

  test('when the brand runs no survey, then an accepted proof asks none; when one is switched on, then the next accepted proof asks it', async () => {
    // Arrange: every survey of the brand off (the answer's context reads whether one is on).
    const db = kit.services.database.db;
    await db.update(surveys).set({ active: false }).where(eq(surveys.brandId, kit.demo.brand.id));

    // Act, Assert: no survey to ask.
    const off = await say(ALICE, typed('SV20250006', '1006'));
    expect(off.answers).toHaveLength(1);
    expect(off.answers[0]!.messages).toHaveLength(1);
    expect(textsOf(off.answers[0]!.messages)).toContain('Accepted!');

    // Act: the chat survey switched on again, then the next proof.
    await db.update(surveys).set({ active: true }).where(eq(surveys.id, surveyId));
    const on = await say(ALICE, typed('SV20250007', '1007'));

    // Assert: the answer asks its first question.
    const messages = on.answers[0]!.messages as BotMessage[];
    expect(messages).toHaveLength(2);
    expect(textsOf([messages[1]!])).toContain('Where did you buy it?');
  });
});

describe('survey postback data', () => {
  const valid = 'action=survey&s=srv_1&p=sub_1&q=where&o=store';

  test('when the data is ours, then it names survey, proof, question and choice (no choice: skip)', () => {
    expect(parsePostback(valid)).toEqual({
      command: 'survey_answer',
      surveyId: 'srv_1',
      submissionId: 'sub_1',
      question: 'where',
      option: 'store',
    });
    expect(parsePostback('action=survey&s=srv_1&p=sub_1&q=where')).toMatchObject({ option: null });
  });

  test.each([
    ['a missing proof', 'action=survey&s=srv_1&q=where&o=store'],
    ['an unknown field', `${valid}&member=mbr_2`],
    ['a repeated action', `${valid}&action=points`],
    ['characters ids never have', 'action=survey&s=srv_1%27--&p=sub_1&q=where&o=store'],
    ['an empty choice', 'action=survey&s=srv_1&p=sub_1&q=where&o='],
    ['too long', `action=survey&s=srv_1&p=sub_1&q=where&o=${'x'.repeat(300)}`],
  ])('when the data has %s, then it is refused', (_name, data) => {
    expect(parsePostback(data)).toEqual({ command: 'survey_invalid' });
  });
});
