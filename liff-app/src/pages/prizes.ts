import type { Page } from '../app.js';
import { formatDate, pick, t } from '../i18n.js';
import { rewardsApi, type ScratchCard } from '../rewards-api.js';
import { empty, errorBanner, h } from '../ui.js';

/** A scratch card: the result is fetched on the first touch, then the silver layer is scratched away. */
function scratchCard(card: ScratchCard): HTMLElement {
  const result = h('p', { class: 'scratch-result', 'aria-live': 'polite', 'data-testid': 'scratch-result' });
  const canvas = h('canvas', { width: 280, height: 120, class: 'scratch-layer', 'aria-hidden': 'true' });
  const button = h(
    'button',
    { type: 'button', class: 'secondary', 'data-testid': `scratch-play-${card.id}` },
    t('prizes.scratch'),
  );
  const wrap = h('div', { class: 'scratch' }, result, canvas);
  const showResult = (play: ScratchCard) => {
    result.textContent = play.won ? t('prizes.won', { name: pick(play.prize?.name) }) : t('prizes.lost');
    result.classList.toggle('won', Boolean(play.won));
  };
  if (card.state === 'revealed') {
    showResult(card);
    canvas.remove();
    button.remove();
  } else {
    const context = canvas.getContext('2d');
    if (context) {
      context.fillStyle = '#b8bcc2';
      context.fillRect(0, 0, canvas.width, canvas.height);
      context.fillStyle = '#6b7078';
      context.font = '16px sans-serif';
      context.fillText(t('prizes.scratchHelp'), 16, 64);
      context.globalCompositeOperation = 'destination-out';
    }
    let revealing: Promise<void> | undefined;
    const reveal = () =>
      (revealing ??= rewardsApi.scratch(card).then(showResult, (error: unknown) => {
        revealing = undefined;
        result.replaceChildren(errorBanner(error));
      }));
    let scratched = 0;
    canvas.addEventListener('pointerdown', () => void reveal());
    canvas.addEventListener('pointermove', (event) => {
      if (!context || event.buttons === 0) return;
      const box = canvas.getBoundingClientRect();
      context.beginPath();
      context.arc(
        ((event.clientX - box.left) / box.width) * canvas.width,
        ((event.clientY - box.top) / box.height) * canvas.height,
        18,
        0,
        Math.PI * 2,
      );
      context.fill();
      if (++scratched > 40) canvas.classList.add('done');
    });
    // Keyboard and screen-reader users (and impatient thumbs) reveal it in one go.
    button.addEventListener('click', () => {
      void reveal().then(() => {
        canvas.classList.add('done');
        button.remove();
      });
    });
  }
  return h(
    'li',
    { class: 'item' },
    h('strong', {}, t('prizes.scratch')),
    wrap,
    card.state === 'revealed' ? null : button,
  );
}

export const prizesPage: Page = async () => {
  const [cards, coupons] = await Promise.all([rewardsApi.scratchCards(), rewardsApi.redemptions()]);
  return h(
    'section',
    { 'data-page': 'prizes' },
    h('h1', {}, t('prizes.title')),
    cards.length > 0 &&
      h('ul', { class: 'list' }, ...cards.filter((c) => c.state !== 'voided').map(scratchCard)),
    h('h2', {}, t('prizes.coupons')),
    coupons.length === 0
      ? empty(t('prizes.empty'))
      : h(
          'ul',
          { class: 'list' },
          ...coupons.map((c) =>
            h(
              'li',
              { class: 'item coupon', 'data-testid': 'coupon' },
              h('strong', {}, pick(c.rewardName)),
              c.couponCode &&
                h(
                  'p',
                  {},
                  t('prizes.code'),
                  ': ',
                  h('code', { class: 'code', 'data-testid': 'coupon-code' }, c.couponCode),
                ),
              h('p', { class: 'muted' }, formatDate(c.createdAt), ' · ', c.state),
            ),
          ),
        ),
  );
};
