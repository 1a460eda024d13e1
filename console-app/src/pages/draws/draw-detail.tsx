import { useEffect, useState } from 'preact/hooks';
import { api } from '../../api';
import { formatDateTime } from '../../format';
import { createTranslator } from '../../i18n';
import { setQuery } from '../../router';
import { can, currentBrand } from '../../session';
import { downloadCsv, toCsv } from '../../ui/csv';
import { Banner, ErrorBanner, Loading } from '../../ui/feedback';
import { localized } from '../../ui/localized';
import { Badge } from '../rewards/shared';
import { messages } from './messages';
import { DrawPermit, TaxPaperwork } from './paperwork';
import type { DrawSummary, Winner } from './draws.types';

const t = createTranslator(messages);

function toldText(winner: Winner): string {
  if (winner.message?.state === 'failed') return t('told.failed', { error: winner.message.lastError ?? '' });
  if (winner.message?.state === 'sent')
    return t('told.sent', { time: formatDateTime(winner.message.sentAt ?? winner.notifiedAt ?? '') });
  if (winner.notifiedAt) return t('told.queued', { time: formatDateTime(winner.notifiedAt) });
  return t('told.no');
}

export function DrawDetail({ drawId }: { drawId: string }) {
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
