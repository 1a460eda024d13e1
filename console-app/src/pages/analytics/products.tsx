import { useEffect, useState } from 'preact/hooks';
import { api } from '../../api';
import { brandCurrency, formatMoney, formatNumber } from '../../format';
import { createTranslator } from '../../i18n';
import { can } from '../../session';
import { Banner, ErrorBanner, Loading } from '../../ui/feedback';
import type { Product, UnmappedName } from './analytics-api';
import { DataTable } from './data-table';
import { messages } from './messages';
import { Section } from './parts';

const t = createTranslator(messages);

/**
 * The product mapping: the brand's products, and the printed names not yet mapped, most frequent first,
 * each mapped to the chosen product with one click (the analyses see it at once).
 */
export function Products() {
  const [products, setProducts] = useState<Product[] | null>(null);
  const [unmapped, setUnmapped] = useState<UnmappedName[] | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [target, setTarget] = useState('');
  const [notice, setNotice] = useState('');
  const writable = can('campaigns.write');

  const load = () =>
    Promise.all([
      api.get<{ products: Product[] }>('/analytics/products'),
      api.get<{ names: UnmappedName[] }>('/analytics/unmapped-names', { query: { limit: 100 } }),
    ])
      .then(([p, u]) => {
        setProducts(p.products);
        setUnmapped(u.names);
        setTarget((current) => current || p.products[0]?.key || '');
        setError(null);
      })
      .catch(setError);
  useEffect(() => {
    void load();
  }, []);

  const act = (work: Promise<unknown>, message: string) =>
    work
      .then(() => {
        setNotice(message);
        return load();
      })
      .catch(setError);

  if (error && !products) return <ErrorBanner error={error} onRetry={load} />;
  if (!products || !unmapped) return <Loading />;
  return (
    <div class="analysis-grid">
      {error ? <ErrorBanner error={error} /> : null}
      {notice ? <Banner kind="success">{notice}</Banner> : null}
      <Section title={t('products.title')} id="products">
        <p class="muted">{t('products.hint')}</p>
        <DataTable
          caption={t('products.title')}
          csvName="products"
          rows={products}
          rowKey={(row) => row.key}
          columns={[
            { key: 'key', label: t('col.key'), value: (r) => r.key },
            { key: 'name', label: t('col.name'), value: (r) => r.name },
            {
              key: 'names',
              label: t('col.mappedNames'),
              value: (r) => r.names.join(' | '),
              render: (r) => (
                <ul class="chips">
                  {r.names.map((name) => (
                    <li key={name}>
                      {name}
                      {writable ? (
                        <button
                          type="button"
                          class="link"
                          aria-label={t('products.unmap', { name })}
                          onClick={() =>
                            act(
                              api.delete('/analytics/mappings', { itemName: name }),
                              t('products.unmapped', { name }),
                            )
                          }
                        >
                          ×
                        </button>
                      ) : null}
                    </li>
                  ))}
                </ul>
              ),
            },
          ]}
        />
        {writable ? (
          <NewProduct onSaved={(name) => act(Promise.resolve(), t('products.saved', { name }))} />
        ) : null}
      </Section>
      <Section title={t('products.unmappedTitle')} id="unmapped">
        <p class="muted">{t('products.unmappedHint')}</p>
        {writable && products.length > 0 ? (
          <label class="inline-field">
            {t('products.mapTo')}
            <select
              id="map-target"
              value={target}
              onChange={(event) => setTarget((event.target as HTMLSelectElement).value)}
            >
              {products.map((p) => (
                <option key={p.key} value={p.key}>
                  {p.name} ({p.key})
                </option>
              ))}
            </select>
          </label>
        ) : null}
        <DataTable
          caption={t('products.unmappedTitle')}
          csvName="unmapped-names"
          rows={unmapped}
          rowKey={(row) => row.normalizedName}
          columns={[
            { key: 'item_name', label: t('col.itemName'), value: (r) => r.itemName },
            {
              key: 'baskets',
              label: t('col.baskets'),
              num: true,
              value: (r) => r.baskets,
              render: (r) => formatNumber(r.baskets),
            },
            {
              key: 'line_items',
              label: t('col.lineItems'),
              num: true,
              value: (r) => r.lineItems,
              render: (r) => formatNumber(r.lineItems),
            },
            {
              key: 'amount',
              label: t('sort.amount'),
              num: true,
              value: (r) => r.amountMinor / 100,
              render: (r) => formatMoney(r.amountMinor, brandCurrency()),
            },
            ...(writable && target
              ? [
                  {
                    key: 'map',
                    label: t('col.actions'),
                    value: () => null,
                    render: (r: UnmappedName) => (
                      <button
                        type="button"
                        class="small"
                        onClick={() =>
                          act(
                            api.post('/analytics/mappings', { itemName: r.itemName, productKey: target }),
                            t('products.mapped', { name: r.itemName, product: target }),
                          )
                        }
                      >
                        {t('products.map')}
                      </button>
                    ),
                  },
                ]
              : []),
          ]}
        />
      </Section>
    </div>
  );
}

function NewProduct({ onSaved }: { onSaved: (name: string) => void }) {
  const [key, setKey] = useState('');
  const [name, setName] = useState('');
  const [error, setError] = useState<unknown>(null);
  const [saving, setSaving] = useState(false);
  return (
    <form
      class="inline-form"
      onSubmit={(event) => {
        event.preventDefault();
        setSaving(true);
        api
          .post('/analytics/products', { key, name })
          .then(() => {
            setKey('');
            setName('');
            setError(null);
            onSaved(name);
          })
          .catch(setError)
          .finally(() => setSaving(false));
      }}
    >
      <h3>{t('products.new')}</h3>
      <label class="inline-field">
        {t('col.key')}
        <input
          id="product-key"
          value={key}
          required
          pattern="[a-z0-9_\-]{1,40}"
          onInput={(e) => setKey((e.target as HTMLInputElement).value)}
        />
      </label>
      <label class="inline-field">
        {t('col.name')}
        <input
          id="product-name"
          value={name}
          required
          maxLength={120}
          onInput={(e) => setName((e.target as HTMLInputElement).value)}
        />
      </label>
      <button type="submit" class="primary" disabled={saving}>
        {saving ? t('common.saving') : t('products.add')}
      </button>
      {error ? <ErrorBanner error={error} /> : null}
    </form>
  );
}
