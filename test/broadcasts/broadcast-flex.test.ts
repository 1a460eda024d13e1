import { describe, expect, test } from '@jest/globals';
import { flexMessageSchema, parseFlexInput } from '../../core/broadcasts/broadcasts.flex.js';
import { createBroadcastBodySchema } from '../../core/broadcasts/broadcasts.schemas.js';
import { renderMessage, renderQuickReplies, type RenderNode } from '../../sim/line/message-renderer.js';

const text = (value: string) => ({ type: 'text', text: value });
const bubble = (title = 'tea') => ({
  type: 'bubble',
  body: { type: 'box', layout: 'vertical', contents: [text(title)] },
});

describe("Flex messages within LINE's limits", () => {
  test('when a carousel holds 12 bubbles, then it passes; 13, then the problem is at contents', () => {
    const twelve = { type: 'carousel', contents: Array.from({ length: 12 }, () => bubble()) };
    expect(parseFlexInput(JSON.stringify(twelve), 'teas')).toMatchObject({ ok: true });
    const thirteen = { ...twelve, contents: [...twelve.contents, bubble()] };
    expect(parseFlexInput(JSON.stringify(thirteen), 'teas')).toEqual({
      ok: false,
      problems: [{ path: 'contents', message: 'a carousel holds at most 12 bubbles', code: 'carouselMax' }],
    });
  });

  test("when a bubble's JSON is over 30 KB, then it is refused with its size", () => {
    const big = bubble('x'.repeat(31_000));
    const parsed = parseFlexInput(JSON.stringify(big), 'big');
    expect(parsed).toMatchObject({
      ok: false,
      problems: [{ path: '', code: 'bubbleBytes', vars: { size: expect.stringMatching(/^31\.\d KB$/) } }],
    });
    expect(!parsed.ok && parsed.problems[0]!.message).toMatch(
      /^a bubble's JSON is at most 30 KB \(this one is 31\.\d KB\)$/,
    );
  });

  test('when a carousel of small bubbles is over 50 KB, then the carousel is refused', () => {
    const carousel = {
      type: 'carousel',
      contents: Array.from({ length: 12 }, () => bubble('y'.repeat(4_500))),
    };
    const parsed = parseFlexInput(JSON.stringify(carousel), 'big');
    expect(!parsed.ok && parsed.problems.map((problem) => problem.message)).toEqual([
      expect.stringMatching(/^a carousel's JSON is at most 50 KB/),
    ]);
  });

  test('when the JSON does not parse, then the problem says so with the line and column', () => {
    const parsed = parseFlexInput('{\n  "type": "bubble",\n  oops\n}', 'x');
    expect(parsed.ok).toBe(false);
    expect(!parsed.ok && parsed.problems[0]).toMatchObject({
      path: 'line 3, column 3',
      message: expect.stringMatching(/^not valid JSON: /),
    });
  });

  test('when a component is wrong deep inside, then the path leads to it', () => {
    const broken = {
      type: 'bubble',
      body: {
        type: 'box',
        layout: 'vertical',
        contents: [
          { type: 'image', url: 'http://example.com/a.png' },
          { type: 'button', action: { type: 'uri', uri: 'https://a' } },
        ],
      },
      footer: { type: 'text', text: 'not a box' },
    };
    const parsed = parseFlexInput(JSON.stringify(broken), 'x');
    expect(!parsed.ok && parsed.problems).toEqual([
      { path: 'body.contents[0].url', message: 'must be an https:// URL', code: 'httpsUrl' },
      { path: 'body.contents[1].action.label', message: 'a button needs a label', code: 'buttonLabel' },
      { path: 'footer', message: 'must be a box', code: 'mustBeBox' },
    ]);
  });

  test('when a whole Flex message is pasted, then its own altText counts; an empty one is refused', () => {
    const message = { type: 'flex', altText: '', contents: bubble() };
    expect(flexMessageSchema.safeParse({ ...message, altText: 'ok' }).success).toBe(true);
    expect(parseFlexInput(JSON.stringify(message), 'ignored')).toMatchObject({
      ok: false,
      problems: [{ path: 'altText' }],
    });
  });

  test('when a broadcast carries a Flex over the limit, then the body schema names messages.N.contents…', () => {
    const parsed = createBroadcastBodySchema.safeParse({
      condition: { type: 'all' },
      messages: [text('hi'), { type: 'flex', altText: 'a', contents: { type: 'carousel', contents: [] } }],
    });
    expect(parsed.success).toBe(false);
    expect(parsed.error?.issues.map((issue) => [issue.path.join('.'), issue.message])).toEqual([
      ['messages.1.contents.contents', 'a carousel holds at least one bubble'],
    ]);
  });
});

/** The tree without empty keys, for reading in a test. */
const classesOf = (node: RenderNode): string[] => [
  node.className ?? '',
  ...(node.children ?? []).flatMap(classesOf),
];

describe('the LINE message renderer (/dev/chat and the console preview)', () => {
  test('when a carousel is rendered, then each bubble is a card with its sections and components', () => {
    const tree = renderMessage({
      type: 'flex',
      altText: 'teas',
      contents: {
        type: 'carousel',
        contents: [
          {
            type: 'bubble',
            styles: { header: { backgroundColor: '#06C755' } },
            header: {
              type: 'box',
              layout: 'vertical',
              contents: [{ type: 'text', text: 'Oolong', weight: 'bold' }],
            },
            hero: { type: 'image', url: 'https://example.com/a.png', size: 'full', aspectRatio: '20:13' },
            body: {
              type: 'box',
              layout: 'baseline',
              contents: [
                { type: 'icon', url: 'https://example.com/i.png' },
                {
                  type: 'text',
                  contents: [
                    { type: 'span', text: 'NT$' },
                    { type: 'span', text: '90', weight: 'bold' },
                  ],
                },
                { type: 'separator' },
                { type: 'spacer' },
                { type: 'filler' },
              ],
            },
            footer: {
              type: 'box',
              layout: 'vertical',
              contents: [
                { type: 'button', style: 'primary', action: { type: 'message', label: 'Buy', text: 'buy' } },
              ],
            },
          },
          bubble('Green'),
        ],
      },
    });
    expect(tree).toMatchObject({
      className: 'lm-flex lm-carousel',
      attrs: { 'data-testid': 'flex', 'aria-label': 'teas' },
    });
    expect(tree.children).toHaveLength(2);
    expect(classesOf(tree.children![0]!)).toEqual([
      'lm-card lm-mega',
      'lm-section lm-header',
      'lm-box lm-vertical',
      'lm-t lm-bold lm-nowrap',
      'lm-section lm-hero',
      'lm-img',
      'lm-section lm-body',
      'lm-box lm-baseline',
      'lm-icon',
      'lm-t lm-nowrap',
      'lm-span',
      'lm-span lm-bold',
      'lm-separator',
      'lm-spacer',
      'lm-filler',
      'lm-section lm-footer',
      'lm-box lm-vertical',
      'lm-button lm-primary',
    ]);
    const header = tree.children![0]!.children![0]!;
    expect(header.style).toEqual({ 'background-color': '#06C755' });
    const button = tree.children![0]!.children![3]!.children![0]!.children![0]!;
    expect(button).toMatchObject({ tag: 'button', text: 'Buy', action: { type: 'message', text: 'buy' } });
  });

  test('when a message carries colours or URLs that are not LINE’s, then they are left out', () => {
    const tree = renderMessage({
      type: 'flex',
      altText: 'x',
      contents: {
        type: 'bubble',
        body: {
          type: 'box',
          layout: 'vertical',
          backgroundColor: 'red; background-image: url(https://evil.example)',
          contents: [{ type: 'image', url: 'javascript:alert(1)' }],
        },
      },
    });
    const box = tree.children![0]!.children![0]!.children![0]!;
    expect(box.style).toBeUndefined();
    expect(box.children![0]!.attrs).toEqual({ src: '', alt: '' });
  });

  test('when other message types come, then text, image, sticker, location, template and quick replies render', () => {
    expect(renderMessage(text('hello'))).toEqual({ tag: 'div', className: 'lm-bubble', text: 'hello' });
    expect(
      renderMessage({ type: 'location', title: 'Shop', address: '1 Road', latitude: 13.7, longitude: 100.5 }),
    ).toMatchObject({ className: 'lm-bubble', text: '📍 Shop, 1 Road (13.7, 100.5)' });
    expect(renderMessage({ type: 'sticker', packageId: '446', stickerId: '1988' })).toMatchObject({
      text: '🧸 446/1988',
    });
    expect(
      renderMessage({
        type: 'image',
        originalContentUrl: 'https://a/b.jpg',
        previewImageUrl: 'https://a/p.jpg',
      }),
    ).toMatchObject({ tag: 'img', attrs: { src: 'https://a/p.jpg' } });
    const template = renderMessage({
      type: 'template',
      altText: 'choose',
      template: { type: 'confirm', text: 'Sure?', actions: [{ type: 'message', label: 'Yes', text: 'yes' }] },
    });
    expect(classesOf(template)).toEqual([
      'lm-template',
      'lm-card lm-template-column',
      'lm-t lm-pad',
      'lm-button lm-link',
    ]);
    expect(
      renderQuickReplies({
        type: 'text',
        text: 'x',
        quickReply: {
          items: [{ type: 'action', action: { type: 'message', label: 'Points', text: 'points' } }],
        },
      }),
    ).toEqual([
      {
        tag: 'button',
        className: 'lm-quick-reply',
        text: 'Points',
        attrs: { type: 'button' },
        action: { type: 'message', label: 'Points', text: 'points' },
      },
    ]);
  });
});
