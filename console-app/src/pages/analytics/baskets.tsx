import { useEffect, useMemo, useState } from 'preact/hooks';
import { api } from '../../api';
import { brandCurrency, formatMoney, formatNumber, formatPercent } from '../../format';
import { createTranslator, locale } from '../../i18n';
import {
  regionName,
  useAnalysis,
  type BasketsAnswer,
  type Filter,
  type Product,
  type RegionRow,
  type StoreRow,
} from './analytics-api';
import { ChartView, PALETTE, type ChartSpec } from './chart';
import { DataTable } from './data-table';
import { messages } from './messages';
import { Numbers, Section, Stats } from './parts';

const t = createTranslator(messages);

/** The brand's products by key, to show their names in the pairs. */
function useProductNames(): Map<string, string> {
  const [names, setNames] = useState(new Map<string, string>());
  useEffect(() => {
    api
      .get<{ products: Product[] }>('/analytics/products')
      .then((answer) => setNames(new Map(answer.products.map((p) => [p.key, p.name]))))
      .catch(() => setNames(new Map()));
  }, []);
  return names;
}

/**
 * What is bought with the brand's products: pairs (own product A, anything B) with count, support,
 * confidence and lift; the average basket and the share of basket.
 */
export function Baskets({ filter }: { filter: Filter }) {
  const [minCount, setMinCount] = useState(2);
  const state = useAnalysis<BasketsAnswer>('baskets', filter, { minCount, limit: 100 });
  const products = useProductNames();
  const data = state.data;
  const nameOf = (key: string) => products.get(key) ?? key;
  const chart = useMemo<ChartSpec | null>(() => {
    if (!data) return null;
    const top = [...data.pairs].sort((x, y) => y.lift - x.lift).slice(0, 10);
    return {
      type: 'bar',
      horizontal: true,
      height: 60 + top.length * 26,
      labels: top.map((p) => `${nameOf(p.a)} + ${p.b}`),
      series: [
        { label: t('col.lift'), data: top.map((p) => Math.round(p.lift * 100) / 100), color: PALETTE[1] },
      ],
    };
  }, [data, products, locale.value]);
  return (
    <div class="analysis-grid">
      <Section title={t('baskets.title')} id="baskets" state={state}>
        {data ? (
          <>
            <Stats
              items={[
                { label: t('baskets.count'), value: formatNumber(data.baskets) },
                {
                  label: t('baskets.average'),
                  value: formatMoney(data.summary.averageAmountMinor, brandCurrency()),
                },
                {
                  label: t('baskets.averageItems'),
                  value: formatNumber(data.summary.averageItems, { maximumFractionDigits: 1 }),
                },
                {
                  label: t('baskets.withOwn'),
                  value: formatNumber(data.summary.withOwnProducts),
                  hint: formatPercent(data.baskets ? data.summary.withOwnProducts / data.baskets : null, 1),
                },
                {
                  label: t('baskets.share'),
                  value: formatPercent(data.summary.shareOfBasket, 1),
                  hint: t('baskets.shareHint'),
                },
              ]}
            />
          </>
        ) : null}
      </Section>
      <Section title={t('baskets.topLift')} id="lift" state={state}>
        {data && chart ? (
          data.pairs.length > 0 ? (
            <ChartView spec={chart} label={t('baskets.topLift')} />
          ) : (
            <p class="muted">{t('baskets.noPairs')}</p>
          )
        ) : null}
      </Section>
      <Section title={t('baskets.pairs')} id="pairs" state={state}>
        {data ? (
          <>
            <p class="muted">{t('baskets.pairsHint')}</p>
            <label class="inline-field">
              {t('baskets.minCount')}
              <input
                id="baskets-min-count"
                type="number"
                min={1}
                value={minCount}
                onChange={(event) => {
                  const value = Number((event.target as HTMLInputElement).value);
                  if (Number.isInteger(value) && value >= 1) setMinCount(value);
                }}
              />
            </label>
            <DataTable
              caption={t('baskets.pairs')}
              csvName="basket-pairs"
              rows={data.pairs}
              rowKey={(row) => `${row.a}|${row.b}`}
              columns={[
                { key: 'a', label: t('col.productA'), value: (r) => r.a, render: (r) => nameOf(r.a) },
                { key: 'b', label: t('col.productB'), value: (r) => r.b },
                {
                  key: 'count',
                  label: t('col.together'),
                  num: true,
                  value: (r) => r.count,
                  render: (r) => formatNumber(r.count),
                },
                {
                  key: 'support',
                  label: t('col.support'),
                  num: true,
                  value: (r) => r.support,
                  render: (r) => formatPercent(r.support, 1),
                },
                {
                  key: 'confidence',
                  label: t('col.confidence'),
                  num: true,
                  value: (r) => r.confidence,
                  render: (r) => formatPercent(r.confidence, 1),
                },
                {
                  key: 'lift',
                  label: t('col.lift'),
                  num: true,
                  value: (r) => r.lift,
                  render: (r) => formatNumber(r.lift, { maximumFractionDigits: 2 }),
                },
              ]}
            />
          </>
        ) : null}
      </Section>
    </div>
  );
}

