import { useEffect, useState } from 'preact/hooks';
import { api } from '../../api';
import { formatDateTime, formatNumber, formatPercent } from '../../format';
import { createTranslator } from '../../i18n';
import { can } from '../../session';
import { Banner, ErrorBanner, Loading } from '../../ui/feedback';
import { Field } from '../../ui/field';
import { messages } from './messages';
import { CampaignSelect, useCampaigns } from '../../ui/campaign-select';
import { cleanLocalized, localized, LocalizedFields, type Localized } from '../../ui/localized';
import { Badge, fromLocalInput, splitError } from './shared';

const t = createTranslator(messages);

type Failure = { fieldErrors: Record<string, string>; error: unknown } | null;

type InstantPrize = {
  id: string;
  campaignId: string;
  name: Localized;
  oddsPpm: number;
  stockTotal: number;
  stockLeft: number;
  schedule: { kind: string; from?: string; to?: string } | null;
  wonCount: number;
};

/** Scratch-card prizes: odds, stock, an even release schedule. */
export function InstantPrizes() {
  const [prizes, setPrizes] = useState<InstantPrize[] | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [editing, setEditing] = useState<InstantPrize | 'new' | null>(null);
  const campaigns = useCampaigns();
  const load = () =>
    api
      .get<{ prizes: InstantPrize[] }>('/instant-prizes')
      .then((answer) => setPrizes(answer.prizes))
      .catch(setError);
  useEffect(() => {
    void load();
  }, []);
  if (error && !prizes) return <ErrorBanner error={error} onRetry={load} />;
  if (!prizes) return <Loading />;
  const campaignName = (id: string) => {
    const campaign = campaigns.find((candidate) => candidate.id === id);
    return campaign ? localized(campaign.name) : id;
  };
  return (
    <div class="stack">
      {can('rewards.write') && !editing ? (
        <div class="toolbar">
          <button type="button" class="primary" onClick={() => setEditing('new')}>
            {t('instant.new')}
          </button>
        </div>
      ) : null}
      {editing ? (
        <InstantPrizeForm
          prize={editing === 'new' ? null : editing}
          onDone={(saved) => {
            setEditing(null);
            if (saved) void load();
          }}
        />
      ) : null}
      {prizes.length === 0 ? (
        <p class="muted">{t('common.empty')}</p>
      ) : (
        <table class="data">
          <thead>
            <tr>
              <th>{t('col.name')}</th>
              <th>{t('col.campaign')}</th>
              <th class="num">{t('col.odds')}</th>
              <th class="num">{t('col.stock')}</th>
              <th class="num">{t('col.won')}</th>
              {can('rewards.write') ? <th>{t('col.actions')}</th> : null}
            </tr>
          </thead>
          <tbody>
            {prizes.map((prize) => (
              <tr key={prize.id}>
                <td>{localized(prize.name)}</td>
                <td>{campaignName(prize.campaignId)}</td>
                <td class="num">{formatPercent(prize.oddsPpm / 1_000_000, 2)}</td>
                <td class="num">
                  {formatNumber(prize.stockLeft)} / {formatNumber(prize.stockTotal)}
                </td>
                <td class="num">{formatNumber(prize.wonCount)}</td>
                {can('rewards.write') ? (
                  <td>
                    <button type="button" onClick={() => setEditing(prize)}>
                      {t('instant.edit')}
                    </button>
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

function InstantPrizeForm({
  prize,
  onDone,
}: {
  prize: InstantPrize | null;
  onDone: (saved: boolean) => void;
}) {
  const campaigns = useCampaigns();
  const [campaign, setCampaign] = useState(prize?.campaignId ?? '');
  const [name, setName] = useState<Localized>(prize?.name ?? {});
  const [odds, setOdds] = useState(prize ? String(prize.oddsPpm / 10_000) : '1');
  const [stock, setStock] = useState(prize ? String(prize.stockTotal) : '');
  const [from, setFrom] = useState('');
  const [to, setTo] = useState('');
  const [failure, setFailure] = useState<Failure>(null);
  const [saving, setSaving] = useState(false);
  const errors = failure?.fieldErrors ?? {};

  const submit = async (event: Event) => {
    event.preventDefault();
    if (!prize && !campaign) {
      setFailure({ fieldErrors: { campaign: t('instant.campaignRequired') }, error: null });
      return;
    }
    setSaving(true);
    setFailure(null);
    const cleanName = cleanLocalized(name);
    const schedule =
      from && to ? { kind: 'even', from: fromLocalInput(from), to: fromLocalInput(to) } : undefined;
    const oddsPpm = Math.round(Number(odds) * 10_000);
    try {
      if (prize)
        await api.patch(`/instant-prizes/${prize.id}`, {
          name: cleanName,
          oddsPpm,
          stockTotal: Number(stock),
          ...(schedule ? { schedule } : {}),
        });
      else
        await api.post('/instant-prizes', {
          campaign,
          name: cleanName,
          oddsPpm,
          stock: stock === '' ? -1 : Number(stock),
          ...(schedule ? { schedule } : {}),
        });
      onDone(true);
    } catch (error) {
      setFailure(splitError(error));
    } finally {
      setSaving(false);
    }
  };

  return (
    <form class="card" onSubmit={submit} aria-labelledby="prize-form-title" noValidate>
      <h2 id="prize-form-title">{prize ? localized(prize.name) : t('instant.new')}</h2>
      {failure?.error ? <ErrorBanner error={failure.error} /> : null}
      <div class="form-grid">
        <CampaignSelect
          label={t('form.campaign')}
          campaigns={campaigns}
          value={campaign}
          disabled={Boolean(prize)}
          error={errors.campaign}
          onChange={setCampaign}
        />
        <LocalizedFields
          label={{ 'zh-TW': t('form.nameZh'), en: t('form.nameEn'), th: t('form.nameTh') }}
          name={{ 'zh-TW': 'nameZh', en: 'nameEn', th: 'nameTh' }}
          value={name}
          error={errors.name}
          onChange={setName}
        />
        <Field label={t('instant.oddsPercent')} error={errors.oddsPpm}>
          {(props) => (
            <input
              {...props}
              name="odds"
              type="number"
              step="0.0001"
              min={0}
              max={100}
              value={odds}
              onInput={(e) => setOdds(e.currentTarget.value)}
            />
          )}
        </Field>
        <Field label={t('instant.stock')} error={errors.stock ?? errors.stockTotal}>
          {(props) => (
            <input
              {...props}
              name="stock"
              type="number"
              min={0}
              value={stock}
              onInput={(e) => setStock(e.currentTarget.value)}
            />
          )}
        </Field>
        <span />
        <Field
          label={t('instant.scheduleFrom')}
          error={errors['schedule.from']}
          hint={t('instant.scheduleHint')}
        >
          {(props) => (
            <input
              {...props}
              name="scheduleFrom"
              type="datetime-local"
              value={from}
              onInput={(e) => setFrom(e.currentTarget.value)}
            />
          )}
        </Field>
        <Field label={t('instant.scheduleTo')} error={errors['schedule.to']}>
          {(props) => (
            <input
              {...props}
              name="scheduleTo"
              type="datetime-local"
              value={to}
              onInput={(e) => setTo(e.currentTarget.value)}
            />
          )}
        </Field>
      </div>
      <div class="form-actions">
        <button type="submit" class="primary" disabled={saving}>
          {saving ? t('common.saving') : prize ? t('common.save') : t('instant.create')}
        </button>
        <button type="button" onClick={() => onDone(false)}>
          {t('common.cancel')}
        </button>
      </div>
    </form>
  );
}

type Redemption = {
  id: string;
  rewardName: Localized;
  memberId: string;
  memberName: string | null;
  points: number;
  state: 'reserved' | 'fulfilled' | 'cancelled';
  couponCode: string | null;
  cancelReason: string | null;
  createdAt: string;
};

/** Redemptions, newest first: hand over, or cancel with a refund. */
export function Redemptions() {
  const [state, setState] = useState('');
  const [rows, setRows] = useState<Redemption[] | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [cancelling, setCancelling] = useState<Redemption | null>(null);
  const [reason, setReason] = useState('');
  const load = () =>
    api
      .get<{ redemptions: Redemption[] }>('/redemptions', { query: { state: state || undefined } })
      .then((answer) => {
        setRows(answer.redemptions);
        setError(null);
      })
      .catch(setError);
  useEffect(() => {
    void load();
  }, [state]);

  const act = async (path: string, body: unknown) => {
    try {
      await api.post(path, body);
      setCancelling(null);
      setReason('');
      await load();
    } catch (caught) {
      setError(caught);
    }
  };

  return (
    <div class="stack">
      <div class="toolbar">
        <Field label={t('redemptions.filter')}>
          {(props) => (
            <select
              {...props}
              name="state"
              value={state}
              onChange={(event) => setState(event.currentTarget.value)}
            >
              <option value="">{t('common.all')}</option>
              <option value="reserved">{t('state.reserved')}</option>
              <option value="fulfilled">{t('state.fulfilled')}</option>
              <option value="cancelled">{t('state.cancelled')}</option>
            </select>
          )}
        </Field>
      </div>
      <ErrorBanner error={error} />
      {cancelling ? (
        <form
          class="card"
          onSubmit={(event) => {
            event.preventDefault();
            void act(`/redemptions/${cancelling.id}/cancel`, reason.trim() ? { reason: reason.trim() } : {});
          }}
        >
          <Field label={t('redemptions.cancelReason')}>
            {(props) => (
              <input
                {...props}
                name="reason"
                value={reason}
                onInput={(e) => setReason(e.currentTarget.value)}
              />
            )}
          </Field>
          <div class="form-actions">
            <button type="submit" class="danger">
              {t('redemptions.confirmCancel', { points: cancelling.points })}
            </button>
            <button type="button" onClick={() => setCancelling(null)}>
              {t('common.cancel')}
            </button>
          </div>
        </form>
      ) : null}
      {!rows ? (
        <Loading />
      ) : rows.length === 0 ? (
        <p class="muted">{t('common.empty')}</p>
      ) : (
        <table class="data">
          <thead>
            <tr>
              <th>{t('col.date')}</th>
              <th>{t('col.member')}</th>
              <th>{t('col.reward')}</th>
              <th class="num">{t('col.price')}</th>
              <th>{t('col.code')}</th>
              <th>{t('col.status')}</th>
              {can('rewards.write') ? <th>{t('col.actions')}</th> : null}
            </tr>
          </thead>
          <tbody>
            {rows.map((row) => (
              <tr key={row.id}>
                <td>{formatDateTime(row.createdAt)}</td>
                <td>
                  {row.memberName ?? '—'}
                  <div class="muted mono">{row.memberId}</div>
                </td>
                <td>{localized(row.rewardName)}</td>
                <td class="num">{formatNumber(row.points)}</td>
                <td class="mono">{row.couponCode ?? ''}</td>
                <td>
                  <Badge
                    kind={row.state === 'fulfilled' ? 'ok' : row.state === 'reserved' ? 'warn' : 'muted'}
                  >
                    {t(`state.${row.state}`)}
                  </Badge>
                  {row.cancelReason ? <div class="muted">{row.cancelReason}</div> : null}
                </td>
                {can('rewards.write') ? (
                  <td class="actions">
                    {row.state === 'reserved' ? (
                      <button type="button" onClick={() => void act(`/redemptions/${row.id}/fulfil`, {})}>
                        {t('redemptions.fulfil')}
                      </button>
                    ) : null}
                    {row.state !== 'cancelled' ? (
                      <button type="button" onClick={() => setCancelling(row)}>
                        {t('redemptions.cancel')}
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

type PointsAnswer = {
  member: { id: string; name: string | null };
  balance: number;
  history: { id: string; kind: string; points: number; reason: string | null; createdAt: string }[];
};

/** A member's balance and ledger, and a reasoned adjustment. */
export function PointsTab() {
  const [ref, setRef] = useState('');
  const [found, setFound] = useState<PointsAnswer | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [points, setPoints] = useState('');
  const [reason, setReason] = useState('');
  const [failure, setFailure] = useState<Failure>(null);
  const [done, setDone] = useState<number | null>(null);
  const [key, setKey] = useState(() => crypto.randomUUID());
  const errors = failure?.fieldErrors ?? {};

  const lookUp = async (memberRef: string) => {
    setError(null);
    try {
      setFound(await api.get<PointsAnswer>(`/points/${encodeURIComponent(memberRef.trim())}`));
    } catch (caught) {
      setFound(null);
      setError(caught);
    }
  };

  const adjust = async (event: Event) => {
    event.preventDefault();
    if (!found) return;
    setFailure(null);
    try {
      const answer = await api.post<{ balance: number }>('/points/adjustments', {
        member: found.member.id,
        points: points.trim() === '' ? 0 : Number(points),
        reason,
        // One key per filled-in form: a double click or a replay after signing in again counts once.
        idempotencyKey: key,
      });
      setDone(answer.balance);
      setPoints('');
      setReason('');
      setKey(crypto.randomUUID());
      await lookUp(found.member.id);
    } catch (caught) {
      setFailure(splitError(caught));
    }
  };

  return (
    <div class="stack">
      <form
        class="toolbar"
        onSubmit={(event) => {
          event.preventDefault();
          void lookUp(ref);
        }}
      >
        <Field label={t('points.lookup')}>
          {(props) => (
            <input {...props} name="member" value={ref} onInput={(e) => setRef(e.currentTarget.value)} />
          )}
        </Field>
        <button type="submit">{t('points.find')}</button>
      </form>
      <ErrorBanner error={error} />
      {found ? (
        <div class="card">
          <h2>
            {found.member.name ?? found.member.id} ·{' '}
            {t('points.balance', { points: formatNumber(found.balance) })}
          </h2>
          {can('rewards.write') ? (
            <form onSubmit={adjust} noValidate>
              {done !== null ? (
                <Banner kind="success">{t('points.done', { points: formatNumber(done) })}</Banner>
              ) : null}
              {failure?.error && !Object.keys(errors).length ? <ErrorBanner error={failure.error} /> : null}
              <div class="form-grid">
                <Field label={t('points.amount')} error={errors.points}>
                  {(props) => (
                    <input
                      {...props}
                      name="points"
                      type="number"
                      value={points}
                      onInput={(e) => setPoints(e.currentTarget.value)}
                    />
                  )}
                </Field>
                <div style={{ gridColumn: 'span 2' }}>
                  <Field label={t('points.reason')} error={errors.reason}>
                    {(props) => (
                      <input
                        {...props}
                        name="reason"
                        value={reason}
                        onInput={(e) => setReason(e.currentTarget.value)}
                      />
                    )}
                  </Field>
                </div>
              </div>
              <button type="submit" class="primary">
                {t('points.submit')}
              </button>
            </form>
          ) : null}
          <table class="data" style={{ marginTop: '1rem' }}>
            <thead>
              <tr>
                <th>{t('col.date')}</th>
                <th>{t('col.kind')}</th>
                <th class="num">{t('tab.points')}</th>
                <th>{t('col.reason')}</th>
              </tr>
            </thead>
            <tbody>
              {found.history.map((row) => (
                <tr key={row.id}>
                  <td>{formatDateTime(row.createdAt)}</td>
                  <td>{t(`ledger.${row.kind}` as 'ledger.earn')}</td>
                  <td class="num">{formatNumber(row.points)}</td>
                  <td>{row.reason ?? ''}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : null}
    </div>
  );
}
