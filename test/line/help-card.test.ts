import { describe, expect, test } from '@jest/globals';
import { renderAnswer } from '../../core/messaging/providers/line-flex.answer-renderer.js';

describe('the help card is rendered once per language and LIFF app, and shared', () => {
  const help = (locale: 'en' | 'th' | 'zh-TW', liffId: string | undefined) =>
    renderAnswer({ kind: 'help' }, { locale, liffId, timezone: 'Asia/Taipei' });

  test('the same language and LIFF app get the same card, not a new rendering', () => {
    const first = help('zh-TW', 'liff-a');
    const again = help('zh-TW', 'liff-a');

    expect(again).toEqual(first);
    expect(again[0]).toBe(first[0]);
  });

  test('the shared card cannot be changed by one member answer for the next', () => {
    const [card] = help('en', 'liff-a') as [Record<string, unknown>];

    expect(() => {
      card.altText = 'changed';
    }).toThrow(TypeError);
    expect(help('en', 'liff-a')[0]?.altText).not.toBe('changed');
  });

  test("each language and each channel's LIFF app keep their own card", () => {
    const english = JSON.stringify(help('en', 'liff-a'));

    expect(JSON.stringify(help('th', 'liff-a'))).not.toBe(english);
    expect(JSON.stringify(help('en', 'liff-b'))).toContain('https://liff.line.me/liff-b');
    expect(JSON.stringify(help('en', 'liff-b'))).not.toContain('liff-a');
    expect(JSON.stringify(help('en', undefined))).not.toContain('https://liff.line.me/');
  });
});