type Sort = 'proofs' | 'members' | 'amount';

/** Stores (one per seller and branch) and regions ranked by proofs, members or amount. */
export function Places({ filter }: { filter: Filter }) {
  const [sort, setSort] = useState<Sort>('proofs');
  const stores = useAnalysis<{ stores: StoreRow[] }>('stores', filter, { sort, limit: 100 });
  const regions = useAnalysis<{ regions: RegionRow[] }>('regions', filter, { sort });
  const unknown = t('places.unknownRegion');
  const measure = (row: { proofs: number; members: number; amountMinor: number }) =>
    sort === 'amount' ? row.amountMinor / 100 : sort === 'members' ? row.members : row.proofs;
  const charts = useMemo(() => {
    const rows = regions.data?.regions ?? [];
    return (['TW', 'TH'] as const)
      .map((country) => {
        const own = rows.filter((r) => r.country === country).slice(0, 22);
        const spec: ChartSpec = {
          type: 'bar',
          horizontal: true,
          height: 50 + own.length * 22,
          labels: own.map((r) => regionName(r, unknown)),
          series: [{ label: t(`sort.${sort}`), data: own.map(measure) }],
        };
        return { country, spec, count: own.length };
      })
      .filter((c) => c.count > 0);
  }, [regions.data, sort, locale.value]);
  const rankingColumns = [
    { key: 'proofs', label: t('sort.proofs'), num: true, value: (r: StoreRow | RegionRow) => r.proofs },
    { key: 'members', label: t('sort.members'), num: true, value: (r: StoreRow | RegionRow) => r.members },
    {
      key: 'amount',
      label: t('sort.amount'),
      num: true,
      value: (r: StoreRow | RegionRow) => r.amountMinor / 100,
      render: (r: StoreRow | RegionRow) => formatMoney(r.amountMinor, brandCurrency()),
    },
  ];
  return (
    <div class="analysis-grid">
      <div class="toolbar">
        <label class="inline-field">
          {t('places.rankBy')}
          <select
            id="places-sort"
            value={sort}
            onChange={(event) => setSort((event.target as HTMLSelectElement).value as Sort)}
          >
            {(['proofs', 'members', 'amount'] as const).map((key) => (
              <option key={key} value={key}>
                {t(`sort.${key}`)}
              </option>
            ))}
          </select>
        </label>
      </div>
      <Section title={t('places.regions')} id="regions" state={regions}>
        {regions.data ? (
          <>
            <div class="chart-pair">
              {charts.map((c) => (
                <div key={c.country}>
                  <h3>{t(`places.country.${c.country}`)}</h3>
                  <ChartView
                    spec={c.spec}
                    label={`${t('places.regions')} · ${t(`places.country.${c.country}`)}`}
                  />
                </div>
              ))}
            </div>
            <Numbers>
              <DataTable
                caption={t('places.regions')}
                csvName="regions"
                rows={regions.data.regions}
                rowKey={(row) => row.code ?? 'unknown'}
                columns={[
                  { key: 'region', label: t('col.region'), value: (r) => regionName(r, unknown) },
                  { key: 'code', label: t('col.code'), value: (r) => r.code },
                  ...rankingColumns,
                ]}
              />
            </Numbers>
          </>
        ) : null}
      </Section>
      <Section title={t('places.stores')} id="stores" state={stores}>
        {stores.data ? (
          <DataTable
            caption={t('places.stores')}
            csvName="stores"
            rows={stores.data.stores}
            rowKey={(row) => row.storeKey}
            columns={[
              { key: 'store', label: t('col.store'), value: (r) => r.name ?? r.storeKey },
              { key: 'seller_id', label: t('col.sellerId'), value: (r) => r.sellerId },
              { key: 'branch', label: t('col.branch'), value: (r) => r.branch || null },
              {
                key: 'region',
                label: t('col.region'),
                value: (r) => r.regionCode,
                render: (r) =>
                  regionName(
                    { code: r.regionCode, names: regionNames(regions.data?.regions, r.regionCode) },
                    unknown,
                  ),
              },
              ...rankingColumns,
            ]}
          />
        ) : null}
      </Section>
    </div>
  );
}

function regionNames(rows: RegionRow[] | undefined, code: string | null) {
  return rows?.find((r) => r.code === code)?.names ?? null;
}
