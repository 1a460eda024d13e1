import { useEffect, useRef, useState } from 'preact/hooks';
import { api, isApiError } from '../../api';
import { formatDateTime, formatMoney, formatNumber } from '../../format';
import { createTranslator } from '../../i18n';
import { ErrorBanner } from '../../ui/feedback';
import { messages } from './messages';
import type { RuleKey, Rewards, Rules } from './model';
import { IntField } from './widgets';

const t = createTranslator(messages);

type Example = {
  submissionId: string;
  memberId: string;
  proof: string;
  invoiceDate: string | null;
  totalAmountMinor: number | null;
  reasonKey: string | null;
  before: { points: number; entries: number };
  after: { points: number; entries: number };
};
type Bucket = { direction: 'gained' | 'lost' | 'review'; rule: RuleKey; count: number; examples: Example[] };
type Result = {
  total: number;
  replayed: number;
  notReplayable: number;
  before: { accepted: number; rejected: number };
  /** `needsReview`: photos the draft would refuse (a person decides them); absent in older results. */
  after: { accepted: number; rejected: number; needsReview?: number };
  changed: { gained: number; lost: number; review?: number };
  buckets: Bucket[];
  cost: Record<'points' | 'entries', { before: number; after: number; extra: number }>;
};
type Replay = {
  id: string;
  state: 'queued' | 'running' | 'done' | 'failed';
  days: number;
  since: string;
  total: number | null;
  processed: number;
  result: Result | null;
  lastError: string | null;
};

const signed = (value: number) => (value > 0 ? `+${formatNumber(value)}` : formatNumber(value));

/**
 * What-if: the campaign's decided proofs of the last N days replayed through the draft rules (a background
 * job; the panel polls its progress), with what would change, by the rule that flips it, and the cost.
 */
