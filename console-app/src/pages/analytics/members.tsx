import { useMemo } from 'preact/hooks';
import { formatDate, formatNumber, formatPercent } from '../../format';
import { createTranslator, locale } from '../../i18n';
import { useAnalysis, type CohortsAnswer, type Filter } from './analytics-api';
import { ChartView, PALETTE, type ChartSpec } from './chart';
import { DataTable } from './data-table';
import { messages } from './messages';
import { Numbers, Section, Stats } from './parts';

const t = createTranslator(messages);

/** Weeks shown in the retention table (later weeks are in the CSV). */
const RETENTION_WEEKS = 12;

/** New vs returning members by week, cohorts by first proof week, repeat rate, points balances. */
export function Members({ filter }: { filter: Filter }) {
  const state = useAnalysis<CohortsAnswer>('cohorts', filter);
  const data = state.data;
  const weekly = useMemo<ChartSpec | null>(
    () =>
      data
        ? {
            type: 'bar',
            stacked: true,
            labels: data.weekly.map((w) => formatDate(w.week)),
            series: [
              { label: t('members.new'), data: data.weekly.map((w) => w.new), color: PALETTE[0] },
              { label: t('members.returning'), data: data.weekly.map((w) => w.returning), color: PALETTE[1] },
            ],
          }
        : null,
    [data, locale.value],
  );
  const bandLabel = (band: { from: number; below: number | null }) =>
    band.below === null
      ? t('members.bandOver', { from: formatNumber(band.from) })
      : t('members.band', { from: formatNumber(band.from), to: formatNumber(band.below - 1) });
  const bands = useMemo<ChartSpec | null>(
    () =>
      data
        ? {
            type: 'bar',
            height: 220,
            labels: data.points.bands.map(bandLabel),
            series: [
              {
                label: t('members.members'),
                data: data.points.bands.map((b) => b.members),
                color: PALETTE[3],
              },
            ],
          }
        : null,
    [data, locale.value],
  );
  const width = Math.min(
    RETENTION_WEEKS,
    Math.max(0, ...(data?.cohorts.map((c) => c.retained.length) ?? [0])),
  );
  return (
    <div class="analysis-grid">
      <Section title={t('members.title')} id="members" state={state}>
        {data && weekly ? (
          <>
            <Stats
              items={[
                { label: t('members.withAccepted'), value: formatNumber(data.repeat.members) },
                { label: t('members.repeaters'), value: formatNumber(data.repeat.repeaters) },
                { label: t('members.repeatRate'), value: formatPercent(data.repeat.rate, 1) },
              ]}
            />
            <ChartView spec={weekly} label={t('members.weekly')} />
            <Numbers>
              <DataTable
                caption={t('members.weekly')}
                csvName="new-returning"
                rows={data.weekly}
                rowKey={(row) => row.week}
                columns={[
                  {
                    key: 'week',
                    label: t('col.week'),
                    value: (r) => r.week,
                    render: (r) => formatDate(r.week),
                  },
                  { key: 'new', label: t('members.new'), num: true, value: (r) => r.new },
                  { key: 'returning', label: t('members.returning'), num: true, value: (r) => r.returning },
                ]}
              />
            </Numbers>
          </>
        ) : null}
      </Section>
      <Section title={t('members.cohorts')} id="cohorts" state={state}>
        {data ? (
          <>
            <p class="muted">{t('members.cohortsHint')}</p>
            {data.cohorts.length === 0 ? (
              <p class="muted">{t('common.empty')}</p>
            ) : (
              <div class="table-scroll">
                <table class="data cohorts">
                  <thead>
                    <tr>
                      <th>{t('col.cohort')}</th>
                      <th class="num">{t('members.members')}</th>
                      {Array.from({ length: width }, (_, week) => (
                        <th class="num" key={week}>
                          {t('members.weekN', { n: week })}
                        </th>
                      ))}
                    </tr>
                  </thead>
                  <tbody>
                    {data.cohorts.map((cohort) => (
                      <tr key={cohort.cohort}>
                        <th scope="row">{formatDate(cohort.cohort)}</th>
                        <td class="num">{formatNumber(cohort.size)}</td>
                        {Array.from({ length: width }, (_, week) => {
                          const share =
                            cohort.size && week < cohort.retained.length
                              ? (cohort.retained[week] ?? 0) / cohort.size
                              : null;
                          return (
                            <td
                              class="num"
                              key={week}
                              style={
                                share === null
                                  ? undefined
                                  : { background: `rgba(47, 111, 222, ${share * 0.6})` }
                              }
                            >
                              {share === null ? '' : formatPercent(share)}
                            </td>
                          );
                        })}
                      </tr>
                    ))}
                  </tbody>
                </table>
              </div>
            )}
            <Numbers>
              <DataTable
                caption={t('members.cohorts')}
                csvName="cohorts"
                rows={data.cohorts.flatMap((c) =>
                  c.retained.map((members, week) => ({ cohort: c.cohort, size: c.size, week, members })),
                )}
                rowKey={(row) => `${row.cohort}-${row.week}`}
                columns={[
                  {
                    key: 'cohort',
                    label: t('col.cohort'),
                    value: (r) => r.cohort,
                    render: (r) => formatDate(r.cohort),
                  },
                  { key: 'size', label: t('members.members'), num: true, value: (r) => r.size },
                  { key: 'week', label: t('col.week'), num: true, value: (r) => r.week },
                  { key: 'retained', label: t('members.retained'), num: true, value: (r) => r.members },
                ]}
              />
            </Numbers>
          </>
        ) : null}
      </Section>
      <Section title={t('members.points')} id="points" state={state}>
        {data && bands ? (
          <>
            <Stats
              items={[
                {
                  label: t('members.cheapestReward'),
                  value:
                    data.points.cheapestRewardPoints === null
                      ? '—'
                      : formatNumber(data.points.cheapestRewardPoints),
                },
                {
                  label: t('members.closeToReward'),
                  value: formatNumber(data.points.closeToReward),
                  hint: t('members.closeHint'),
                },
              ]}
            />
            <ChartView spec={bands} label={t('members.points')} />
            <Numbers>
              <DataTable
                caption={t('members.points')}
                csvName="points-balances"
                rows={data.points.bands}
                rowKey={(row) => String(row.from)}
                columns={[
                  { key: 'band', label: t('col.band'), value: (r) => bandLabel(r) },
                  { key: 'from', label: t('col.from'), num: true, value: (r) => r.from },
                  { key: 'members', label: t('members.members'), num: true, value: (r) => r.members },
                ]}
              />
            </Numbers>
          </>
        ) : null}
      </Section>
    </div>
  );
}
