import { useEffect, useState } from 'preact/hooks';
import { api, isApiError } from '../../api';
import { createTranslator } from '../../i18n';
import { setQuery } from '../../router';
import { can } from '../../session';
import { Banner, ErrorBanner } from '../../ui/feedback';
import { Field } from '../../ui/field';
import { cleanLocalized, localized } from '../../ui/localized';
import { Tabs } from '../../ui/tabs';
import { BasicsSection, ProofsSection, type SectionProps } from './basics';
import { Checker } from './checker';
import { History } from './history';
import { messages } from './messages';
import { bodyOf, countErrors, definitionOf, type Campaign, type Definition, type FieldErrors } from './model';
import { Preview } from './preview';
import { RulesSection } from './rules';
import { DrawsSection, RewardsSection } from './rewards';
import { SurveyBuilder } from './survey';
import { WhatIf } from './what-if';

const t = createTranslator(messages);

const ALL_TABS = [
  'basics',
  'proofs',
  'rules',
  'rewards',
  'draws',
  'survey',
  'preview',
  'whatif',
  'history',
  'json',
] as const;
type Tab = (typeof ALL_TABS)[number];

/** Which fields each tab holds, for the error count on its label. */
const TAB_PATHS: Partial<Record<Tab, string[]>> = {
  basics: [
    'slug',
    'name',
    'description',
    'timezone',
    'currency',
    'purchaseFrom',
    'purchaseTo',
    'registerFrom',
    'registerTo',
  ],
  proofs: ['proofKinds', 'verificationMode', 'autoAcceptReceipts'],
  rules: ['rules'],
  rewards: ['rewards.points', 'rewards.entries', 'rewards.instantWin', 'rewards'],
  draws: ['rewards.draws'],
};

/** The advanced view: rules and rewards as JSON, applied back to the form. */
function JsonView({ draft, set }: { draft: Definition; set: (patch: Partial<Definition>) => void }) {
  const [text, setText] = useState(() =>
    JSON.stringify({ rules: draft.rules, rewards: draft.rewards }, null, 2),
  );
  const [problem, setProblem] = useState<string | undefined>();
  useEffect(
    () => setText(JSON.stringify({ rules: draft.rules, rewards: draft.rewards }, null, 2)),
    [JSON.stringify(draft.rules), JSON.stringify(draft.rewards)],
  );
  const apply = () => {
    try {
      const parsed = JSON.parse(text) as { rules?: Definition['rules']; rewards?: Definition['rewards'] };
      set({ rules: parsed.rules ?? {}, rewards: parsed.rewards ?? {} });
      setProblem(undefined);
    } catch {
      setProblem(t('json.invalid'));
    }
  };
  return (
    <div>
      <Field label={t('json.label')} error={problem} hint={t('json.hint')}>
        {(props) => (
          <textarea
            {...props}
            name="advanced-json"
            rows={22}
            class="mono"
            value={text}
            onInput={(event) => setText(event.currentTarget.value)}
          />
        )}
      </Field>
      <button type="button" onClick={apply}>
        {t('json.apply')}
      </button>
    </div>
  );
}