export function WhatIf({
  slug,
  rules,
  rewards,
  currency,
}: {
  slug: string;
  rules: Rules;
  rewards: Rewards;
  currency: string;
}) {
  const [days, setDays] = useState<number | undefined>(30);
  const [replay, setReplay] = useState<Replay | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [draftInvalid, setDraftInvalid] = useState(false);
  const timer = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);
  useEffect(() => () => clearTimeout(timer.current), []);

  const poll = (id: string) => {
    timer.current = setTimeout(() => {
      api
        .get<{ replay: Replay }>(`/campaigns/${slug}/what-if/${id}`)
        .then((answer) => {
          setReplay(answer.replay);
          if (answer.replay.state === 'queued' || answer.replay.state === 'running') poll(id);
        })
        .catch(setError);
    }, 800);
  };

  const start = async () => {
    clearTimeout(timer.current);
    setError(null);
    setDraftInvalid(false);
    try {
      const answer = await api.post<{ replay: Replay }>(`/campaigns/${slug}/what-if`, {
        rules,
        rewards,
        days: days ?? 30,
      });
      setReplay(answer.replay);
      poll(answer.replay.id);
    } catch (caught) {
      if (isApiError(caught, 400) && caught.issues.some((issue) => /^(rules|rewards)(\.|$)/.test(issue.path)))
        setDraftInvalid(true);
      else setError(caught);
    }
  };

  const running = replay?.state === 'queued' || replay?.state === 'running';
  const result = replay?.state === 'done' ? replay.result : null;
  return (
    <section class="what-if" aria-labelledby="what-if-title">
      <h3 id="what-if-title">{t('whatif.title')}</h3>
      <p class="field-hint">{t('whatif.about')}</p>
      <div class="whatif-form">
        <IntField label={t('whatif.days')} name="whatif-days" min={1} value={days} onChange={setDays} />
        <button type="button" class="primary" onClick={() => void start()} disabled={running}>
          {t('whatif.run')}
        </button>
      </div>
      {draftInvalid ? <p class="banner banner-warning">{t('check.draftInvalid')}</p> : null}
      <ErrorBanner error={error} />
      {replay && running ? (
        <div class="whatif-progress" aria-live="polite">
          <progress value={replay.processed} max={replay.total ?? undefined} />{' '}
          {t('whatif.progress', {
            done: formatNumber(replay.processed),
            total: formatNumber(replay.total ?? 0),
          })}
        </div>
      ) : null}
      {replay?.state === 'failed' ? (
        <p class="banner banner-error">{t('whatif.failed', { error: replay.lastError ?? '' })}</p>
      ) : null}
      {replay && result ? (
        <div class="whatif-result" data-replay={replay.id}>
          <p class="field-hint">
            {t('whatif.window', {
              since: formatDateTime(replay.since),
              total: formatNumber(result.total),
              replayed: formatNumber(result.replayed),
              kept: formatNumber(result.notReplayable),
            })}
          </p>
          <table class="data whatif-summary">
            <thead>
              <tr>
                <th />
                <th class="num">{t('whatif.decided')}</th>
                <th class="num">{t('whatif.draft')}</th>
                <th class="num">{t('whatif.change')}</th>
              </tr>
            </thead>
            <tbody>
              <tr data-row="accepted">
                <th>{t('verdict.accepted')}</th>
                <td class="num">{formatNumber(result.before.accepted)}</td>
                <td class="num">{formatNumber(result.after.accepted)}</td>
                <td class="num">{signed(result.after.accepted - result.before.accepted)}</td>
              </tr>
              <tr data-row="rejected">
                <th>{t('verdict.rejected')}</th>
                <td class="num">{formatNumber(result.before.rejected)}</td>
                <td class="num">{formatNumber(result.after.rejected)}</td>
                <td class="num">{signed(result.after.rejected - result.before.rejected)}</td>
              </tr>
              <tr data-row="needsReview">
                <th>{t('verdict.needs_review')}</th>
                <td class="num">{formatNumber(0)}</td>
                <td class="num">{formatNumber(result.after.needsReview ?? 0)}</td>
                <td class="num">{signed(result.after.needsReview ?? 0)}</td>
              </tr>
              <tr data-row="points">
                <th>{t('check.points')}</th>
                <td class="num">{formatNumber(result.cost.points.before)}</td>
                <td class="num">{formatNumber(result.cost.points.after)}</td>
                <td class="num">{signed(result.cost.points.extra)}</td>
              </tr>
              <tr data-row="entries">
                <th>{t('check.entries')}</th>
                <td class="num">{formatNumber(result.cost.entries.before)}</td>
                <td class="num">{formatNumber(result.cost.entries.after)}</td>
                <td class="num">{signed(result.cost.entries.extra)}</td>
              </tr>
            </tbody>
          </table>
          <p>
            {t('whatif.changed', {
              gained: formatNumber(result.changed.gained),
              lost: formatNumber(result.changed.lost),
            })}
          </p>
          {result.buckets.map((bucket) => (
            <details key={`${bucket.direction}-${bucket.rule}`} class={`bucket bucket-${bucket.direction}`}>
              <summary>
                {t(`whatif.${bucket.direction}`, {
                  rule: t(`rule.${bucket.rule}`),
                  count: formatNumber(bucket.count),
                })}
              </summary>
              <table class="data">
                <thead>
                  <tr>
                    <th>{t('check.proof')}</th>
                    <th>{t('whatif.date')}</th>
                    <th class="num">{t('whatif.amount')}</th>
                    <th>{t('whatif.reason')}</th>
                    <th class="num">{t('check.points')}</th>
                    <th class="num">{t('check.entries')}</th>
                  </tr>
                </thead>
                <tbody>
                  {bucket.examples.map((example) => (
                    <tr key={example.submissionId}>
                      <td>
                        <code>{example.proof}</code>
                      </td>
                      <td>{example.invoiceDate ?? '—'}</td>
                      <td class="num">
                        {example.totalAmountMinor === null
                          ? '—'
                          : formatMoney(example.totalAmountMinor, currency)}
                      </td>
                      <td>
                        <code class="muted">{example.reasonKey ?? '—'}</code>
                      </td>
                      <td class="num">
                        {example.before.points} → {example.after.points}
                      </td>
                      <td class="num">
                        {example.before.entries} → {example.after.entries}
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </details>
          ))}
        </div>
      ) : null}
    </section>
  );
}
