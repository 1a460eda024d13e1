import { useMemo } from 'preact/hooks';
import { formatDate, formatNumber, formatPercent, intlLocale } from '../../format';
import { createTranslator, locale } from '../../i18n';
import { useAnalysis, type Filter, type FunnelAnswer, type HeatmapAnswer } from './analytics-api';
import { ChartView, PALETTE, type ChartSpec } from './chart';
import { DataTable } from './data-table';
import { withEveryDay } from './days';
import { messages } from './messages';
import { Numbers, Section, Stats } from './parts';
import { reasonLabel } from './reasons';

const t = createTranslator(messages);

const STEPS = ['received', 'read', 'verified', 'accepted', 'rejected', 'rewarded'] as const;

/** Proofs received → read → verified → accepted / rejected (by reason) → rewarded → redeemed; by day. */
export function Funnel({ filter }: { filter: Filter }) {
  const state = useAnalysis<FunnelAnswer>('funnel', filter);
  const data = state.data;
  const steps = useMemo(
    () =>
      data
        ? [
            ...STEPS.map((step) => ({ step, label: t(`funnel.${step}`), count: data.steps[step] })),
            { step: 'redeemed', label: t('funnel.redeemed'), count: data.steps.redeemedMembers },
          ]
        : [],
    [data, locale.value],
  );
  const chart = useMemo<ChartSpec | null>(
    () =>
      data
        ? {
            type: 'bar',
            horizontal: true,
            height: 240,
            labels: steps.map((s) => s.label),
            series: [
              {
                label: t('funnel.proofs'),
                data: steps.map((s) => s.count),
                color: steps.map((s) => (s.step === 'rejected' ? PALETTE[2]! : PALETTE[0]!)),
              },
            ],
          }
        : null,
    [data, steps, locale.value],
  );
  const daily = useMemo<ChartSpec | null>(() => {
    if (!data) return null;
    // Every day of the span, so a day without proofs is a zero on the time axis.
    const days = withEveryDay(data.byDay, (day) => ({ day, received: 0, accepted: 0, rejected: 0 }));
    return {
      type: 'line',
      labels: days.map((d) => formatDate(d.day)),
      series: [
        { label: t('funnel.received'), data: days.map((d) => d.received) },
        { label: t('funnel.accepted'), data: days.map((d) => d.accepted), color: PALETTE[1] },
        { label: t('funnel.rejected'), data: days.map((d) => d.rejected), color: PALETTE[2] },
      ],
    };
  }, [data, locale.value]);
  const received = data?.steps.received ?? 0;
  return (
    <div class="analysis-grid">
      <Section title={t('funnel.title')} id="funnel" state={state}>
        {data && chart ? (
          <>
            <Stats
              items={[
                { label: t('funnel.received'), value: formatNumber(received) },
                {
                  label: t('funnel.acceptRate'),
                  value: formatPercent(received ? data.steps.accepted / received : null, 1),
                },
                {
                  label: t('funnel.redeemRate'),
                  value: formatPercent(
                    data.steps.acceptedMembers
                      ? data.steps.redeemedMembers / data.steps.acceptedMembers
                      : null,
                    1,
                  ),
                  hint: t('funnel.redeemHint', {
                    redeemed: formatNumber(data.steps.redeemedMembers),
                    members: formatNumber(data.steps.acceptedMembers),
                  }),
                },
              ]}
            />
            <ChartView spec={chart} label={t('funnel.title')} />
            <DataTable
              caption={t('funnel.steps')}
              csvName="funnel"
              rows={steps}
              rowKey={(row) => row.step}
              columns={[
                { key: 'step', label: t('col.step'), value: (r) => r.label },
                {
                  key: 'count',
                  label: t('col.count'),
                  num: true,
                  value: (r) => r.count,
                  render: (r) => formatNumber(r.count),
                },
                {
                  key: 'share',
                  label: t('col.shareOfReceived'),
                  num: true,
                  value: (r) => (received ? r.count / received : null),
                  render: (r) => formatPercent(received ? r.count / received : null, 1),
                },
              ]}
            />
          </>
        ) : null}
      </Section>
      <Section title={t('funnel.rejectedByReason')} id="reasons" state={state}>
        {data ? (
          <DataTable
            caption={t('funnel.rejectedByReason')}
            csvName="rejected-by-reason"
            rows={data.rejectedByReason}
            rowKey={(row) => row.reason}
            initialSort={{ key: 'count', dir: 'desc' }}
            columns={[
              {
                key: 'reason',
                label: t('col.reason'),
                value: (r) => r.reason,
                render: (r) => reasonLabel(r.reason, locale.value) ?? r.reason,
              },
              {
                key: 'count',
                label: t('col.count'),
                num: true,
                value: (r) => r.count,
                render: (r) => formatNumber(r.count),
              },
            ]}
          />
        ) : null}
      </Section>
      <Section title={t('funnel.byDay')} id="funnel-days" state={state}>
        {data && daily ? (
          <>
            <ChartView spec={daily} label={t('funnel.byDay')} />
            <Numbers>
              <DataTable
                caption={t('funnel.byDay')}
                csvName="funnel-by-day"
                rows={data.byDay}
                rowKey={(row) => row.day}
                columns={[
                  { key: 'day', label: t('col.day'), value: (r) => r.day, render: (r) => formatDate(r.day) },
                  { key: 'received', label: t('funnel.received'), num: true, value: (r) => r.received },
                  { key: 'accepted', label: t('funnel.accepted'), num: true, value: (r) => r.accepted },
                  { key: 'rejected', label: t('funnel.rejected'), num: true, value: (r) => r.rejected },
                ]}
              />
            </Numbers>
          </>
        ) : null}
      </Section>
    </div>
  );
}

