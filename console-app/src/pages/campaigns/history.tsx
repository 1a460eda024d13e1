import { useEffect, useState } from 'preact/hooks';
import { api } from '../../api';
import { formatDateTime } from '../../format';
import { createTranslator } from '../../i18n';
import { ErrorBanner, Loading } from '../../ui/feedback';
import { messages } from './messages';
import type { Change } from './model';
import { SelectField } from './widgets';

const t = createTranslator(messages);

type VersionRow = { version: number; current: boolean; createdBy: string | null; createdAt: string };

const show = (value: unknown) => (value === undefined ? '—' : JSON.stringify(value));

/** The versions of a campaign, and what changed between any two of them, path by path. */
export function History({ slug, version }: { slug: string; version: number }) {
  const [versions, setVersions] = useState<VersionRow[] | null>(null);
  const [from, setFrom] = useState(String(Math.max(1, version - 1)));
  const [to, setTo] = useState(String(version));
  const [changes, setChanges] = useState<Change[] | null>(null);
  const [error, setError] = useState<unknown>(null);

  useEffect(() => {
    api
      .get<{ versions: VersionRow[] }>(`/campaigns/${slug}/versions`)
      .then((answer) => setVersions(answer.versions))
      .catch(setError);
  }, [slug, version]);
  useEffect(() => {
    if (from === to) return setChanges([]);
    api
      .get<{ changes: Change[] }>(`/campaigns/${slug}/diff`, { query: { from, to } })
      .then((answer) => setChanges(answer.changes))
      .catch(setError);
  }, [slug, from, to, version]);

  if (error) return <ErrorBanner error={error} />;
  if (!versions) return <Loading />;
  const options = versions.map((row) => ({
    value: String(row.version),
    label: `v${row.version}${row.current ? ` (${t('history.current')})` : ''}`,
  }));
  return (
    <div class="history">
      <table class="data">
        <thead>
          <tr>
            <th>{t('version')}</th>
            <th>{t('history.savedAt')}</th>
            <th>{t('history.by')}</th>
          </tr>
        </thead>
        <tbody>
          {versions.map((row) => (
            <tr key={row.version} aria-current={row.current ? 'true' : undefined}>
              <td>
                v{row.version}{' '}
                {row.current ? <span class="badge badge-ok">{t('history.current')}</span> : null}
              </td>
              <td>{formatDateTime(row.createdAt)}</td>
              <td>{row.createdBy ?? '—'}</td>
            </tr>
          ))}
        </tbody>
      </table>
      {versions.length > 1 ? (
        <>
          <div class="grid4">
            <SelectField
              label={t('history.from')}
              name="diff-from"
              value={from}
              options={options}
              onChange={setFrom}
            />
            <SelectField
              label={t('history.to')}
              name="diff-to"
              value={to}
              options={options}
              onChange={setTo}
            />
          </div>
          {changes && changes.length === 0 ? <p class="muted">{t('history.same')}</p> : null}
          {changes && changes.length > 0 ? (
            <table class="data diff">
              <caption>{t('history.diff', { from, to })}</caption>
              <thead>
                <tr>
                  <th>{t('history.path')}</th>
                  <th>{t('history.before')}</th>
                  <th>{t('history.after')}</th>
                </tr>
              </thead>
              <tbody>
                {changes.map((change) => (
                  <tr key={change.path}>
                    <td>
                      <code>{change.path}</code>
                    </td>
                    <td>
                      <del>{show(change.before)}</del>
                    </td>
                    <td>
                      <ins>{show(change.after)}</ins>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          ) : null}
        </>
      ) : (
        <p class="muted">{t('history.single')}</p>
      )}
    </div>
  );
}
