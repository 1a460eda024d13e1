import { useEffect, useState } from 'preact/hooks';
import { api } from '../../api';
import { formatDate, formatNumber } from '../../format';
import { createTranslator } from '../../i18n';
import type { PageProps } from '../../routes';
import { setQuery } from '../../router';
import { can } from '../../session';
import { Banner, ErrorBanner, errorText, Loading } from '../../ui/feedback';
import { Field } from '../../ui/field';
import { messages } from './messages';
import { InstantPrizes, PointsTab, Redemptions } from './more';
import { CampaignSelect, useCampaigns } from '../../ui/campaign-select';
import { cleanLocalized, localized, LocalizedFields, type Localized } from '../../ui/localized';
import { Tabs } from '../../ui/tabs';
import { Badge, fromLocalInput, splitError, toLocalInput } from './shared';

const t = createTranslator(messages);

type Tab = 'catalog' | 'instant' | 'redemptions' | 'points';

export type ConsoleReward = {
  id: string;
  campaignId: string | null;
  kind: 'item' | 'coupon';
  name: Localized;
  imageUrl: string | null;
  pointsPrice: number;
  stockTotal: number;
  stockLeft: number;
  perMemberLimit: number | null;
  validFrom: string | null;
  validTo: string | null;
  active: boolean;
  lowStockAt: number | null;
  couponCodesLeft: number | null;
  redeemedCount: number;
  lowStock: boolean;
};

/** Rewards: the catalog (with coupon codes), instant-win prizes, redemptions and points adjustments. */
export default function RewardsPage({ query }: PageProps) {
  const tab = (
    ['catalog', 'instant', 'redemptions', 'points'].includes(query.get('tab') ?? '')
      ? query.get('tab')
      : 'catalog'
  ) as Tab;
  return (
    <section class="page">
      <div class="page-head">
        <h1>{t('nav.rewards')}</h1>
      </div>
      <Tabs<Tab>
        label={t('tabs.label')}
        current={tab}
        onSelect={(key) => setQuery({ tab: key === 'catalog' ? undefined : key })}
        tabs={[
          { key: 'catalog', label: t('tab.catalog') },
          { key: 'instant', label: t('tab.instant') },
          { key: 'redemptions', label: t('tab.redemptions') },
          { key: 'points', label: t('tab.points') },
        ]}
      />
      <div role="tabpanel" aria-labelledby={`tab-${tab}`}>
        {tab === 'catalog' ? <Catalog /> : null}
        {tab === 'instant' ? <InstantPrizes /> : null}
        {tab === 'redemptions' ? <Redemptions /> : null}
        {tab === 'points' ? <PointsTab /> : null}
      </div>
    </section>
  );
}

