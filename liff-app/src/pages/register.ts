import { api, ApiError, type ConsentTexts, type RegistrationOptions } from '../api.js';
import type { Page } from '../app.js';
import { getLocale, pick, t } from '../i18n.js';
import { banner, busy, field, errorBanner, h, setFieldError } from '../ui.js';

/** A select's first option when nothing is chosen yet: nothing is preselected for the member. */
const choose = (selected: boolean) =>
  h('option', { value: '', disabled: true, selected }, t('register.choose'));

export const registerPage: Page = async ({ me, refresh, go, notify }) => {
  const [texts, options] = await Promise.all([
    api<ConsentTexts>('/api/liff/consent-texts'),
    api<RegistrationOptions>('/api/liff/registration-options'),
  ]);
  const locale = getLocale();
  const profile = me.member.profile;
  const input = (attrs: Record<string, string | boolean>) => h('input', attrs);
  const name = input({
    name: 'name',
    autocomplete: 'name',
    required: true,
    maxlength: '100',
    value: profile?.name ?? me.member.displayName ?? '',
  });
  const phone = input({
    name: 'phone',
    type: 'tel',
    autocomplete: 'tel',
    inputmode: 'tel',
    required: true,
    value: profile?.phone ?? '',
  });
  const email = input({
    name: 'email',
    type: 'email',
    autocomplete: 'email',
    required: true,
    value: profile?.email ?? '',
  });
  const gender = h(
    'select',
    { name: 'gender', required: true },
    choose(!profile?.gender),
    ...(['female', 'male', 'other', 'undisclosed'] as const).map((g) =>
      h('option', { value: g, selected: profile?.gender === g }, t(`register.gender.${g}`)),
    ),
  );
  const birthday = input({
    name: 'birthday',
    type: 'date',
    autocomplete: 'bday',
    required: true,
    value: profile?.birthday ?? '',
  });
  const region = h(
    'select',
    { name: 'region', required: true },
    choose(!options.regions.some((r) => r.code === profile?.region)),
    ...options.regions.map((r) =>
      h('option', { value: r.code, selected: profile?.region === r.code }, pick(r.names)),
    ),
  );
  const consentBox = (kind: 'data_processing' | 'marketing', label: string) => {
    const box = h('input', {
      type: 'checkbox',
      name: kind,
      id: `consent-${kind}`,
      checked: me.member.consents[kind]?.granted === true,
    });
    return {
      box,
      element: h(
        'div',
        { class: 'consent' },
        h(
          'p',
          { class: 'consent-text', id: `consent-${kind}-text` },
          texts[kind].text[locale] ?? texts[kind].text.en ?? '',
        ),
        h('label', { class: 'check' }, box, ' ', label),
      ),
    };
  };
  const data = consentBox('data_processing', t('register.consentData'));
  const marketing = consentBox('marketing', t('register.consentMarketing'));
  const status = h('div', { class: 'status-slot' });
  const submit = h('button', { class: 'primary', type: 'submit' }, t('register.submit'));
  const fields = { name, phone, email, gender, birthday, region };

  const form = h(
    'form',
    { novalidate: true, 'aria-labelledby': 'register-title' },
    field(t('register.name'), name),
    field(t('register.phone'), phone, t('register.phoneHint', { example: options.phoneExample })),
    field(t('register.email'), email),
    field(t('register.gender'), gender),
    field(t('register.birthday'), birthday),
    field(t('register.region'), region),
    h('fieldset', {}, h('legend', {}, t('profile.consents')), data.element, marketing.element),
    status,
    submit,
  );
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    for (const element of Object.values(fields)) setFieldError(element, undefined);
    status.replaceChildren();
    if (!data.box.checked) {
      status.replaceChildren(banner('error', t('register.consentRequired')));
      data.box.focus();
      return;
    }
    void busy(submit, t('submit.sending'), async () => {
      try {
        const answer = await api<{ released?: { proofs: number; points: number; entries: number } }>(
          '/api/liff/register',
          {
            method: 'POST',
            body: {
              name: name.value,
              phone: phone.value,
              email: email.value,
              gender: gender.value,
              birthday: birthday.value,
              region: region.value,
              locale,
              consents: {
                dataProcessing: { granted: data.box.checked, textVersion: texts.data_processing.version },
                marketing: { granted: marketing.box.checked, textVersion: texts.marketing.version },
              },
            },
          },
        );
        await refresh();
        const released = answer.released;
        notify(
          'ok',
          released && released.proofs > 0
            ? t('register.doneReleased', { points: released.points, entries: released.entries })
            : t('register.done'),
        );
        go('home');
      } catch (error) {
        const issues =
          error instanceof ApiError
            ? ((error.details as { issues?: { path: string }[] } | undefined)?.issues ??
              (Array.isArray(error.details) ? (error.details as { path: string }[]) : []))
            : [];
        for (const issue of issues) {
          const element = fields[issue.path as keyof typeof fields];
          if (element) setFieldError(element, t('register.invalid'));
        }
        status.replaceChildren(
          issues.length ? banner('error', t('register.invalid')) : errorBanner(error, go),
        );
        const first = issues.map((i) => fields[i.path as keyof typeof fields]).find(Boolean);
        first?.focus();
      }
    });
  });
  return h(
    'section',
    { 'data-page': 'register' },
    h('h1', { id: 'register-title' }, t('register.title')),
    form,
  );
};
