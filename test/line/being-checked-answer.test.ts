import { describe, expect, test } from '@jest/globals';
import { outcomeOfState } from '../../core/submissions/index.js';
import { renderAnswer } from '../../core/messaging/providers/line-flex.answer-renderer.js';

/** A retry of a proof still being verified is told so in the member's language, never "awaiting upload". */
describe('the "being checked" answer', () => {
  const render = (locale: 'en' | 'th' | 'zh-TW') =>
    JSON.stringify(
      renderAnswer(
        { kind: 'proof', outcome: 'being_checked', nextCheckAt: '2026-01-05T04:00:00.000Z' },
        { locale, liffId: undefined, timezone: 'Asia/Taipei' },
      ),
    );

  test.each([
    ['en', 'Being checked', 'We are checking this proof with the e-invoice platform'],
    ['zh-TW', '查核中', '我們正在向財政部電子發票平台查核這張發票'],
    ['th', 'กำลังตรวจสอบ', 'เรากำลังตรวจสอบหลักฐานนี้กับระบบใบกำกับภาษีอิเล็กทรอนิกส์'],
  ] as const)('in %s it says the proof is being checked, with the next check', (locale, title, body) => {
    const card = render(locale);

    expect(card).toContain(title);
    expect(card).toContain(body);
    expect(card).toMatch(/12:00/);
    expect(card).not.toMatch(/has not uploaded|尚未上傳|ยังไม่ได้อัปโหลด/);
  });

  test('a stored proof not verified yet answers "being checked"; only a proof the platform does not have yet waits for upload', () => {
    expect(outcomeOfState('received')).toBe('being_checked');
    expect(outcomeOfState('parsed')).toBe('being_checked');
    expect(outcomeOfState('awaiting_upload')).toBe('awaiting_upload');
  });
});
