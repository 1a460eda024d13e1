import { ApiError } from '../api.js';
import type { Page } from '../app.js';
import { formatDate, pick, t, type MessageKey } from '../i18n.js';
import { rewardsApi, type DrawWin, type ScratchCard } from '../rewards-api.js';
import { banner, busy, empty, errorBanner, field, h, setFieldError } from '../ui.js';

/** A redemption's state in words (never the stored code). */
const REDEMPTION_STATES: Record<string, MessageKey> = {
  reserved: 'prizes.state.reserved',
  fulfilled: 'prizes.state.fulfilled',
  cancelled: 'prizes.state.cancelled',
};

/** The form a prize above NT$1,000 asks for: what the tax return needs, sent once (and correctable). */
function taxForm(win: DrawWin, done: () => void): HTMLFormElement {
  const fields = {
    name: h('input', { name: 'taxName', required: true, autocomplete: 'name' }),
    idNumber: h('input', {
      name: 'taxId',
      required: true,
      autocomplete: 'off',
      autocapitalize: 'characters',
    }),
    address: h('input', { name: 'taxAddress', required: true, autocomplete: 'street-address' }),
  };
  const resident = h('input', { type: 'checkbox', name: 'taxResident', checked: true });
  const status = h('div', { class: 'status-slot' });
  const submit = h(
    'button',
    { class: 'primary', type: 'submit', 'data-testid': `tax-send-${win.id}` },
    t('prizes.taxSend'),
  );
  const form = h(
    'form',
    { 'data-testid': `tax-form-${win.id}` },
    h('p', { class: 'muted' }, t('prizes.taxNeeded')),
    field(t('prizes.taxName'), fields.name),
    field(t('prizes.taxId'), fields.idNumber),
    field(t('prizes.taxAddress'), fields.address),
    h('label', { class: 'check' }, resident, ' ', t('prizes.taxResident')),
    status,
    submit,
  );
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    for (const element of Object.values(fields)) setFieldError(element, undefined);
    status.replaceChildren();
    void busy(submit, t('submit.sending'), async () => {
      try {
        await rewardsApi.sendTaxDetails(win.id, {
          name: fields.name.value,
          idNumber: fields.idNumber.value,
          address: fields.address.value,
          resident: resident.checked,
        });
        done();
      } catch (error) {
        const issues =
          error instanceof ApiError
            ? ((error.details as { issues?: { path: unknown }[] } | undefined)?.issues ?? [])
            : [];
        for (const issue of issues) {
          const element = fields[String(issue.path) as keyof typeof fields];
          if (element) setFieldError(element, t('register.invalid'));
        }
        status.replaceChildren(issues.length ? banner('error', t('register.invalid')) : errorBanner(error));
      }
    });
  });
  return form;
}

function drawWinItem(win: DrawWin): HTMLElement {
  const item = h(
    'li',
    { class: 'item', 'data-testid': `draw-win-${win.id}` },
    h('strong', {}, t('prizes.drawPrize', { prize: pick(win.prizeName), draw: pick(win.drawName) })),
  );
  const received = () => banner('ok', t('prizes.taxReceived'));
  if (win.paperwork === 'needed')
    item.append(
      taxForm(win, () => {
        item.querySelector('form')?.replaceWith(received());
      }),
    );
  else if (win.paperwork === 'received') item.append(received());
  return item;
}

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
  const [cards, coupons, wins] = await Promise.all([
    rewardsApi.scratchCards(),
    rewardsApi.redemptions(),
    rewardsApi.drawWins(),
  ]);
  return h(
    'section',
    { 'data-page': 'prizes' },
    h('h1', {}, t('prizes.title')),
    wins.length > 0 && h('h2', {}, t('prizes.draws')),
    wins.length > 0 && h('ul', { class: 'list' }, ...wins.map(drawWinItem)),
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
              h(
                'p',
                { class: 'muted' },
                formatDate(c.createdAt),
                ' · ',
                t(REDEMPTION_STATES[c.state] ?? 'prizes.state.reserved'),
              ),
            ),
          ),
        ),
  );
};
