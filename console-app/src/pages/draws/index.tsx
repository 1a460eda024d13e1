import { useEffect, useState } from 'preact/hooks';
import { api } from '../../api';
import { formatDateTime, formatNumber } from '../../format';
import { createTranslator } from '../../i18n';
import type { PageProps } from '../../routes';
import { setQuery } from '../../router';
import { can } from '../../session';
import { ErrorBanner, Loading } from '../../ui/feedback';
import { CampaignSelect, useCampaigns } from '../../ui/campaign-select';
import { localized } from '../../ui/localized';
import { Badge } from '../rewards/shared';
import { messages } from './messages';
import type { DrawSummary } from './draws.types';
import { DrawForm } from './draw-form';
import { DrawDetail } from './draw-detail';

const t = createTranslator(messages);

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
