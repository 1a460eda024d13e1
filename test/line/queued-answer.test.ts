import { describe, expect, test } from '@jest/globals';
import { renderAnswer } from '../../core/messaging/providers/line-flex.answer-renderer.js';

/** "Received, checking": the proof waits for its turn with the MoF platform; the decision follows by push. */
describe('the "received, checking" answer', () => {
  const render = (locale: 'en' | 'th' | 'zh-TW', etaMs: number) =>
    JSON.stringify(
      renderAnswer(
        { kind: 'proof', outcome: 'queued', queue: { position: 37, etaMs } },
        { locale, liffId: undefined, timezone: 'Asia/Taipei' },
      ),
    );

  test.each([
    ['en', 'Received, checking', 'in about 3 min', 'Your place in the queue: 37'],
    ['zh-TW', '已收到，查核中', '約 3 分鐘內', '您目前排在第 37 位'],
    ['th', 'ได้รับแล้ว กำลังตรวจสอบ', 'ภายในประมาณ 3 นาที', 'ลำดับคิวของคุณ: 37'],
  ] as const)(
    'in %s it says the proof was received, when the result comes and its place',
    (locale, title, when, place) => {
      const card = render(locale, 2 * 60_000 + 10_000);

      expect(card).toContain(title);
      expect(card).toContain(when);
      expect(card).toContain(place);
    },
  );

  test('a wait under a minute is announced as about 1 minute, never 0', () => {
    expect(render('en', 4_000)).toContain('in about 1 min');
  });
});
