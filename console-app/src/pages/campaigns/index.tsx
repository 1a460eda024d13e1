import { useEffect, useState } from 'preact/hooks';
import { api, isApiError } from '../../api';
import { createTranslator } from '../../i18n';
import type { PageProps } from '../../routes';
import { setQuery } from '../../router';
import { can } from '../../session';
import { ErrorBanner } from '../../ui/feedback';
import { Field } from '../../ui/field';
import { messages } from './messages';

const t = createTranslator(messages);

type Localized = Partial<Record<'en' | 'zh-TW' | 'th', string>>;
type Campaign = {
  id: string;
  slug: string;
  name: Localized;
  status: string;
  version: number;
  timezone: string;
  currency: 'TWD' | 'THB';
  purchaseFrom: string;
  purchaseTo: string;
  registerFrom: string;
  registerTo: string;
  proofKinds: string[];
  verificationMode: 'instant' | 'batch';
  rules: unknown;
  rewards: unknown;
};
type CheckedRule = { rule: string; passed: boolean; detail: string };
type ProofCheck = {
  proof: string;
  verdict: 'accepted' | 'rejected' | 'needs_review' | 'unreadable';
  reason?: string;
  rules: CheckedRule[];
  rewards: { points: number; entries: number; instantPlays: number };
};
type Change = { path: string; before: unknown; after: unknown };

const KINDS = ['einvoice_qr', 'einvoice_text', 'einvoice_carrier', 'paper_invoice', 'receipt'] as const;
const RULE_KEYS = [
  'currency',
  'purchaseWindow',
  'registerWithinDays',
  'excludeVoided',
  'excludeBuyerBan',
  'stores',
  'itemGroups',
  'minAmount',
  'caps',
];

const EMPTY: Campaign = {
  id: '',
  slug: '',
  name: {},
  status: 'draft',
  version: 0,
  timezone: 'Asia/Taipei',
  currency: 'TWD',
  purchaseFrom: '',
  purchaseTo: '',
  registerFrom: '',
  registerTo: '',
  proofKinds: ['einvoice_qr', 'einvoice_text'],
  verificationMode: 'instant',
  rules: { itemGroups: [], minAmount: { basis: 'total', amountMinor: 10000 } },
  rewards: { points: { basis: 'total', stepAmountMinor: 1000, perStep: 1 }, entries: { perProof: 1 } },
};

const pretty = (value: unknown) => JSON.stringify(value, null, 2);

