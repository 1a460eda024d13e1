import { useEffect, useState } from 'preact/hooks';
import { api } from '../../api';
import { formatDate, formatDateTime, formatNumber, formatPercent } from '../../format';
import { createTranslator } from '../../i18n';
import { ErrorBanner, Loading } from '../../ui/feedback';
import type { Filter } from './analytics-api';
import { messages } from './messages';
import { Section } from './parts';

const t = createTranslator(messages);

const KINDS = ['line_items', 'submissions', 'members', 'survey_answers', 'winners'] as const;
type ExportKind = (typeof KINDS)[number];

/** An export job as `GET /analytics/exports` describes it. */
export type ExportJob = {
  id: string;
  kind: ExportKind;
  format: 'csv' | 'xlsx';
  state: 'queued' | 'running' | 'done' | 'failed' | 'expired';
  params: { campaign?: string; from?: string; to?: string };
  rowsDone: number;
  rowsTotal: number | null;
  createdAt: string;
  finishedAt: string | null;
  expiresAt: string | null;
  /** Present while the file can be downloaded (the link stops working at `expiresAt`). */
  downloadUrl: string | null;
  error: string | null;
};

const POLL_MS = 1_000;

/**
 * Exports (line items, proofs, members, survey answers, draw winners) as background jobs: start one for the
 * current filter, watch it, download the file.
 */
export function Exports({ filter }: { filter: Filter }) {
  const [jobs, setJobs] = useState<ExportJob[] | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [format, setFormat] = useState<'csv' | 'xlsx'>('csv');
  const [kind, setKind] = useState<ExportKind>('line_items');
  const [starting, setStarting] = useState(false);

  const load = () =>
    api
      .get<{ jobs: ExportJob[] }>('/analytics/exports')
      .then((answer) => {
        setJobs(answer.jobs);
        setError(null);
      })
      .catch(setError);
  useEffect(() => {
    void load();
  }, []);
  const busy = jobs?.some((job) => job.state === 'queued' || job.state === 'running') ?? false;
  useEffect(() => {
    if (!busy) return undefined;
    const timer = setInterval(() => void load(), POLL_MS);
    return () => clearInterval(timer);
  }, [busy]);

  const range =
    filter.from || filter.to
      ? `${filter.from ? formatDate(filter.from) : '…'} – ${filter.to ? formatDate(filter.to) : '…'}`
      : t('filter.allTime');
  return (
    <div class="analysis-grid">
      <Section title={t('exports.title')} id="exports">
        <p class="muted">{t('exports.hint', { range })}</p>
        <form
          class="inline-form"
          onSubmit={(event) => {
            event.preventDefault();
            setStarting(true);
            api
              .post('/analytics/exports', { kind, format, ...filter })
              .then(load)
              .catch(setError)
              .finally(() => setStarting(false));
          }}
        >
          <label class="inline-field">
            {t('exports.kind')}
            <select
              id="export-kind"
              value={kind}
              onChange={(e) => setKind((e.target as HTMLSelectElement).value as ExportKind)}
            >
              {KINDS.map((k) => (
                <option key={k} value={k}>
                  {t(`exports.kind.${k}`)}
                </option>
              ))}
            </select>
          </label>
          <label class="inline-field">
            {t('exports.format')}
            <select
              id="export-format"
              value={format}
              onChange={(e) => setFormat((e.target as HTMLSelectElement).value as 'csv' | 'xlsx')}
            >
              <option value="csv">CSV</option>
              <option value="xlsx">XLSX (Excel)</option>
            </select>
          </label>
          <button type="submit" class="primary" id="export-start" disabled={starting}>
            {t('exports.start')}
          </button>
        </form>
        <p class="muted small" id="export-about">
          {t(`exports.about.${kind}`)}
        </p>
        {error ? <ErrorBanner error={error} onRetry={load} /> : null}
        {!jobs ? <Loading /> : <JobList jobs={jobs} />}
      </Section>
    </div>
  );
}

function JobList({ jobs }: { jobs: ExportJob[] }) {
  if (jobs.length === 0) return <p class="muted">{t('exports.none')}</p>;
  return (
    <div class="table-scroll">
      <table class="data exports">
        <thead>
          <tr>
            <th>{t('exports.requested')}</th>
            <th>{t('exports.what')}</th>
            <th>{t('exports.progress')}</th>
            <th>{t('exports.file')}</th>
          </tr>
        </thead>
        <tbody>
          {jobs.map((job) => {
            const share = job.rowsTotal ? job.rowsDone / job.rowsTotal : job.state === 'done' ? 1 : 0;
            return (
              <tr key={job.id} data-export={job.id} data-state={job.state}>
                <td>{formatDateTime(job.createdAt)}</td>
                <td>
                  {t(`exports.kind.${job.kind}`)} · {job.format.toUpperCase()}
                  <div class="muted small">
                    {job.params.from || job.params.to
                      ? `${job.params.from ? formatDate(job.params.from) : '…'} – ${job.params.to ? formatDate(job.params.to) : '…'}`
                      : t('filter.allTime')}
                  </div>
                </td>
                <td>
                  <progress max={1} value={share} aria-label={t('exports.progress')} />
                  <div class="small">
                    {t(`exports.state.${job.state}`)} · {formatNumber(job.rowsDone)}
                    {job.rowsTotal !== null ? ` / ${formatNumber(job.rowsTotal)}` : ''} (
                    {formatPercent(share)})
                  </div>
                  {job.error ? <div class="field-error">{job.error}</div> : null}
                </td>
                <td>
                  {job.downloadUrl ? (
                    <>
                      <a class="download" href={job.downloadUrl} download>
                        {t('exports.download')}
                      </a>
                      <div class="muted small">
                        {t('exports.expires', { at: formatDateTime(job.expiresAt) })}
                      </div>
                    </>
                  ) : job.state === 'expired' ? (
                    <span class="muted">{t('exports.expired')}</span>
                  ) : null}
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}
