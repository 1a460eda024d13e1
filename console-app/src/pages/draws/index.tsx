import { useEffect, useState } from 'preact/hooks';
import { api } from '../../api';
import { formatDateTime, formatNumber } from '../../format';
import { createTranslator } from '../../i18n';
import type { PageProps } from '../../routes';
import { setQuery } from '../../router';
import { can, currentBrand } from '../../session';
import { downloadCsv, toCsv } from '../../ui/csv';
import { Banner, ErrorBanner, Loading } from '../../ui/feedback';
import { Field } from '../../ui/field';
import { CampaignSelect, useCampaigns } from '../../ui/campaign-select';
import { cleanLocalized, localized, LocalizedFields, type Localized } from '../../ui/localized';
import { Badge, fromLocalInput, splitError } from '../rewards/shared';
import { messages } from './messages';
import { DrawPermit, TaxPaperwork } from './paperwork';

const t = createTranslator(messages);

type Prize = { key: string; name: Localized; quantity: number; valueMinor?: number };

type DrawSummary = {
  id: string;
  campaignId: string;
  name: Localized;
  periodFrom: string;
  periodTo: string;
  prizes: Prize[];
  status: 'open' | 'drawn';
  seedHash: string;
  seed: string | null;
  entriesDigest: string | null;
  drawnAt: string | null;
  permitNumber: string | null;
  permitProvince: string | null;
  requireReviewedProofs?: boolean;
  winnerCount?: number;
  toldCount?: number;
  links: { page: string; verify: string; export: string };
};

type Winner = {
  id: string;
  rank: number;
  prizeKey: string;
  awardedPrizeKey: string | null;
  isReserve: boolean;
  status: 'pending' | 'confirmed' | 'forfeited' | 'paid';
  replacesId: string | null;
  forfeitReason: string | null;
  heldForReviewAt: string | null;
  memberId: string;
  memberName: string | null;
  notifiedAt: string | null;
  message: { state: 'pending' | 'sent' | 'failed'; sentAt: string | null; lastError: string | null } | null;
};

/** Draws per campaign: open (seed hash published), run, winners and reserves, forfeit, promote, export. */
export default function DrawsPage({ query }: PageProps) {
  const drawId = query.get('draw');
  return (
    <section class="page">
      <div class="page-head">
        <h1>{t('nav.draws')}</h1>
      </div>
      {drawId ? <DrawDetail drawId={drawId} /> : <DrawList campaign={query.get('campaign') ?? ''} />}
    </section>
  );
}