/** Campaigns: the list, the editor (basics, proofs, rules and rewards), versions, and the rule checker. */
export default function Page({ query }: PageProps) {
  const [campaigns, setCampaigns] = useState<Campaign[] | null>(null);
  const [error, setError] = useState<unknown>(null);
  const selected = query.get('c');
  const load = () =>
    api
      .get<{ campaigns: Campaign[] }>('/campaigns')
      .then((answer) => setCampaigns(answer.campaigns))
      .catch(setError);
  useEffect(() => void load(), []);

  const current = selected === 'new' ? EMPTY : campaigns?.find((c) => c.slug === selected);
  return (
    <section class="page campaigns">
      <h1>{t('title')}</h1>
      <ErrorBanner error={error} onRetry={load} />
      <div style="display:flex;gap:24px;align-items:flex-start">
        <nav style="min-width:220px">
          {can('campaigns.write') ? (
            <button type="button" onClick={() => setQuery({ c: 'new' })}>
              {t('new')}
            </button>
          ) : null}
          <table class="data">
            <thead>
              <tr>
                <th>{t('slug')}</th>
                <th>{t('status')}</th>
                <th>{t('version')}</th>
              </tr>
            </thead>
            <tbody>
              {(campaigns ?? []).map((c) => (
                <tr key={c.id} aria-selected={c.slug === selected}>
                  <td>
                    <a
                      href={`?c=${c.slug}`}
                      onClick={(event) => {
                        event.preventDefault();
                        setQuery({ c: c.slug });
                      }}
                    >
                      {c.slug}
                    </a>
                  </td>
                  <td>{c.status}</td>
                  <td>{c.version}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </nav>
        <div style="flex:1">
          {current ? (
            <Editor key={`${current.slug}:${current.version}`} campaign={current} onSaved={load} />
          ) : (
            <p>{t('select.hint')}</p>
          )}
        </div>
      </div>
    </section>
  );
}

function Editor({ campaign, onSaved }: { campaign: Campaign; onSaved: () => Promise<void> }) {
  const isNew = campaign.id === '';
  const [form, setForm] = useState(campaign);
  const [rulesText, setRulesText] = useState(pretty(campaign.rules));
  const [rewardsText, setRewardsText] = useState(pretty(campaign.rewards));
  const [fieldErrors, setFieldErrors] = useState<Record<string, string>>({});
  const [error, setError] = useState<unknown>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const [changes, setChanges] = useState<Change[] | null>(null);
  const set = (patch: Partial<Campaign>) => setForm({ ...form, ...patch });
  const writable = can('campaigns.write');

  useEffect(() => {
    if (isNew || campaign.version < 2) return;
    api
      .get<{ changes: Change[] }>(`/campaigns/${campaign.slug}/diff`)
      .then((answer) => setChanges(answer.changes))
      .catch(() => setChanges(null));
  }, [campaign.slug, campaign.version]);

  const parseJson = (text: string, path: string, errors: Record<string, string>) => {
    try {
      return JSON.parse(text) as unknown;
    } catch {
      errors[path] = t('json.invalid');
      return undefined;
    }
  };

  const save = async () => {
    const errors: Record<string, string> = {};
    const rules = parseJson(rulesText, 'rules', errors);
    const rewards = parseJson(rewardsText, 'rewards', errors);
    setFieldErrors(errors);
    if (Object.keys(errors).length > 0) return;
    const { id: _id, status: _status, version: _version, ...fields } = form;
    const body = { ...fields, rules, rewards };
    try {
      setError(null);
      if (isNew) await api.post('/campaigns', body);
      else {
        const answer = await api.put<{ notice: string }>(`/campaigns/${campaign.slug}`, body);
        setNotice(answer.notice);
      }
      setFieldErrors({});
      await onSaved();
      if (isNew) setQuery({ c: form.slug });
    } catch (caught) {
      if (isApiError(caught, 400)) setFieldErrors(caught.fieldErrors);
      setError(caught);
    }
  };

  const act = async (action: 'publish' | 'pause' | 'end' | 'clone') => {
    try {
      await api.post(`/campaigns/${campaign.slug}/${action}`, {});
      await onSaved();
    } catch (caught) {
      setError(caught);
    }
  };

  const text = (key: keyof Campaign) => (
    <Field label={t(key as 'slug')} error={fieldErrors[key]}>
      {(props) => (
        <input
          {...props}
          name={key}
          value={String(form[key] ?? '')}
          onInput={(event) => set({ [key]: (event.target as HTMLInputElement).value })}
        />
      )}
    </Field>
  );

  return (
    <div class="campaign-editor">
      <h2>
        {isNew ? t('new') : form.slug}{' '}
        {isNew ? null : (
          <small>
            ({campaign.status}, v{campaign.version})
          </small>
        )}
      </h2>
      <ErrorBanner error={error} />
      {notice ? <p role="status">{notice}</p> : null}
      <div style="display:grid;grid-template-columns:1fr 1fr 1fr;gap:8px 16px">
        {text('slug')}
        {(['en', 'zh-TW', 'th'] as const).map((lang) => (
          <Field key={lang} label={t(`name.${lang}`)} error={fieldErrors[`name.${lang}`] ?? fieldErrors.name}>
            {(props) => (
              <input
                {...props}
                name={`name.${lang}`}
                value={form.name[lang] ?? ''}
                onInput={(event) =>
                  set({
                    name: { ...form.name, [lang]: (event.target as HTMLInputElement).value || undefined },
                  })
                }
              />
            )}
          </Field>
        ))}
        {text('timezone')}
        <Field label={t('currency')} error={fieldErrors.currency}>
          {(props) => (
            <select
              {...props}
              name="currency"
              value={form.currency}
              onChange={(event) => set({ currency: (event.target as HTMLSelectElement).value as 'TWD' })}
            >
              <option value="TWD">TWD</option>
              <option value="THB">THB</option>
            </select>
          )}
        </Field>
        {text('purchaseFrom')}
        {text('purchaseTo')}
        <span />
        {text('registerFrom')}
        {text('registerTo')}
        <Field label={t('verificationMode')} error={fieldErrors.verificationMode}>
          {(props) => (
            <select
              {...props}
              name="verificationMode"
              value={form.verificationMode}
              onChange={(event) =>
                set({ verificationMode: (event.target as HTMLSelectElement).value as 'instant' })
              }
            >
              <option value="instant">{t('mode.instant')}</option>
              <option value="batch">{t('mode.batch')}</option>
            </select>
          )}
        </Field>
      </div>
      <fieldset>
        <legend>{t('proofKinds')}</legend>
        {KINDS.map((kind) => (
          <label key={kind} style="margin-right:12px">
            <input
              type="checkbox"
              name={`kind-${kind}`}
              checked={form.proofKinds.includes(kind)}
              onChange={(event) =>
                set({
                  proofKinds: (event.target as HTMLInputElement).checked
                    ? [...form.proofKinds, kind]
                    : form.proofKinds.filter((k) => k !== kind),
                })
              }
            />{' '}
            {t(`kind.${kind}`)}
          </label>
        ))}
        {fieldErrors.proofKinds ? <p class="field-error">{fieldErrors.proofKinds}</p> : null}
      </fieldset>
      <div style="display:grid;grid-template-columns:1fr 1fr;gap:16px">
        <JsonField
          label={t('rules')}
          name="rules"
          value={rulesText}
          onInput={setRulesText}
          errors={fieldErrors}
        />
        <JsonField
          label={t('rewards')}
          name="rewards"
          value={rewardsText}
          onInput={setRewardsText}
          errors={fieldErrors}
        />
      </div>
      {writable ? (
        <p style="display:flex;gap:8px">
          <button type="button" class="primary" onClick={save}>
            {t('common.save')}
          </button>
          {isNew ? null : (
            <>
              <button type="button" onClick={() => act('publish')}>
                {t('publish')}
              </button>
              <button type="button" onClick={() => act('pause')}>
                {t('pause')}
              </button>
              <button type="button" onClick={() => act('end')}>
                {t('end')}
              </button>
              <button type="button" onClick={() => act('clone')}>
                {t('clone')}
              </button>
            </>
          )}
        </p>
      ) : null}
      {changes && changes.length > 0 ? (
        <details open>
          <summary>
            {t('diff')} (v{campaign.version - 1} → v{campaign.version})
          </summary>
          <table>
            <tbody>
              {changes.map((change) => (
                <tr key={change.path}>
                  <td>
                    <code>{change.path}</code>
                  </td>
                  <td>
                    <del>{JSON.stringify(change.before)}</del>
                  </td>
                  <td>
                    <ins>{JSON.stringify(change.after)}</ins>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </details>
      ) : null}
      {isNew || !writable ? null : (
        <Checker slug={campaign.slug} rulesText={rulesText} rewardsText={rewardsText} />
      )}
    </div>
  );
}

/** Every problem under `name` (`rules.minAmount.amountMinor: …`) shown beside the JSON it is about. */
function JsonField({
  label,
  name,
  value,
  onInput,
  errors,
}: {
  label: string;
  name: string;
  value: string;
  onInput: (value: string) => void;
  errors: Record<string, string>;
}) {
  const mine = Object.entries(errors).filter(([path]) => path === name || path.startsWith(`${name}.`));
  return (
    <Field
      label={label}
      error={mine.map(([path, message]) => `${path}: ${message}`).join(' · ') || undefined}
    >
      {(props) => (
        <textarea
          {...props}
          name={name}
          rows={14}
          style="width:100%;font-family:monospace"
          value={value}
          onInput={(event) => onInput((event.target as HTMLTextAreaElement).value)}
        />
      )}
    </Field>
  );
}

/** Paste proofs, see each rule's tick or cross; the draft rules beside it are used, nothing is stored. */
function Checker({ slug, rulesText, rewardsText }: { slug: string; rulesText: string; rewardsText: string }) {
  const [proofs, setProofs] = useState('');
  const [results, setResults] = useState<ProofCheck[] | null>(null);
  const [error, setError] = useState<unknown>(null);
  const run = async () => {
    const lines = proofs
      .split('\n')
      .map((line) => line.trim())
      .filter(Boolean)
      // A line that is a JSON object is an invoice object ({ invoiceDate, sellerName, items… }).
      .map((line) => (line.startsWith('{') ? (JSON.parse(line) as unknown) : line));
    if (lines.length === 0) return;
    try {
      setError(null);
      const answer = await api.post<{ results: ProofCheck[] }>(`/campaigns/${slug}/check`, {
        proofs: lines,
        rules: JSON.parse(rulesText) as unknown,
        rewards: JSON.parse(rewardsText) as unknown,
      });
      setResults(answer.results);
    } catch (caught) {
      setError(caught);
    }
  };
  // The table follows the draft rules as they are edited (once there are results to update).
  useEffect(() => {
    if (!results) return;
    const timer = setTimeout(() => void run(), 600);
    return () => clearTimeout(timer);
  }, [rulesText, rewardsText]);

  return (
    <section class="rule-checker">
      <h3>{t('check.title')}</h3>
      <Field label={t('check.hint')}>
        {(props) => (
          <textarea
            {...props}
            name="proofs"
            rows={4}
            style="width:100%;font-family:monospace"
            value={proofs}
            onInput={(event) => setProofs((event.target as HTMLTextAreaElement).value)}
          />
        )}
      </Field>
      <button type="button" onClick={run}>
        {t('check.run')}
      </button>
      <ErrorBanner error={error} />
      {results ? (
        <table class="data check-results">
          <thead>
            <tr>
              <th>{t('check.proof')}</th>
              <th>{t('check.verdict')}</th>
              {RULE_KEYS.map((key) => (
                <th key={key}>{key}</th>
              ))}
              <th>{t('check.rewards')}</th>
            </tr>
          </thead>
          <tbody>
            {results.map((result, index) => (
              <tr key={index} data-verdict={result.verdict}>
                <td>
                  <code>{result.proof.slice(0, 28)}</code>
                </td>
                <td>
                  {t(`verdict.${result.verdict}`)}
                  {result.reason ? <small> ({result.reason})</small> : null}
                </td>
                {RULE_KEYS.map((key) => {
                  const rule = result.rules.find((r) => r.rule === key);
                  return (
                    <td key={key} title={rule?.detail} data-rule={key}>
                      {rule ? (rule.passed ? '✓' : '✗') : '–'}
                    </td>
                  );
                })}
                <td>
                  {result.rewards.points} / {result.rewards.entries}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : null}
      {results ? (
        <ul class="check-details">
          {results.flatMap((result, index) =>
            result.rules
              .filter((rule) => !rule.passed)
              .map((rule) => (
                <li key={`${index}-${rule.rule}`}>
                  #{index + 1} {rule.rule}: {rule.detail}
                </li>
              )),
          )}
        </ul>
      ) : null}
    </section>
  );
}
