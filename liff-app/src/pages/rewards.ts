import type { Page } from '../app.js';
import { pick, t } from '../i18n.js';
import { rewardsApi } from '../rewards-api.js';
import { banner, busy, empty, errorBanner, h } from '../ui.js';

export const rewardsPage: Page = async ({ me, refresh, go }) => {
  const rewards = await rewardsApi.catalog();
  const status = h('div', { class: 'status-slot', 'data-testid': 'redeem-result' });
  const balance = me.balance;
  return h(
    'section',
    { 'data-page': 'rewards' },
    h('h1', {}, t('rewards.title')),
    h(
      'p',
      { class: 'muted' },
      t('home.balance'),
      ': ',
      h('strong', { 'data-testid': 'balance' }, balance.toLocaleString()),
    ),
    status,
    rewards.length === 0
      ? empty(t('rewards.empty'))
      : h(
          'ul',
          { class: 'list' },
          ...rewards.map((reward) => {
            const affordable = balance >= reward.pointsPrice;
            const available = reward.stockLeft > 0;
            const button = h(
              'button',
              {
                type: 'button',
                class: 'primary small',
                disabled: !available || !affordable,
                'data-testid': `redeem-button-${reward.id}`,
              },
              !available ? t('rewards.soldOut') : affordable ? t('rewards.redeem') : t('rewards.notEnough'),
            );
            const key = crypto.randomUUID().replace(/-/g, '');
            button.addEventListener('click', () => {
              void busy(button, t('submit.sending'), async () => {
                try {
                  await rewardsApi.redeem(reward.id, key);
                  await refresh();
                  status.replaceChildren(
                    banner(
                      'ok',
                      t('rewards.done'),
                      h(
                        'button',
                        { type: 'button', class: 'secondary', onclick: () => go('prizes') },
                        t('nav.prizes'),
                      ),
                    ),
                  );
                } catch (error) {
                  status.replaceChildren(errorBanner(error, go));
                }
              });
            });
            return h(
              'li',
              { class: 'item reward' },
              reward.imageUrl &&
                h('img', {
                  class: 'reward-image',
                  src: reward.imageUrl,
                  alt: pick(reward.name),
                  loading: 'lazy',
                  'data-testid': `reward-image-${reward.id}`,
                }),
              h(
                'div',
                {},
                h('strong', {}, pick(reward.name)),
                reward.description && h('p', { class: 'muted' }, pick(reward.description)),
              ),
              h(
                'div',
                { class: 'row' },
                h('span', { class: 'pill' }, t('rewards.cost', { points: reward.pointsPrice })),
                button,
              ),
            );
          }),
        ),
  );
};
