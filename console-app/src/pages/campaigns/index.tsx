import { useEffect, useState } from 'preact/hooks';
import { api } from '../../api';
import { formatDate } from '../../format';
import { createTranslator } from '../../i18n';
import type { PageProps } from '../../routes';
import { setQuery } from '../../router';
import { can } from '../../session';
import { ErrorBanner, Loading } from '../../ui/feedback';
import { localized } from '../../ui/localized';
import './campaigns.css';
import { Editor } from './editor';
import { messages } from './messages';
import { emptyCampaign, type Campaign } from './model';

const t = createTranslator(messages);

/** Campaigns: the list, and one campaign's editor (`?c=<slug>`, `?c=new`) with its checker. */
export default function CampaignsPage({ query }: PageProps) {
  const [campaigns, setCampaigns] = useState<Campaign[] | null>(null);
  const [error, setError] = useState<unknown>(null);
  // The last save's words, shown by the editor remounted at the new version.
  const [notice, setNotice] = useState<string | null>(null);
  const selected = query.get('c');
  useEffect(() => setNotice(null), [selected]);
  const load = () =>
    api
      .get<{ campaigns: Campaign[] }>('/campaigns')
      .then((answer) => {
        setCampaigns(answer.campaigns);
        setError(null);
      })
      .catch(setError);
  useEffect(() => void load(), []);

  const current = selected === 'new' ? emptyCampaign() : campaigns?.find((c) => c.slug === selected);
  return (
    <section class="page campaigns">
      <header class="page-head">
        <h1>{t('title')}</h1>
        {can('campaigns.write') && !selected ? (
          <button type="button" class="primary" onClick={() => setQuery({ c: 'new' })}>
            {t('new')}
          </button>
        ) : null}
      </header>
      <ErrorBanner error={error} onRetry={() => void load()} />
      {!campaigns && !error ? <Loading /> : null}
      {current ? (
        <Editor
          key={`${current.slug}:${current.version}:${current.status}`}
          campaign={current}
          initialTab={query.get('tab')}
          initialNotice={notice}
          onSaved={async (slug, savedNotice) => {
            // Before the reload: the editor remounted at the new version starts with it.
            setNotice(savedNotice ?? null);
            await load();
            if (slug) setQuery({ c: slug });
          }}
        />
      ) : campaigns ? (
        <CampaignList campaigns={campaigns} missing={selected} />
      ) : null}
    </section>
  );
}

function CampaignList({ campaigns, missing }: { campaigns: Campaign[]; missing: string | null }) {
  if (campaigns.length === 0) return <p class="card muted">{t('empty')}</p>;
  return (
    <>
      {missing ? <p class="banner banner-warning">{t('notFound', { slug: missing })}</p> : null}
      <table class="data campaign-list">
        <thead>
          <tr>
            <th>{t('name')}</th>
            <th>{t('slug')}</th>
            <th>{t('status')}</th>
            <th class="num">{t('version')}</th>
            <th>{t('purchaseWindow')}</th>
            <th>{t('proofKinds')}</th>
          </tr>
        </thead>
        <tbody>
          {campaigns.map((campaign) => (
            <tr key={campaign.id}>
              <td>
                <a
                  href={`?c=${campaign.slug}`}
                  onClick={(event) => {
                    event.preventDefault();
                    setQuery({ c: campaign.slug });
                  }}
                >
                  {localized(campaign.name) || campaign.slug}
                </a>
              </td>
              <td>
                <code>{campaign.slug}</code>
              </td>
              <td>
                <span class={`badge status-${campaign.status}`}>{t(`status.${campaign.status}`)}</span>
              </td>
              <td class="num">v{campaign.version}</td>
              <td>
                {formatDate(campaign.purchaseFrom)} – {formatDate(campaign.purchaseTo)}
              </td>
              <td>{campaign.proofKinds.map((kind) => t(`kind.${kind}`)).join(', ')}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </>
  );
}
