import { useState } from 'preact/hooks';
import { api } from '../../api';
import { createTranslator } from '../../i18n';
import { ErrorBanner } from '../../ui/feedback';
import { Field } from '../../ui/field';
import { CampaignSelect, useCampaigns } from '../../ui/campaign-select';
import { cleanLocalized, LocalizedFields, type Localized } from '../../ui/localized';
import { fromLocalInput, splitError } from '../rewards/shared';
import { messages } from './messages';

const t = createTranslator(messages);

type PrizeDraft = { key: string; name: string; quantity: string; value: string };

export function DrawForm({
  defaultCampaign,
  onDone,
}: {
  defaultCampaign: string;
  onDone: (drawId?: string) => void;
}) {
  const campaigns = useCampaigns();
  const [campaign, setCampaign] = useState(defaultCampaign);
  const [name, setName] = useState<Localized>({});
  const [from, setFrom] = useState('');
  const [to, setTo] = useState('');
  const [reserves, setReserves] = useState('1');
  const [maxWins, setMaxWins] = useState('1');
  const [requireReviewed, setRequireReviewed] = useState(false);
  const [prizes, setPrizes] = useState<PrizeDraft[]>([{ key: 'grand', name: '', quantity: '1', value: '' }]);
  const [failure, setFailure] = useState<{ fieldErrors: Record<string, string>; error: unknown } | null>(
    null,
  );
  const [saving, setSaving] = useState(false);
  const errors = failure?.fieldErrors ?? {};
  const setPrize = (index: number, patch: Partial<PrizeDraft>) =>
    setPrizes((current) => current.map((prize, i) => (i === index ? { ...prize, ...patch } : prize)));

  const submit = async (event: Event) => {
    event.preventDefault();
    setSaving(true);
    setFailure(null);
    try {
      const answer = await api.post<{ draw: { id: string } }>('/draws', {
        campaign,
        name: cleanLocalized(name),
        periodFrom: fromLocalInput(from),
        periodTo: fromLocalInput(to),
        reserveCount: Number(reserves || 0),
        maxWinsPerMember: Number(maxWins || 1),
        requireReviewedProofs: requireReviewed,
        prizes: prizes.map((prize) => ({
          key: prize.key,
          name: { 'zh-TW': prize.name, en: prize.name },
          quantity: Number(prize.quantity || 0),
          ...(prize.value ? { valueMinor: Math.round(Number(prize.value) * 100) } : {}),
        })),
      });
      onDone(answer.draw.id);
    } catch (error) {
      setFailure(splitError(error));
    } finally {
      setSaving(false);
    }
  };

  return (
    <form class="card" onSubmit={submit} aria-labelledby="draw-form-title" noValidate>
      <h2 id="draw-form-title">{t('draws.new')}</h2>
      {failure?.error ? <ErrorBanner error={failure.error} /> : null}
      <div class="form-grid">
        <CampaignSelect
          label={t('draws.campaign')}
          campaigns={campaigns}
          value={campaign}
          error={errors.campaign}
          onChange={setCampaign}
        />
        <LocalizedFields
          label={{ 'zh-TW': t('draws.nameZh'), en: t('draws.nameEn'), th: t('draws.nameTh') }}
          name={{ 'zh-TW': 'nameZh', en: 'nameEn', th: 'nameTh' }}
          value={name}
          error={errors.name}
          onChange={setName}
        />
        <Field label={t('draws.from')} error={errors.periodFrom}>
          {(props) => (
            <input
              {...props}
              name="periodFrom"
              type="datetime-local"
              value={from}
              onInput={(e) => setFrom(e.currentTarget.value)}
            />
          )}
        </Field>
        <Field label={t('draws.to')} error={errors.periodTo}>
          {(props) => (
            <input
              {...props}
              name="periodTo"
              type="datetime-local"
              value={to}
              onInput={(e) => setTo(e.currentTarget.value)}
            />
          )}
        </Field>
        <Field label={t('draws.reserves')} error={errors.reserveCount}>
          {(props) => (
            <input
              {...props}
              name="reserveCount"
              type="number"
              min={0}
              value={reserves}
              onInput={(e) => setReserves(e.currentTarget.value)}
            />
          )}
        </Field>
        <Field label={t('draws.maxWins')} error={errors.maxWinsPerMember}>
          {(props) => (
            <input
              {...props}
              name="maxWins"
              type="number"
              min={1}
              value={maxWins}
              onInput={(e) => setMaxWins(e.currentTarget.value)}
            />
          )}
        </Field>
        <label class="check-line">
          <input
            type="checkbox"
            name="requireReviewedProofs"
            checked={requireReviewed}
            onChange={(event) => setRequireReviewed(event.currentTarget.checked)}
          />{' '}
          {t('draws.requireReviewed')}
        </label>
      </div>
      <p class="muted">{t('draws.recheckNote')}</p>
      <fieldset>
        <legend>{t('draws.prizes')}</legend>
        {errors.prizes ? <p class="field-error">{errors.prizes}</p> : null}
        {prizes.map((prize, index) => (
          <div class="form-grid" key={index} style={{ gridTemplateColumns: '1fr 2fr 1fr 1fr auto' }}>
            <Field label={t('draws.prizeKey')} error={errors[`prizes.${index}.key`]}>
              {(props) => (
                <input
                  {...props}
                  name={`prizeKey${index}`}
                  value={prize.key}
                  onInput={(e) => setPrize(index, { key: e.currentTarget.value })}
                />
              )}
            </Field>
            <Field label={t('draws.prizeName')} error={errors[`prizes.${index}.name`]}>
              {(props) => (
                <input
                  {...props}
                  name={`prizeName${index}`}
                  value={prize.name}
                  onInput={(e) => setPrize(index, { name: e.currentTarget.value })}
                />
              )}
            </Field>
            <Field label={t('draws.prizeQuantity')} error={errors[`prizes.${index}.quantity`]}>
              {(props) => (
                <input
                  {...props}
                  name={`prizeQuantity${index}`}
                  type="number"
                  min={1}
                  value={prize.quantity}
                  onInput={(e) => setPrize(index, { quantity: e.currentTarget.value })}
                />
              )}
            </Field>
            <Field label={t('draws.prizeValue')} error={errors[`prizes.${index}.valueMinor`]}>
              {(props) => (
                <input
                  {...props}
                  name={`prizeValue${index}`}
                  type="number"
                  min={0}
                  value={prize.value}
                  onInput={(e) => setPrize(index, { value: e.currentTarget.value })}
                />
              )}
            </Field>
            <button
              type="button"
              style={{ alignSelf: 'end' }}
              disabled={prizes.length === 1}
              onClick={() => setPrizes((current) => current.filter((_, i) => i !== index))}
            >
              {t('draws.removePrize')}
            </button>
          </div>
        ))}
        <button
          type="button"
          onClick={() =>
            setPrizes((current) => [
              ...current,
              { key: `prize${current.length + 1}`, name: '', quantity: '1', value: '' },
            ])
          }
        >
          {t('draws.addPrize')}
        </button>
      </fieldset>
      <div class="form-actions" style={{ marginTop: '0.75rem' }}>
        <button type="submit" class="primary" disabled={saving}>
          {saving ? t('common.saving') : t('draws.create')}
        </button>
        <button type="button" onClick={() => onDone()}>
          {t('common.cancel')}
        </button>
      </div>
    </form>
  );
}
