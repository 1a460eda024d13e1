import { useState } from 'preact/hooks';
import type { BroadcastSettingsView } from '../../../../core/settings/settings.usecases';
import { api, isApiError } from '../../api';
import { formatNumber } from '../../format';
import { createTranslator } from '../../i18n';
import { can } from '../../session';
import { Banner, errorText } from '../../ui/feedback';
import { Field } from '../../ui/field';
import { messages } from './broadcast-settings.messages';

const t = createTranslator(messages);

type Draft = {
  start: string;
  end: string;
  midSend: 'wait' | 'skip';
  capMessages: string;
  capDays: string;
  plan: string;
  included: string;
  price: string;
};

const draftOf = (settings: BroadcastSettingsView): Draft => ({
  start: settings.quietHours.start,
  end: settings.quietHours.end,
  midSend: settings.quietHoursMidSend,
  capMessages: String(settings.frequencyCap.messages),
  capDays: String(settings.frequencyCap.days),
  plan: settings.linePlan.plan ?? '',
  included: settings.linePlan.includedMessages === null ? '' : String(settings.linePlan.includedMessages),
  price: settings.linePlan.overagePrice === null ? '' : String(settings.linePlan.overagePrice),
});

/** An empty box is "the plan's own figure"; anything else is sent as typed (the server says what is wrong). */
const numberOrNull = (text: string) => (text.trim() === '' ? null : Number(text));

/**
 * Broadcast settings: quiet hours (and what a send does when they begin), the frequency cap and the
 * brand's LINE plan, whose figures the cost estimate uses. Owners change them; others read them.
 */