/** One campaign: the tabs of its settings, save, the status actions, and the rule checker under it. */
export function Editor({
  campaign,
  onSaved,
  initialTab,
  initialNotice,
}: {
  campaign: Campaign;
  /** After a save: reload (the editor is remounted at the new version), then show `notice` if any. */
  onSaved: (slug?: string, notice?: string) => Promise<void>;
  /** The tab to open (`?tab=`), so a save that makes a new version comes back where it was made. */
  initialTab?: string | null;
  initialNotice?: string | null;
}) {
  const isNew = campaign.id === '';
  const [draft, setDraft] = useState<Definition>(() => definitionOf(campaign));
  const [tab, setTabState] = useState<Tab>(() =>
    initialTab && (ALL_TABS as readonly string[]).includes(initialTab) ? (initialTab as Tab) : 'basics',
  );
  const setTab = (next: Tab) => {
    setTabState(next);
    setQuery({ tab: next === 'basics' ? undefined : next });
  };
  const [errors, setErrors] = useState<FieldErrors>({});
  const [error, setError] = useState<unknown>(null);
  const [notice, setNotice] = useState<string | null>(initialNotice ?? null);
  const [saving, setSaving] = useState(false);
  const writable = can('campaigns.write');
  const set = (patch: Partial<Definition>) => setDraft((current) => ({ ...current, ...patch }));
  const dirty = JSON.stringify(bodyOf(draft)) !== JSON.stringify(bodyOf(definitionOf(campaign)));

  const save = async () => {
    if (saving) return;
    setSaving(true);
    setError(null);
    setNotice(null);
    const body = bodyOf({ ...draft, name: cleanLocalized(draft.name) });
    try {
      if (isNew) {
        await api.post('/campaigns', body);
        setErrors({});
        await onSaved(body.slug);
      } else {
        const answer = await api.put<{ notice: string }>(`/campaigns/${campaign.slug}`, {
          ...body,
          baseVersion: campaign.version,
        });
        setErrors({});
        setNotice(answer.notice);
        await onSaved(undefined, answer.notice);
      }
    } catch (caught) {
      if (isApiError(caught, 400)) setErrors(caught.fieldErrors);
      setError(caught);
    } finally {
      setSaving(false);
    }
  };

  const act = async (action: 'publish' | 'pause' | 'end' | 'clone') => {
    try {
      setError(null);
      const answer = await api.post<{ campaign: Campaign }>(`/campaigns/${campaign.slug}/${action}`, {});
      await onSaved(action === 'clone' ? answer.campaign.slug : undefined);
    } catch (caught) {
      setError(caught);
    }
  };

  // Ctrl+S / Cmd+S saves wherever the focus is in the editor.
  useEffect(() => {
    const onKey = (event: KeyboardEvent) => {
      if ((event.ctrlKey || event.metaKey) && event.key.toLowerCase() === 's' && writable) {
        event.preventDefault();
        void save();
      }
    };
    document.addEventListener('keydown', onKey);
    return () => document.removeEventListener('keydown', onKey);
  });

  const tabs: Tab[] = isNew
    ? ['basics', 'proofs', 'rules', 'rewards', 'draws', 'json']
    : ALL_TABS.filter((key) => key !== 'whatif' || writable);
  const label = (key: Tab) => {
    const count = countErrors(errors, TAB_PATHS[key] ?? []);
    return count > 0 ? `${t(`tab.${key}`)} (${count})` : t(`tab.${key}`);
  };
  const props: SectionProps = { draft, set, errors, isNew };
  const status = campaign.status;

  return (
    <div class="campaign-editor stack">
      <header class="editor-head">
        <button type="button" class="link" onClick={() => setQuery({ c: undefined, tab: undefined })}>
          ← {t('back')}
        </button>
        <h2>
          {isNew ? t('new') : localized(campaign.name) || campaign.slug}{' '}
          {isNew ? null : (
            <small class="muted">
              <span class={`badge status-${status}`}>{t(`status.${status}`)}</span> v{campaign.version}
            </small>
          )}
          {dirty ? <small class="badge badge-warn">{t('unsaved')}</small> : null}
        </h2>
        {writable ? (
          <div class="actions">
            <button
              type="button"
              class="primary"
              onClick={() => void save()}
              disabled={saving}
              title="Ctrl+S"
            >
              {saving ? t('common.saving') : isNew ? t('create') : t('common.save')}
            </button>
            {isNew ? null : (
              <>
                {status === 'draft' || status === 'paused' ? (
                  <button type="button" onClick={() => void act('publish')} disabled={dirty}>
                    {t('publish')}
                  </button>
                ) : null}
                {status === 'active' ? (
                  <button type="button" onClick={() => void act('pause')}>
                    {t('pause')}
                  </button>
                ) : null}
                {status !== 'ended' && status !== 'draft' ? (
                  <button type="button" class="danger" onClick={() => void act('end')}>
                    {t('end')}
                  </button>
                ) : null}
                <button type="button" onClick={() => void act('clone')}>
                  {t('clone')}
                </button>
              </>
            )}
          </div>
        ) : null}
      </header>
      <ErrorBanner error={error} />
      {Object.keys(errors).length > 0 ? (
        <Banner kind="error">
          <ul class="error-list">
            {Object.entries(errors).map(([path, message]) => (
              <li key={path}>
                <code>{path}</code>: {message}
              </li>
            ))}
          </ul>
        </Banner>
      ) : null}
      {notice ? <Banner kind="success">{notice}</Banner> : null}
      {!isNew && status !== 'draft' ? <p class="field-hint">{t('versions.hint')}</p> : null}
      <Tabs<Tab>
        label={t('tabs')}
        tabs={tabs.map((key) => ({ key, label: label(key) }))}
        current={tab}
        onSelect={setTab}
      />
      <div role="tabpanel" aria-labelledby={`tab-${tab}`} class="tab-panel">
        <fieldset class="bare" disabled={!writable}>
          {tab === 'basics' ? <BasicsSection {...props} /> : null}
          {tab === 'proofs' ? <ProofsSection {...props} /> : null}
          {tab === 'rules' ? <RulesSection {...props} /> : null}
          {tab === 'rewards' ? <RewardsSection {...props} /> : null}
          {tab === 'draws' ? <DrawsSection {...props} /> : null}
          {tab === 'json' ? <JsonView draft={draft} set={set} /> : null}
        </fieldset>
        {tab === 'preview' ? <Preview slug={campaign.slug} draft={draft} /> : null}
        {tab === 'history' ? <History slug={campaign.slug} version={campaign.version} /> : null}
        {tab === 'survey' ? (
          <SurveyBuilder slug={campaign.slug} onNewVersion={(message) => onSaved(undefined, message)} />
        ) : null}
        {tab === 'whatif' ? (
          <WhatIf
            slug={campaign.slug}
            rules={draft.rules}
            rewards={draft.rewards}
            currency={draft.currency}
          />
        ) : null}
      </div>
      {isNew || !writable ? null : (
        <Checker slug={campaign.slug} rules={draft.rules} rewards={draft.rewards} />
      )}
    </div>
  );
}