/** A campaign event's name (an unknown kind shows as sent). */
function eventLabel(kind: string): string {
  return ['campaign_start', 'campaign_end', 'draw'].includes(kind) ? t(`event.${kind as 'draw'}`) : kind;
}

/** Weekday names in the console's language, Sunday first (the server's 0 = Sunday). */
export function weekdayNames(): string[] {
  const format = new Intl.DateTimeFormat(intlLocale(), { weekday: 'short', timeZone: 'UTC' });
  // 2024-01-07 was a Sunday.
  return Array.from({ length: 7 }, (_, i) => format.format(new Date(Date.UTC(2024, 0, 7 + i))));
}

/** Weekday × hour of purchase (local to the store), and proofs by day with the campaigns' events marked. */
export function Times({ filter }: { filter: Filter }) {
  const state = useAnalysis<HeatmapAnswer>('heatmap', filter);
  const data = state.data;
  const days = weekdayNames();
  const max = Math.max(1, ...(data?.cells.flat() ?? [0]));
  const eventDays = new Map<string, string[]>();
  for (const event of data?.events ?? [])
    eventDays.set(event.day, [...(eventDays.get(event.day) ?? []), eventLabel(event.kind)]);
  // The days with purchases and the days with events (an event on a day without purchases is a day too).
  const proofsByDay = new Map((data?.byDay ?? []).map((d) => [d.day, d.proofs]));
  const dayRows = [...new Set([...proofsByDay.keys(), ...eventDays.keys()])]
    .sort()
    .map((day) => ({ day, proofs: proofsByDay.get(day) ?? 0, events: eventDays.get(day) ?? [] }));
  const daily = useMemo<ChartSpec | null>(() => {
    if (!data) return null;
    // Every day of the span (a quiet week is a gap of zeros); the table below keeps the days with something.
    const days = withEveryDay(dayRows, (day) => ({ day, proofs: 0, events: [] as string[] }));
    return {
      type: 'bar',
      labels: days.map((d) => formatDate(d.day)),
      series: [
        { label: t('time.proofs'), data: days.map((d) => d.proofs), color: PALETTE[0] },
        ...(eventDays.size > 0
          ? [
              {
                label: t('time.events'),
                data: days.map((d) => (d.events.length ? d.proofs : null)),
                color: PALETTE[3],
                markers: { notes: days.map((d) => (d.events.length ? d.events.join(', ') : null)) },
              },
            ]
          : []),
      ],
    };
  }, [data, locale.value]);
  const cellRows = (data?.cells ?? []).flatMap((hours, weekday) =>
    hours.map((proofs, hour) => ({ weekday, hour, proofs })),
  );
  return (
    <div class="analysis-grid">
      <Section title={t('time.heatmap')} id="heatmap" state={state}>
        {data ? (
          <>
            <p class="muted">{t('time.heatmapHint')}</p>
            <div class="table-scroll">
              <table class="heatmap" aria-label={t('time.heatmap')}>
                <thead>
                  <tr>
                    <th scope="col">
                      <span class="sr-only">{t('col.weekday')}</span>
                    </th>
                    {Array.from({ length: 24 }, (_, hour) => (
                      <th scope="col" key={hour}>
                        {hour}
                      </th>
                    ))}
                  </tr>
                </thead>
                <tbody>
                  {data.cells.map((hours, weekday) => (
                    <tr key={weekday}>
                      <th scope="row">{days[weekday]}</th>
                      {hours.map((proofs, hour) => (
                        <td
                          key={hour}
                          title={`${days[weekday]} ${hour}:00 · ${formatNumber(proofs)}`}
                          style={{
                            background: `rgba(10, 125, 59, ${(proofs / max) * 0.9 + (proofs ? 0.05 : 0)})`,
                          }}
                          class={proofs / max > 0.55 ? 'hot' : undefined}
                        >
                          {proofs ? formatNumber(proofs) : ''}
                        </td>
                      ))}
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
            <Numbers>
              <DataTable
                caption={t('time.heatmap')}
                csvName="weekday-hour"
                rows={cellRows}
                rowKey={(row) => `${row.weekday}-${row.hour}`}
                columns={[
                  {
                    key: 'weekday',
                    label: t('col.weekday'),
                    value: (r) => r.weekday,
                    render: (r) => days[r.weekday],
                  },
                  { key: 'hour', label: t('col.hour'), num: true, value: (r) => r.hour },
                  { key: 'proofs', label: t('time.proofs'), num: true, value: (r) => r.proofs },
                ]}
              />
            </Numbers>
          </>
        ) : null}
      </Section>
      <Section title={t('time.byDay')} id="time-days" state={state}>
        {data && daily ? (
          <>
            <ChartView spec={daily} label={t('time.byDay')} />
            {data.events.length > 0 ? (
              <ul class="events">
                {data.events.map((event) => (
                  <li key={`${event.day}-${event.kind}-${event.campaignId}`}>
                    <span class="event-dot" aria-hidden="true" /> {formatDate(event.day)} ·{' '}
                    {eventLabel(event.kind)}
                  </li>
                ))}
              </ul>
            ) : null}
            <Numbers>
              <DataTable
                caption={t('time.byDay')}
                csvName="proofs-by-day"
                rows={dayRows}
                rowKey={(row) => row.day}
                columns={[
                  { key: 'day', label: t('col.day'), value: (r) => r.day, render: (r) => formatDate(r.day) },
                  { key: 'proofs', label: t('time.proofs'), num: true, value: (r) => r.proofs },
                  { key: 'events', label: t('col.events'), value: (r) => r.events.join(', ') },
                ]}
              />
            </Numbers>
          </>
        ) : null}
      </Section>
    </div>
  );
}