function DrawList({ campaign }: { campaign: string }) {
  const campaigns = useCampaigns();
  const [draws, setDraws] = useState<DrawSummary[] | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [creating, setCreating] = useState(false);
  const load = () =>
    api
      .get<{ draws: DrawSummary[] }>('/draws', { query: { campaign: campaign || undefined } })
      .then((answer) => {
        setDraws(answer.draws);
        setError(null);
      })
      .catch(setError);
  useEffect(() => {
    void load();
  }, [campaign]);
  const campaignName = (id: string) => {
    const found = campaigns.find((candidate) => candidate.id === id);
    return found ? localized(found.name) : id;
  };

  return (
    <div class="stack">
      <div class="toolbar">
        <CampaignSelect
          label={t('draws.campaign')}
          name="campaignFilter"
          campaigns={campaigns}
          value={campaign}
          emptyLabel={t('draws.allCampaigns')}
          onChange={(id) => setQuery({ campaign: id || undefined })}
        />
        {can('draws.run') && !creating ? (
          <button type="button" class="primary" onClick={() => setCreating(true)}>
            {t('draws.new')}
          </button>
        ) : null}
      </div>
      {creating ? (
        <DrawForm
          defaultCampaign={campaign}
          onDone={(created) => {
            setCreating(false);
            if (created) setQuery({ draw: created });
          }}
        />
      ) : null}
      <ErrorBanner error={error} onRetry={load} />
      {!draws ? (
        <Loading />
      ) : draws.length === 0 ? (
        <p class="muted">{t('common.empty')}</p>
      ) : (
        <table class="data">
          <thead>
            <tr>
              <th>{t('col.name')}</th>
              <th>{t('draws.campaign')}</th>
              <th>{t('col.period')}</th>
              <th>{t('col.status')}</th>
              <th class="num">{t('col.winners')}</th>
              <th class="num">{t('col.told')}</th>
              <th>{t('col.actions')}</th>
            </tr>
          </thead>
          <tbody>
            {draws.map((draw) => (
              <tr key={draw.id}>
                <td>
                  {localized(draw.name)}
                  <div class="muted mono">{draw.id}</div>
                </td>
                <td>{campaignName(draw.campaignId)}</td>
                <td>
                  {formatDateTime(draw.periodFrom)} – {formatDateTime(draw.periodTo)}
                </td>
                <td>
                  <Badge kind={draw.status === 'drawn' ? 'ok' : 'info'}>{t(`status.${draw.status}`)}</Badge>
                </td>
                <td class="num">{formatNumber(draw.winnerCount ?? 0)}</td>
                <td class="num">{formatNumber(draw.toldCount ?? 0)}</td>
                <td>
                  <button type="button" onClick={() => setQuery({ draw: draw.id })}>
                    {t('detail.open')}
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </div>
  );
}

type PrizeDraft = { key: string; name: string; quantity: string; value: string };

function DrawForm({
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

function toldText(winner: Winner): string {
  if (winner.message?.state === 'failed') return t('told.failed', { error: winner.message.lastError ?? '' });
  if (winner.message?.state === 'sent')
    return t('told.sent', { time: formatDateTime(winner.message.sentAt ?? winner.notifiedAt ?? '') });
  if (winner.notifiedAt) return t('told.queued', { time: formatDateTime(winner.notifiedAt) });
  return t('told.no');
}

function DrawDetail({ drawId }: { drawId: string }) {
  const [data, setData] = useState<{ draw: DrawSummary; winners: Winner[] } | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const [notice, setNotice] = useState<string | null>(null);
  const load = () =>
    api
      .get<{ draw: DrawSummary; winners: Winner[] }>(`/draws/${drawId}`)
      .then((answer) => {
        setData(answer);
        setError(null);
      })
      .catch(setError);
  useEffect(() => {
    void load();
  }, [drawId]);

  const act = async (path: string, after?: (answer: { promoted?: unknown[]; unfilled?: number }) => void) => {
    setBusy(true);
    setError(null);
    try {
      const answer = await api.post<{ promoted?: unknown[]; unfilled?: number }>(path, {});
      after?.(answer);
      await load();
    } catch (caught) {
      setError(caught);
    } finally {
      setBusy(false);
    }
  };

  const back = (
    <button type="button" class="link" onClick={() => setQuery({ draw: undefined })}>
      ← {t('detail.back')}
    </button>
  );
  if (!data) return error ? <ErrorBanner error={error} onRetry={load} /> : <Loading />;
  const { draw, winners } = data;
  const prizeName = (key: string) => localized(draw.prizes.find((prize) => prize.key === key)?.name) || key;
  const rankOf = (id: string | null) => winners.find((winner) => winner.id === id)?.rank ?? '?';
  const canRun = can('draws.run');
  const closed = new Date(draw.periodTo).getTime() <= Date.now();
  const hasForfeits = winners.some((winner) => winner.status === 'forfeited');

  return (
    <div class="stack">
      {back}
      <div class="card">
        <h2>
          {localized(draw.name)}{' '}
          <Badge kind={draw.status === 'drawn' ? 'ok' : 'info'}>{t(`status.${draw.status}`)}</Badge>
        </h2>
        <p class="muted">
          {formatDateTime(draw.periodFrom)} – {formatDateTime(draw.periodTo)} ·{' '}
          {draw.prizes.map((prize) => `${localized(prize.name) || prize.key} × ${prize.quantity}`).join(', ')}
          {draw.requireReviewedProofs ? ` · ${t('detail.requireReviewed')}` : ''}
        </p>
        <dl>
          <dt>{t('detail.seedHash')}</dt>
          <dd class="mono">{draw.seedHash}</dd>
          {draw.seed ? (
            <>
              <dt>{t('detail.seed')}</dt>
              <dd class="mono">{draw.seed}</dd>
              <dt>{t('detail.digest')}</dt>
              <dd class="mono">{draw.entriesDigest}</dd>
            </>
          ) : null}
          <dt>{t('detail.verify')}</dt>
          <dd>
            <a href={draw.links.page} target="_blank" rel="noreferrer" data-testid="public-draw-link">
              {new URL(draw.links.page, location.origin).href}
            </a>
          </dd>
        </dl>
        <ErrorBanner error={error} />
        {notice ? <Banner kind="success">{notice}</Banner> : null}
        <div class="actions">
          {draw.status === 'open' && canRun ? (
            closed ? (
              <button
                type="button"
                class="primary"
                disabled={busy}
                onClick={() => void act(`/draws/${draw.id}/run`)}
              >
                {t('detail.run')}
              </button>
            ) : (
              <span class="muted">{t('detail.runNotYet', { time: formatDateTime(draw.periodTo) })}</span>
            )
          ) : null}
          {draw.status === 'drawn' ? (
            <>
              <span class="muted">{t('detail.ran', { time: formatDateTime(draw.drawnAt ?? '') })}</span>
              <a href={`/api/console/draws/${draw.id}/export`} download={`${draw.id}.json`}>
                {t('detail.export')}
              </a>
              <button
                type="button"
                onClick={() =>
                  downloadCsv(
                    `${draw.id}-winners.csv`,
                    toCsv(
                      ['rank', 'prize', 'reserve', 'status', 'member', 'name', 'told'],
                      winners.map((winner) => [
                        winner.rank,
                        winner.awardedPrizeKey ?? winner.prizeKey,
                        winner.isReserve ? 'yes' : 'no',
                        winner.status,
                        winner.memberId,
                        winner.memberName,
                        winner.notifiedAt,
                      ]),
                    ),
                  )
                }
              >
                {t('detail.exportCsv')}
              </button>
              {canRun && hasForfeits ? (
                <button
                  type="button"
                  disabled={busy}
                  onClick={() =>
                    void act(`/draws/${draw.id}/promote-reserves`, (answer) =>
                      setNotice(
                        t('detail.promoted', {
                          count: answer.promoted?.length ?? 0,
                          unfilled: answer.unfilled ?? 0,
                        }),
                      ),
                    )
                  }
                >
                  {t('detail.promote')}
                </button>
              ) : null}
            </>
          ) : null}
        </div>
      </div>
      {draw.status === 'drawn' ? (
        winners.length === 0 ? (
          <p class="muted">{t('detail.noWinners')}</p>
        ) : (
          <table class="data">
            <thead>
              <tr>
                <th class="num">{t('col.rank')}</th>
                <th>{t('col.prize')}</th>
                <th>{t('col.member')}</th>
                <th>{t('col.status')}</th>
                <th>{t('col.told')}</th>
                {canRun ? <th>{t('col.actions')}</th> : null}
              </tr>
            </thead>
            <tbody>
              {winners.map((winner) => (
                <tr key={winner.id}>
                  <td class="num">{winner.rank}</td>
                  <td>
                    {winner.isReserve && !winner.awardedPrizeKey ? (
                      <Badge>{t('winner.reserve')}</Badge>
                    ) : (
                      prizeName(winner.awardedPrizeKey ?? winner.prizeKey)
                    )}
                    {winner.replacesId ? (
                      <div class="muted">{t('winner.replaces', { rank: rankOf(winner.replacesId) })}</div>
                    ) : null}
                  </td>
                  <td>
                    {winner.memberName ?? '—'}
                    <div class="muted mono">{winner.memberId}</div>
                  </td>
                  <td>
                    {t(`winner.${winner.status}`)}
                    {winner.forfeitReason ? (
                      <div class="muted" data-testid="forfeit-reason">
                        {t(
                          `forfeit.${winner.forfeitReason as 'invoice_voided' | 'proof_reversed' | 'brand'}`,
                        )}
                      </div>
                    ) : null}
                    {winner.heldForReviewAt && winner.status === 'pending' && !winner.notifiedAt ? (
                      <div>
                        <Badge kind="warn">{t('winner.heldForReview')}</Badge>
                      </div>
                    ) : null}
                  </td>
                  <td>
                    <Badge
                      kind={winner.message?.state === 'failed' ? 'warn' : winner.notifiedAt ? 'ok' : 'muted'}
                    >
                      {toldText(winner)}
                    </Badge>
                  </td>
                  {canRun ? (
                    <td>
                      {(winner.status === 'pending' || winner.status === 'confirmed') &&
                      (!winner.isReserve || winner.awardedPrizeKey) ? (
                        <button
                          type="button"
                          disabled={busy}
                          onClick={() => void act(`/draws/${draw.id}/winners/${winner.id}/forfeit`)}
                        >
                          {t('detail.forfeit')}
                        </button>
                      ) : null}
                    </td>
                  ) : null}
                </tr>
              ))}
            </tbody>
          </table>
        )
      ) : null}
      {currentBrand.value?.country === 'TH' ? (
        <DrawPermit
          drawId={draw.id}
          permitNumber={draw.permitNumber}
          permitProvince={draw.permitProvince}
          onSaved={() => void load()}
        />
      ) : null}
      {draw.status === 'drawn' && currentBrand.value?.currency === 'TWD' && can('winners.tax') ? (
        <TaxPaperwork drawId={draw.id} />
      ) : null}
    </div>
  );
}
