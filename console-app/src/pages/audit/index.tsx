import { useEffect, useState } from 'preact/hooks';
import { api } from '../../api';
import { brandTimeZone, formatDateTime } from '../../format';
import { createTranslator } from '../../i18n';
import type { PageProps } from '../../routes';
import { setQuery } from '../../router';
import { ErrorBanner, Loading } from '../../ui/feedback';
import { Field } from '../../ui/field';
import '../../ui/admin.css';
import { messages } from './messages';

const t = createTranslator(messages);
type Key = Parameters<typeof t>[0];

type AuditEntry = {
  id: string;
  actorType: 'console_user' | 'member' | 'operator' | 'system';
  actorId: string | null;
  actorName: string | null;
  actorEmail: string | null;
  action: string;
  targetType: string | null;
  targetId: string | null;
  data: Record<string, unknown> | null;
  createdAt: string;
};
type Page = { entries: AuditEntry[]; next: string | null };
type Facets = {
  actions: string[];
  targetTypes: string[];
  actors: { id: string; name: string; email: string }[];
};

const FILTERS = ['actor', 'action', 'target', 'from', 'to'] as const;
type Filters = Record<(typeof FILTERS)[number], string>;

/** A translated label when there is one, else the code itself (new actions show up before their words). */
function labelOf(prefix: 'action' | 'target', code: string): string {
  const key = `${prefix}.${code}` as Key;
  const text = t(key);
  return text === key ? code : text;
}

function actorLabel(entry: AuditEntry): string {
  if (entry.actorType === 'console_user') return entry.actorName || entry.actorEmail || entry.actorId || '—';
  if (entry.actorType === 'member') return t('actor.member', { id: entry.actorId ?? '' });
  if (entry.actorType === 'operator') return t('actor.operator');
  return t('actor.system');
}

/** The audit log (owners): who did what, when (in the brand's time zone), to what; filtered, paged. */
export default function AuditPage({ query }: PageProps) {
  const filters = Object.fromEntries(FILTERS.map((name) => [name, query.get(name) ?? ''])) as Filters;
  const filterKey = FILTERS.map((name) => filters[name]).join('|');
  const [facets, setFacets] = useState<Facets | null>(null);
  const [page, setPage] = useState<Page | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [loadingMore, setLoadingMore] = useState(false);

  useEffect(() => {
    api.get<Facets>('/audit/facets').then(setFacets).catch(setError);
  }, []);

  const load = (after?: string) =>
    api.get<Page>('/audit', { query: { ...filters, after } }).then((answer) => {
      setError(null);
      setPage((previous) =>
        after && previous ? { entries: [...previous.entries, ...answer.entries], next: answer.next } : answer,
      );
    });

  useEffect(() => {
    setPage(null);
    load().catch(setError);
  }, [filterKey]);

  const set = (name: keyof Filters, value: string) => setQuery({ [name]: value || undefined });

  return (
    <section class="page">
      <div class="page-head">
        <h1>{t('nav.audit')}</h1>
        <span class="muted small">{t('timezone', { zone: brandTimeZone() })}</span>
      </div>
      <form class="admin-toolbar" onSubmit={(event) => event.preventDefault()} role="search">
        <Field label={t('filter.actor')}>
          {(props) => (
            <select {...props} value={filters.actor} onChange={(e) => set('actor', e.currentTarget.value)}>
              <option value="">{t('filter.anyone')}</option>
              {facets?.actors.map((actor) => (
                <option key={actor.id} value={actor.id}>
                  {actor.name || actor.email}
                </option>
              ))}
            </select>
          )}
        </Field>
        <Field label={t('filter.action')}>
          {(props) => (
            <select {...props} value={filters.action} onChange={(e) => set('action', e.currentTarget.value)}>
              <option value="">{t('filter.anything')}</option>
              {facets?.actions.map((action) => (
                <option key={action} value={action}>
                  {labelOf('action', action)}
                </option>
              ))}
            </select>
          )}
        </Field>
        <Field label={t('filter.target')}>
          {(props) => (
            <select {...props} value={filters.target} onChange={(e) => set('target', e.currentTarget.value)}>
              <option value="">{t('filter.anyTarget')}</option>
              {facets?.targetTypes.map((target) => (
                <option key={target} value={target}>
                  {labelOf('target', target)}
                </option>
              ))}
            </select>
          )}
        </Field>
        <Field label={t('filter.from')}>
          {(props) => (
            <input
              {...props}
              type="date"
              value={filters.from}
              onChange={(e) => set('from', e.currentTarget.value)}
            />
          )}
        </Field>
        <Field label={t('filter.to')}>
          {(props) => (
            <input
              {...props}
              type="date"
              value={filters.to}
              onChange={(e) => set('to', e.currentTarget.value)}
            />
          )}
        </Field>
        {FILTERS.some((name) => filters[name]) ? (
          <button
            type="button"
            class="link"
            onClick={() => setQuery(Object.fromEntries(FILTERS.map((name) => [name, undefined])))}
          >
            {t('filter.clear')}
          </button>
        ) : null}
      </form>
      <ErrorBanner error={error} onRetry={() => void load().catch(setError)} />
      {!page ? (
        error ? null : (
          <Loading />
        )
      ) : page.entries.length === 0 ? (
        <p class="muted">{t('empty')}</p>
      ) : (
        <>
          <table class="data" data-testid="audit">
            <thead>
              <tr>
                <th>{t('col.when')}</th>
                <th>{t('col.who')}</th>
                <th>{t('col.what')}</th>
                <th>{t('col.target')}</th>
                <th>{t('col.details')}</th>
              </tr>
            </thead>
            <tbody>
              {page.entries.map((entry) => (
                <tr key={entry.id}>
                  <td>{formatDateTime(entry.createdAt)}</td>
                  <td>
                    {actorLabel(entry)}
                    {entry.actorType === 'console_user' && entry.actorEmail ? (
                      <div class="muted small">{entry.actorEmail}</div>
                    ) : null}
                  </td>
                  <td>
                    {labelOf('action', entry.action)}
                    <div class="muted small mono">{entry.action}</div>
                  </td>
                  <td>
                    {entry.targetType ? labelOf('target', entry.targetType) : '—'}
                    {entry.targetId ? <div class="muted small mono">{entry.targetId}</div> : null}
                  </td>
                  <td>
                    {entry.data && Object.keys(entry.data).length > 0 ? (
                      <details>
                        <summary>{t('details.show')}</summary>
                        <pre class="mono small">{JSON.stringify(entry.data, null, 2)}</pre>
                      </details>
                    ) : null}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
          {page.next ? (
            <p>
              <button
                type="button"
                disabled={loadingMore}
                onClick={() => {
                  setLoadingMore(true);
                  load(page.next ?? undefined)
                    .catch(setError)
                    .finally(() => setLoadingMore(false));
                }}
              >
                {loadingMore ? t('common.loading') : t('common.more')}
              </button>
            </p>
          ) : null}
        </>
      )}
    </section>
  );
}
