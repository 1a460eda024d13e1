import { useEffect, useState } from 'preact/hooks';
import { api } from '../../api';
import { createTranslator, locale } from '../../i18n';
import type { PageProps } from '../../routes';
import { setQuery } from '../../router';
import { can } from '../../session';
import { addDays, brandToday, type Filter } from './analytics-api';
import { Baskets, Places } from './baskets';
import { Exports } from './exports';
import { Members } from './members';
import { messages } from './messages';
import { Funnel, Times } from './overview';
import { Products } from './products';
import './analytics.css';

const t = createTranslator(messages);

const TABS = ['funnel', 'baskets', 'places', 'time', 'members', 'products', 'exports'] as const;
type Tab = (typeof TABS)[number];
const RANGES = ['7', '30', '90', 'all'] as const;
type Range = (typeof RANGES)[number] | 'custom';
/** The range a page opens with: long enough that a running campaign's first weeks show. */
const DEFAULT_RANGE = '90';

type CampaignRef = { id: string; slug: string; name: Partial<Record<string, string>>; status: string };

/** The filter the URL holds (`?campaign=&from=&to=&range=`), so a view can be shared and reloaded. */
function filterOf(query: URLSearchParams): { filter: Filter; range: Range } {
  const range = (query.get('range') ?? DEFAULT_RANGE) as Range;
  const campaign = query.get('campaign') || undefined;
  if (range === 'custom')
    return {
      range,
      filter: { campaign, from: query.get('from') || undefined, to: query.get('to') || undefined },
    };
  if (range === 'all') return { range, filter: { campaign } };
  const days = RANGES.includes(range) ? Number(range) : Number(DEFAULT_RANGE);
  const to = brandToday();
  return { range, filter: { campaign, from: addDays(to, 1 - days), to } };
}

/**
 * Analytics: the proof funnel, baskets, stores and regions, purchase times, members and cohorts, the
 * product mapping and exports, each for a campaign and a date range (in the brand's time zone).
 */
export default function AnalyticsPage({ query }: PageProps) {
  const tab = (TABS as readonly string[]).includes(query.get('tab') ?? '')
    ? (query.get('tab') as Tab)
    : 'funnel';
  const { filter, range } = filterOf(query);
  const [campaigns, setCampaigns] = useState<CampaignRef[]>([]);
  useEffect(() => {
    api
      .get<{ campaigns: CampaignRef[] }>('/campaigns')
      .then((answer) => setCampaigns(answer.campaigns))
      .catch(() => setCampaigns([]));
  }, []);
  const tabs = TABS.filter((key) => key !== 'exports' || can('exports.run'));

  return (
    <section class="page analytics">
      <div class="page-head">
        <h1>{t('nav.analytics')}</h1>
      </div>
      <FilterBar filter={filter} range={range} campaigns={campaigns} />
      <div class="tabs" role="tablist" aria-label={t('tabs.label')}>
        {tabs.map((key, index) => (
          <button
            type="button"
            role="tab"
            key={key}
            id={`tab-${key}`}
            aria-selected={key === tab}
            tabIndex={key === tab ? 0 : -1}
            onClick={() => setQuery({ tab: key === 'funnel' ? undefined : key })}
            onKeyDown={(event) => {
              const step = event.key === 'ArrowRight' ? 1 : event.key === 'ArrowLeft' ? -1 : 0;
              if (!step) return;
              event.preventDefault();
              const next = tabs[(index + step + tabs.length) % tabs.length]!;
              setQuery({ tab: next === 'funnel' ? undefined : next });
              document.getElementById(`tab-${next}`)?.focus();
            }}
          >
            {t(`tab.${key}`)}
          </button>
        ))}
      </div>
      <div role="tabpanel" aria-labelledby={`tab-${tab}`} class="analytics-panel">
        {tab === 'funnel' ? <Funnel filter={filter} /> : null}
        {tab === 'baskets' ? <Baskets filter={filter} /> : null}
        {tab === 'places' ? <Places filter={filter} /> : null}
        {tab === 'time' ? <Times filter={filter} /> : null}
        {tab === 'members' ? <Members filter={filter} /> : null}
        {tab === 'products' ? <Products /> : null}
        {tab === 'exports' ? <Exports filter={filter} /> : null}
      </div>
    </section>
  );
}

function FilterBar({ filter, range, campaigns }: { filter: Filter; range: Range; campaigns: CampaignRef[] }) {
  const [from, setFrom] = useState(filter.from ?? '');
  const [to, setTo] = useState(filter.to ?? '');
  useEffect(() => {
    setFrom(filter.from ?? '');
    setTo(filter.to ?? '');
  }, [filter.from, filter.to]);
  const nameOf = (c: CampaignRef) => c.name[locale.value] || c.name['zh-TW'] || c.name.en || c.slug;
  return (
    <form
      class="filter-bar card"
      aria-label={t('filter.label')}
      onSubmit={(event) => {
        event.preventDefault();
        setQuery({ range: 'custom', from, to });
      }}
    >
      <label class="filter-field">
        <span>{t('filter.campaign')}</span>
        <select
          id="analytics-campaign"
          value={filter.campaign ?? ''}
          onChange={(event) => setQuery({ campaign: (event.target as HTMLSelectElement).value || undefined })}
        >
          <option value="">{t('filter.allCampaigns')}</option>
          {campaigns.map((c) => (
            <option key={c.id} value={c.id}>
              {nameOf(c)}
            </option>
          ))}
        </select>
      </label>
      <div class="range-buttons" role="group" aria-label={t('filter.range')}>
        {RANGES.map((key) => (
          <button
            type="button"
            key={key}
            class={range === key ? 'primary' : undefined}
            aria-pressed={range === key}
            onClick={() =>
              setQuery({ range: key === DEFAULT_RANGE ? undefined : key, from: undefined, to: undefined })
            }
          >
            {key === 'all' ? t('filter.allTime') : t('filter.lastDays', { days: key })}
          </button>
        ))}
      </div>
      <div class="custom-range">
        <label class="filter-field">
          <span>{t('filter.from')}</span>
          <input
            id="analytics-from"
            type="date"
            value={from}
            max={to || undefined}
            onInput={(event) => setFrom((event.target as HTMLInputElement).value)}
          />
        </label>
        <label class="filter-field">
          <span>{t('filter.to')}</span>
          <input
            id="analytics-to"
            type="date"
            value={to}
            min={from || undefined}
            onInput={(event) => setTo((event.target as HTMLInputElement).value)}
          />
        </label>
        <button type="submit" id="analytics-apply">
          {t('filter.apply')}
        </button>
      </div>
    </form>
  );
}
