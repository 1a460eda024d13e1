import { api, type DueSurvey } from '../api.js';
import type { Page } from '../app.js';
import { formatDate, pick, t } from '../i18n.js';
import { h } from '../ui.js';

export const homePage: Page = async ({ me, go }) => {
  const survey = me.member.registered
    ? await api<{ survey: DueSurvey | null }>('/api/liff/surveys/due').catch(() => ({ survey: null }))
    : { survey: null };
  return h(
    'section',
    { 'data-page': 'home', 'aria-labelledby': 'home-title' },
    h('h1', { id: 'home-title' }, t('home.title')),
    !me.member.registered &&
      h(
        'div',
        { class: 'card cta' },
        h(
          'p',
          { 'data-testid': 'register-help' },
          me.held.proofs > 0
            ? t('home.registerHeld', { points: me.held.points, entries: me.held.entries })
            : me.campaign?.registrationRequired
              ? t('home.registerRequired')
              : me.balance > 0
                ? t('home.registerKeep', { points: me.balance })
                : t('home.registerHelp'),
        ),
        h('button', { class: 'primary', type: 'button', onclick: () => go('register') }, t('home.register')),
      ),
    h(
      'div',
      { class: 'stats' },
      h(
        'div',
        { class: 'stat' },
        h('span', { class: 'value', 'data-testid': 'balance' }, me.balance.toLocaleString()),
        h('span', { class: 'label' }, t('home.balance')),
      ),
      h(
        'div',
        { class: 'stat' },
        h('span', { class: 'value', 'data-testid': 'entries' }, me.entries.toLocaleString()),
        h('span', { class: 'label' }, t('home.entries')),
      ),
    ),
    survey.survey &&
      h('button', { class: 'card link', type: 'button', onclick: () => go('survey') }, t('home.survey')),
    h(
      'div',
      { class: 'card' },
      h('h2', {}, t('home.campaign')),
      me.campaign
        ? h(
            'div',
            {},
            h('p', { class: 'campaign-name' }, pick(me.campaign.name)),
            me.campaign.description && h('p', {}, pick(me.campaign.description)),
            h('p', { class: 'muted' }, t('home.until', { date: formatDate(me.campaign.registerTo) })),
            me.member.registered &&
              h(
                'button',
                { class: 'primary', type: 'button', onclick: () => go('submit') },
                t('home.submit'),
              ),
          )
        : h('p', { class: 'empty' }, t('home.noCampaign')),
    ),
    me.draw &&
      h(
        'div',
        { class: 'card' },
        h('h2', {}, t('home.seedHash')),
        h('p', { class: 'muted' }, pick(me.draw.name), ' · ', formatDate(me.draw.periodTo)),
        h('code', { class: 'hash', 'data-testid': 'seed-hash' }, me.draw.seedHash),
        h('p', { class: 'hint' }, t('home.seedHashHelp')),
      ),
  );
};
