import { api, type ConsentTexts } from '../api.js';
import type { Page } from '../app.js';
import { formatCalendarDate, formatDate, pick, t } from '../i18n.js';
import { busy, errorBanner, field, h } from '../ui.js';

export const profilePage: Page = async ({ me, refresh, go }) => {
  const { member } = me;
  if (!member.registered) {
    return h(
      'section',
      { 'data-page': 'profile' },
      h('h1', {}, t('profile.title')),
      h('button', { class: 'primary', type: 'button', onclick: () => go('register') }, t('home.register')),
    );
  }
  const texts = await api<ConsentTexts>('/api/liff/consent-texts');
  const p = member.profile!;
  const rows: [string, string][] = [
    [t('register.name'), p.name],
    [t('register.phone'), p.phone],
    [t('register.email'), p.email],
    [t('register.gender'), t(`register.gender.${p.gender as 'female'}`)],
    [t('register.birthday'), formatCalendarDate(p.birthday)],
    [t('register.region'), p.regionNames ? pick(p.regionNames) : p.region],
  ];
  const consentLine = (kind: 'data_processing' | 'marketing') => {
    const state = member.consents[kind];
    if (!state) return '—';
    if (state.granted) return t('profile.grantedAt', { date: formatDate(state.recordedAt) });
    return state.everGranted
      ? t('profile.withdrawnAt', { date: formatDate(state.recordedAt) })
      : t('profile.notGiven');
  };
  const marketing = h('input', { type: 'checkbox', checked: member.consents.marketing?.granted === true });
  const consentStatus = h('div', { class: 'status-slot' });
  marketing.addEventListener('change', () => {
    marketing.disabled = true;
    api('/api/liff/consents', {
      method: 'PUT',
      body: { kind: 'marketing', granted: marketing.checked, textVersion: texts.marketing.version },
    })
      .then(() => refresh())
      .then(() => go('profile'))
      .catch((error: unknown) => consentStatus.replaceChildren(errorBanner(error, go)))
      .finally(() => (marketing.disabled = false));
  });

  const memberNo = h('input', { name: 'memberNo', required: true, autocomplete: 'off' });
  const phone = h('input', { name: 'linkPhone', type: 'tel', required: true, value: p.phone });
  const link = h('button', { class: 'secondary', type: 'submit' }, t('profile.link'));
  const linkStatus = h('div', { class: 'status-slot' });
  const linkForm = h(
    'form',
    {},
    field(t('profile.memberNo'), memberNo),
    field(t('register.phone'), phone),
    linkStatus,
    link,
  );
  linkForm.addEventListener('submit', (event) => {
    event.preventDefault();
    void busy(link, t('submit.sending'), async () => {
      try {
        await api('/api/liff/membership/link', {
          method: 'POST',
          body: { memberNo: memberNo.value, phone: phone.value },
        });
        await refresh();
        go('profile');
      } catch (error) {
        linkStatus.replaceChildren(errorBanner(error, go));
      }
    });
  });

  return h(
    'section',
    { 'data-page': 'profile' },
    h('h1', {}, t('profile.title')),
    h(
      'div',
      { class: 'card' },
      h('dl', { class: 'facts' }, ...rows.flatMap(([k, v]) => [h('dt', {}, k), h('dd', {}, v)])),
      h('button', { type: 'button', class: 'secondary', onclick: () => go('register') }, t('profile.edit')),
    ),
    h(
      'div',
      { class: 'card' },
      h('h2', {}, t('profile.consents')),
      h('p', {}, t('register.consentData'), ': ', consentLine('data_processing')),
      h('label', { class: 'check' }, marketing, ' ', t('profile.marketing')),
      h('p', { class: 'muted' }, consentLine('marketing')),
      consentStatus,
    ),
    h(
      'div',
      { class: 'card' },
      h('h2', {}, t('profile.membership')),
      member.membership
        ? h(
            'p',
            { 'data-testid': 'membership' },
            t('profile.linked', { memberNo: member.membership.memberNo }),
          )
        : linkForm,
    ),
    h('button', { type: 'button', class: 'card link', onclick: () => go('data') }, t('profile.myData')),
  );
};

export const myDataPage: Page = async ({ refresh, go, notify }) => {
  const exportButton = h('button', { type: 'button', class: 'secondary' }, t('data.export'));
  exportButton.addEventListener('click', () => {
    void busy(exportButton, t('submit.sending'), async () => {
      const document_ = await api<unknown>('/api/liff/me/export');
      const url = URL.createObjectURL(
        new Blob([JSON.stringify(document_, null, 2)], { type: 'application/json' }),
      );
      const anchor = h('a', { href: url, download: 'my-data.json' });
      document.body.append(anchor);
      anchor.click();
      anchor.remove();
      setTimeout(() => URL.revokeObjectURL(url), 10_000);
    });
  });
  const confirm = h('input', { type: 'checkbox', name: 'confirm' });
  const erase = h('button', { type: 'button', class: 'danger', disabled: true }, t('data.erase'));
  confirm.addEventListener('change', () => (erase.disabled = !confirm.checked));
  const status = h('div', { class: 'status-slot' });
  erase.addEventListener('click', () => {
    void busy(erase, t('submit.sending'), async () => {
      try {
        await api('/api/liff/me/erase', { method: 'POST', body: { confirm: true } });
        await refresh();
        notify('ok', t('data.erased'));
        go('home');
      } catch (error) {
        status.replaceChildren(errorBanner(error, go));
      }
    });
  });
  return h(
    'section',
    { 'data-page': 'data' },
    h('h1', {}, t('data.title')),
    h('div', { class: 'card' }, h('p', {}, t('data.exportHelp')), exportButton),
    h(
      'div',
      { class: 'card' },
      h('p', {}, t('data.eraseHelp')),
      h('label', { class: 'check' }, confirm, ' ', t('data.eraseConfirm')),
      status,
      erase,
    ),
  );
};