function Catalog() {
  const [rewards, setRewards] = useState<ConsoleReward[] | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [editing, setEditing] = useState<ConsoleReward | 'new' | null>(null);
  const [codesFor, setCodesFor] = useState<ConsoleReward | null>(null);
  const writable = can('rewards.write');

  const load = () =>
    api
      .get<{ rewards: ConsoleReward[] }>('/rewards')
      .then((answer) => {
        setRewards(answer.rewards);
        setError(null);
      })
      .catch(setError);
  useEffect(() => {
    void load();
  }, []);

  if (error && !rewards) return <ErrorBanner error={error} onRetry={load} />;
  if (!rewards) return <Loading />;
  return (
    <div class="stack">
      {writable && !editing ? (
        <div class="toolbar">
          <button type="button" class="primary" onClick={() => setEditing('new')}>
            {t('catalog.new')}
          </button>
        </div>
      ) : null}
      {editing ? (
        <RewardForm
          reward={editing === 'new' ? null : editing}
          onDone={(saved) => {
            setEditing(null);
            if (saved) void load();
          }}
        />
      ) : null}
      {codesFor ? (
        <CouponUpload
          reward={codesFor}
          onDone={() => {
            setCodesFor(null);
            void load();
          }}
        />
      ) : null}
      {rewards.length === 0 ? (
        <p class="muted">{t('common.empty')}</p>
      ) : (
        <table class="data">
          <thead>
            <tr>
              <th>{t('col.name')}</th>
              <th>{t('col.kind')}</th>
              <th class="num">{t('col.price')}</th>
              <th class="num">{t('col.stock')}</th>
              <th class="num">{t('col.redeemed')}</th>
              <th>{t('col.window')}</th>
              <th>{t('col.status')}</th>
              {writable ? <th>{t('col.actions')}</th> : null}
            </tr>
          </thead>
          <tbody>
            {rewards.map((reward) => (
              <tr key={reward.id}>
                <td>
                  <div class="reward-name">
                    {reward.imageUrl && isUploadedImage(reward.imageUrl) ? (
                      <img class="reward-thumb" src={reward.imageUrl} alt="" />
                    ) : null}
                    <div>
                      {localized(reward.name)}
                      <div class="muted mono">{reward.id}</div>
                    </div>
                  </div>
                </td>
                <td>{t(reward.kind === 'coupon' ? 'kind.coupon' : 'kind.item')}</td>
                <td class="num">{formatNumber(reward.pointsPrice)}</td>
                <td class="num">
                  {formatNumber(reward.stockLeft)} / {formatNumber(reward.stockTotal)}{' '}
                  {reward.lowStock ? <Badge kind="warn">{t('stock.low')}</Badge> : null}
                </td>
                <td class="num">{formatNumber(reward.redeemedCount)}</td>
                <td>
                  {reward.validFrom || reward.validTo
                    ? `${reward.validFrom ? formatDate(reward.validFrom) : '…'} – ${reward.validTo ? formatDate(reward.validTo) : '…'}`
                    : t('window.always')}
                </td>
                <td>
                  <Badge kind={reward.active ? 'ok' : 'muted'}>
                    {t(reward.active ? 'status.active' : 'status.inactive')}
                  </Badge>
                </td>
                {writable ? (
                  <td class="actions">
                    <button type="button" onClick={() => setEditing(reward)}>
                      {t('catalog.edit')}
                    </button>
                    {reward.kind === 'coupon' ? (
                      <button type="button" onClick={() => setCodesFor(reward)}>
                        {t('catalog.codes')}
                      </button>
                    ) : null}
                  </td>
                ) : null}
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </div>
  );
}

type RewardDraft = {
  kind: 'item' | 'coupon';
  name: Localized;
  campaign: string;
  pointsPrice: string;
  stock: string;
  perMemberLimit: string;
  validFrom: string;
  validTo: string;
  lowStockAt: string;
  imageUrl: string;
  active: boolean;
};

function draftOf(reward: ConsoleReward | null): RewardDraft {
  return {
    kind: reward?.kind ?? 'item',
    name: reward?.name ?? {},
    campaign: reward?.campaignId ?? '',
    pointsPrice: reward ? String(reward.pointsPrice) : '',
    stock: reward ? String(reward.stockTotal) : '',
    perMemberLimit: reward?.perMemberLimit ? String(reward.perMemberLimit) : '',
    validFrom: toLocalInput(reward?.validFrom),
    validTo: toLocalInput(reward?.validTo),
    lowStockAt: reward?.lowStockAt != null ? String(reward.lowStockAt) : '',
    imageUrl: reward?.imageUrl ?? '',
    active: reward?.active ?? true,
  };
}

const numberOrUndefined = (value: string) => (value.trim() === '' ? undefined : Number(value));

function RewardForm({ reward, onDone }: { reward: ConsoleReward | null; onDone: (saved: boolean) => void }) {
  const [draft, setDraft] = useState<RewardDraft>(() => draftOf(reward));
  const [saving, setSaving] = useState(false);
  const [failure, setFailure] = useState<{ fieldErrors: Record<string, string>; error: unknown } | null>(
    null,
  );
  const campaigns = useCampaigns();
  const set = <K extends keyof RewardDraft>(key: K, value: RewardDraft[K]) =>
    setDraft((current) => ({ ...current, [key]: value }));
  const errors = failure?.fieldErrors ?? {};
  const nameError = errors.name ?? errors['name.zh-TW'] ?? errors['name.en'];

  const submit = async (event: Event) => {
    event.preventDefault();
    setSaving(true);
    setFailure(null);
    const name = cleanLocalized(draft.name);
    const common = {
      name,
      pointsPrice: numberOrUndefined(draft.pointsPrice) ?? 0,
      perMemberLimit: numberOrUndefined(draft.perMemberLimit) ?? null,
      validFrom: fromLocalInput(draft.validFrom),
      validTo: fromLocalInput(draft.validTo),
      lowStockAt: numberOrUndefined(draft.lowStockAt) ?? null,
      imageUrl: draft.imageUrl.trim() || null,
    };
    try {
      if (reward)
        await api.patch(`/rewards/${reward.id}`, {
          ...common,
          active: draft.active,
          ...(reward.kind === 'item' ? { stockTotal: numberOrUndefined(draft.stock) ?? 0 } : {}),
        });
      else
        await api.post('/rewards', {
          ...common,
          kind: draft.kind,
          campaign: draft.campaign || null,
          ...(draft.kind === 'item' ? { stock: numberOrUndefined(draft.stock) ?? 0 } : {}),
        });
      onDone(true);
    } catch (error) {
      setFailure(splitError(error));
    } finally {
      setSaving(false);
    }
  };

  return (
    <form class="card" onSubmit={submit} aria-labelledby="reward-form-title" noValidate>
      <h2 id="reward-form-title">{t(reward ? 'form.editTitle' : 'form.newTitle')}</h2>
      {failure ? <ErrorBanner error={failure.error} /> : null}
      <div class="form-grid">
        <Field label={t('form.kind')}>
          {(props) => (
            <select
              {...props}
              name="kind"
              value={draft.kind}
              disabled={Boolean(reward)}
              onChange={(event) => set('kind', event.currentTarget.value as 'item' | 'coupon')}
            >
              <option value="item">{t('kind.item')}</option>
              <option value="coupon">{t('kind.coupon')}</option>
            </select>
          )}
        </Field>
        <CampaignSelect
          label={t('form.campaign')}
          campaigns={campaigns}
          value={draft.campaign}
          disabled={Boolean(reward)}
          emptyLabel={t('form.campaignNone')}
          error={errors.campaign}
          onChange={(id) => set('campaign', id)}
        />
        <Field label={t('form.price')} error={errors.pointsPrice}>
          {(props) => (
            <input
              {...props}
              name="pointsPrice"
              type="number"
              min={1}
              inputMode="numeric"
              value={draft.pointsPrice}
              onInput={(event) => set('pointsPrice', event.currentTarget.value)}
            />
          )}
        </Field>
        <LocalizedFields
          label={{ 'zh-TW': t('form.nameZh'), en: t('form.nameEn'), th: t('form.nameTh') }}
          name={{ 'zh-TW': 'nameZh', en: 'nameEn', th: 'nameTh' }}
          value={draft.name}
          error={nameError}
          onChange={(name) => set('name', name)}
        />
        <Field
          label={t('form.stock')}
          error={errors.stock ?? errors.stockTotal}
          {...(draft.kind === 'coupon' ? { hint: t('form.stockCoupon') } : {})}
        >
          {(props) => (
            <input
              {...props}
              name="stock"
              type="number"
              min={0}
              inputMode="numeric"
              disabled={draft.kind === 'coupon'}
              value={draft.kind === 'coupon' ? String(reward?.stockTotal ?? 0) : draft.stock}
              onInput={(event) => set('stock', event.currentTarget.value)}
            />
          )}
        </Field>
        <Field label={t('form.limit')} error={errors.perMemberLimit} hint={t('form.limitHint')}>
          {(props) => (
            <input
              {...props}
              name="perMemberLimit"
              type="number"
              min={1}
              value={draft.perMemberLimit}
              onInput={(event) => set('perMemberLimit', event.currentTarget.value)}
            />
          )}
        </Field>
        <Field label={t('form.lowAt')} error={errors.lowStockAt}>
          {(props) => (
            <input
              {...props}
              name="lowStockAt"
              type="number"
              min={0}
              placeholder="10"
              value={draft.lowStockAt}
              onInput={(event) => set('lowStockAt', event.currentTarget.value)}
            />
          )}
        </Field>
        <Field label={t('form.from')} error={errors.validFrom}>
          {(props) => (
            <input
              {...props}
              name="validFrom"
              type="datetime-local"
              value={draft.validFrom}
              onInput={(event) => set('validFrom', event.currentTarget.value)}
            />
          )}
        </Field>
        <Field label={t('form.to')} error={errors.validTo}>
          {(props) => (
            <input
              {...props}
              name="validTo"
              type="datetime-local"
              value={draft.validTo}
              onInput={(event) => set('validTo', event.currentTarget.value)}
            />
          )}
        </Field>
        <RewardImageField
          value={draft.imageUrl}
          error={errors.imageUrl}
          onChange={(imageUrl) => set('imageUrl', imageUrl)}
        />
        {reward ? (
          <label class="wide">
            <input
              type="checkbox"
              name="active"
              checked={draft.active}
              onChange={(event) => set('active', event.currentTarget.checked)}
            />{' '}
            {t('form.active')}
          </label>
        ) : null}
      </div>
      <div class="form-actions">
        <button type="submit" class="primary" disabled={saving}>
          {saving ? t('common.saving') : t(reward ? 'common.save' : 'form.create')}
        </button>
        <button type="button" onClick={() => onDone(false)}>
          {t('common.cancel')}
        </button>
      </div>
    </form>
  );
}

/** What the server takes (and re-checks): a real JPEG, PNG or WebP of at most 5 MB. */
const IMAGE_TYPES = ['image/jpeg', 'image/png', 'image/webp'];
const IMAGE_MAX_BYTES = 5 * 1024 * 1024;
const isUploadedImage = (url: string) => url.startsWith('/reward-images/');

/**
 * The reward's picture: a file uploaded at once (the server stores it and answers the address the reward
 * is then saved with, so a failed save loses nothing), or an http(s) address. Uploaded pictures are shown.
 */
function RewardImageField({
  value,
  error,
  onChange,
}: {
  value: string;
  error: string | undefined;
  onChange: (imageUrl: string) => void;
}) {
  const [uploading, setUploading] = useState(false);
  const [uploadError, setUploadError] = useState<string | undefined>(undefined);
  const uploaded = isUploadedImage(value);

  const choose = async (input: HTMLInputElement) => {
    const file = input.files?.[0];
    input.value = '';
    if (!file) return;
    setUploadError(undefined);
    if (!IMAGE_TYPES.includes(file.type)) return setUploadError(t('image.type'));
    if (file.size > IMAGE_MAX_BYTES) return setUploadError(t('image.size'));
    const form = new FormData();
    form.append('image', file);
    setUploading(true);
    try {
      onChange((await api.upload<{ imageUrl: string }>('/reward-images', form)).imageUrl);
    } catch (failure) {
      setUploadError(splitError(failure).fieldErrors.image ?? errorText(failure));
    } finally {
      setUploading(false);
    }
  };

  return (
    <div class="wide reward-image-field">
      {uploaded ? (
        <img
          class="reward-image-preview"
          src={value}
          alt={t('image.preview')}
          data-testid="reward-image-preview"
        />
      ) : null}
      <Field
        label={t('image.file')}
        error={uploadError}
        hint={uploading ? t('image.uploading') : t('image.hint')}
      >
        {(props) => (
          <input
            {...props}
            name="imageFile"
            type="file"
            accept={IMAGE_TYPES.join(',')}
            disabled={uploading}
            onChange={(event) => void choose(event.currentTarget)}
          />
        )}
      </Field>
      <Field label={t('form.image')} error={error}>
        {(props) => (
          <input
            {...props}
            name="imageUrl"
            type="url"
            placeholder="https://"
            value={uploaded ? '' : value}
            onInput={(event) => onChange(event.currentTarget.value)}
          />
        )}
      </Field>
      {value ? (
        <button type="button" class="link" onClick={() => onChange('')}>
          {t('image.remove')}
        </button>
      ) : null}
    </div>
  );
}

type UploadAnswer = {
  added: number;
  skipped: number;
  invalid: string[];
  invalidCount: number;
  couponCodesLeft: number;
  lowStock: boolean;
};

function CouponUpload({ reward, onDone }: { reward: ConsoleReward; onDone: () => void }) {
  const [file, setFile] = useState<File | null>(null);
  const [pasted, setPasted] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [result, setResult] = useState<UploadAnswer | null>(null);
  const [empty, setEmpty] = useState(false);

  const submit = async (event: Event) => {
    event.preventDefault();
    const list = [file ? await file.text() : '', pasted].filter(Boolean).join('\n');
    setEmpty(!list.trim());
    if (!list.trim()) return;
    setBusy(true);
    setError(null);
    try {
      setResult(await api.post<UploadAnswer>(`/rewards/${reward.id}/coupon-codes`, { list }));
      setPasted('');
    } catch (caught) {
      setError(caught);
    } finally {
      setBusy(false);
    }
  };

  return (
    <form class="card" onSubmit={submit} aria-labelledby="codes-title">
      <h2 id="codes-title">{t('codes.title', { name: localized(reward.name) })}</h2>
      <ErrorBanner error={error} />
      {result ? (
        <Banner kind={result.lowStock ? 'warning' : 'success'}>
          {t('codes.result', {
            added: result.added,
            skipped: result.skipped,
            invalid: result.invalidCount,
            left: result.couponCodesLeft,
          })}
          {result.invalid.length > 0 ? (
            <div>{t('codes.invalidList', { codes: result.invalid.join(', ') })}</div>
          ) : null}
          {result.lowStock ? <div>{t('codes.low', { left: result.couponCodesLeft })}</div> : null}
        </Banner>
      ) : null}
      <div class="form-grid">
        <Field label={t('codes.file')} error={empty ? t('codes.empty') : undefined}>
          {(props) => (
            <input
              {...props}
              name="codesFile"
              type="file"
              accept=".csv,.txt,text/csv,text/plain"
              onChange={(event) => setFile(event.currentTarget.files?.[0] ?? null)}
            />
          )}
        </Field>
        <div class="wide">
          <Field label={t('codes.paste')}>
            {(props) => (
              <textarea
                {...props}
                name="codesText"
                rows={4}
                value={pasted}
                onInput={(event) => setPasted(event.currentTarget.value)}
              />
            )}
          </Field>
        </div>
      </div>
      <div class="form-actions">
        <button type="submit" class="primary" disabled={busy}>
          {t('codes.upload')}
        </button>
        <button type="button" onClick={onDone}>
          {t('common.close')}
        </button>
      </div>
    </form>
  );
}