export function BroadcastSettingsForm({
  settings,
  onSaved,
}: {
  settings: BroadcastSettingsView;
  onSaved: () => Promise<void>;
}) {
  const writable = can('settings.write');
  const [draft, setDraft] = useState<Draft>(() => draftOf(settings));
  const [busy, setBusy] = useState(false);
  const [notice, setNotice] = useState<{ kind: 'success' | 'error'; text: string } | null>(null);
  const [fieldErrors, setFieldErrors] = useState<Record<string, string>>({});
  const plan = settings.plans.find((candidate) => candidate.key === draft.plan);
  const money = (amount: number, currency: string) =>
    formatNumber(amount, { style: 'currency', currency, maximumFractionDigits: 4 });
  const set = (key: keyof Draft) => (event: { currentTarget: HTMLInputElement | HTMLSelectElement }) =>
    setDraft({ ...draft, [key]: event.currentTarget.value });

  const save = async (event: Event) => {
    event.preventDefault();
    setBusy(true);
    setNotice(null);
    setFieldErrors({});
    try {
      const { changed } = await api.patch<{ changed: string[] }>('/settings/broadcasts', {
        quietHours: { start: draft.start, end: draft.end },
        quietHoursMidSend: draft.midSend,
        frequencyCap: { messages: Number(draft.capMessages), days: Number(draft.capDays) },
        linePlan: {
          plan: draft.plan || null,
          includedMessages: draft.plan ? numberOrNull(draft.included) : null,
          overagePrice: draft.plan ? numberOrNull(draft.price) : null,
        },
      });
      setNotice({ kind: 'success', text: t(changed.length ? 'bs.saved' : 'bs.unchanged') });
      await onSaved();
    } catch (error) {
      setFieldErrors(isApiError(error) ? error.fieldErrors : {});
      setNotice({ kind: 'error', text: errorText(error) });
    } finally {
      setBusy(false);
    }
  };

  return (
    <section class="admin-section card-block" aria-labelledby="settings-broadcasts" data-testid="bs-form">
      <h2 id="settings-broadcasts">{t('bs.title')}</h2>
      {notice ? <Banner kind={notice.kind}>{notice.text}</Banner> : null}
      <form class="admin-form" onSubmit={save} noValidate>
        <h3>{t('bs.quietTitle')}</h3>
        <p class="muted small">{t('bs.quietHint')}</p>
        <div class="form-row">
          <Field label={t('bs.quietStart')} error={fieldErrors['quietHours.start']}>
            {(props) => (
              <input {...props} type="time" value={draft.start} disabled={!writable} onInput={set('start')} />
            )}
          </Field>
          <Field label={t('bs.quietEnd')} error={fieldErrors['quietHours.end']}>
            {(props) => (
              <input {...props} type="time" value={draft.end} disabled={!writable} onInput={set('end')} />
            )}
          </Field>
          <Field label={t('bs.midSend')} hint={t(draft.midSend === 'wait' ? 'bs.waitHint' : 'bs.skipHint')}>
            {(props) => (
              <select {...props} value={draft.midSend} disabled={!writable} onChange={set('midSend')}>
                <option value="wait">{t('bs.wait')}</option>
                <option value="skip">{t('bs.skip')}</option>
              </select>
            )}
          </Field>
        </div>
        <h3>{t('bs.capTitle')}</h3>
        <div class="form-row">
          <Field
            label={t('bs.capMessages')}
            hint={t('bs.capMessagesHint')}
            error={fieldErrors['frequencyCap.messages']}
          >
            {(props) => (
              <input
                {...props}
                type="number"
                min={0}
                max={50}
                inputMode="numeric"
                value={draft.capMessages}
                disabled={!writable}
                onInput={set('capMessages')}
              />
            )}
          </Field>
          <Field label={t('bs.capDays')} hint={t('bs.capDaysHint')} error={fieldErrors['frequencyCap.days']}>
            {(props) => (
              <input
                {...props}
                type="number"
                min={1}
                max={90}
                inputMode="numeric"
                value={draft.capDays}
                disabled={!writable}
                onInput={set('capDays')}
              />
            )}
          </Field>
        </div>
        <h3>{t('bs.planTitle')}</h3>
        <p class="muted small">{t('bs.planHint')}</p>
        <div class="form-row">
          <Field label={t('bs.plan')} error={fieldErrors['linePlan.plan']}>
            {(props) => (
              <select {...props} value={draft.plan} disabled={!writable} onChange={set('plan')}>
                <option value="">{t('bs.noPlan')}</option>
                {settings.plans.map((candidate) => (
                  <option key={candidate.key} value={candidate.key}>
                    {t('bs.planOption', {
                      name: candidate.name,
                      fee:
                        candidate.monthlyFee === 0
                          ? t('bs.free')
                          : money(candidate.monthlyFee, candidate.currency),
                      included: formatNumber(candidate.includedMessages),
                    })}
                  </option>
                ))}
              </select>
            )}
          </Field>
          <Field
            label={t('bs.included')}
            hint={plan ? t('bs.planFigure', { value: formatNumber(plan.includedMessages) }) : undefined}
            error={fieldErrors['linePlan.includedMessages']}
          >
            {(props) => (
              <input
                {...props}
                type="number"
                min={0}
                inputMode="numeric"
                placeholder={plan ? String(plan.includedMessages) : ''}
                value={draft.included}
                disabled={!writable || !plan}
                onInput={set('included')}
              />
            )}
          </Field>
          <Field
            label={t('bs.price')}
            hint={
              plan
                ? plan.overagePrice === null
                  ? t('bs.noOverage')
                  : t('bs.planFigure', { value: money(plan.overagePrice, plan.currency) })
                : undefined
            }
            error={fieldErrors['linePlan.overagePrice']}
          >
            {(props) => (
              <input
                {...props}
                type="number"
                min={0}
                step="0.0001"
                inputMode="decimal"
                placeholder={plan?.overagePrice === null || !plan ? '' : String(plan.overagePrice)}
                value={draft.price}
                disabled={!writable || !plan}
                onInput={set('price')}
              />
            )}
          </Field>
        </div>
        {plan && plan.source === null ? (
          <div data-testid="bs-plan-unconfirmed">
            <Banner kind="warning">{t('bs.unconfirmed', { name: plan.name })}</Banner>
          </div>
        ) : null}
        {writable ? (
          <div class="buttons">
            <button type="submit" class="primary" disabled={busy}>
              {busy ? t('bs.saving') : t('bs.save')}
            </button>
          </div>
        ) : null}
      </form>
    </section>
  );
}
