import { useEffect, useState } from 'preact/hooks';
import { api } from '../api';
import { Field } from './field';
import { localized, type Localized } from './localized';

export type CampaignRef = { id: string; slug: string; name: Localized; status: string };

/**
 * The brand's campaigns for pickers. `GET /rewards/campaigns` by default (what rewards and draws pages
 * may read); a page with `campaigns.read` may pass `/campaigns`.
 */
export function useCampaigns(path = '/rewards/campaigns'): CampaignRef[] {
  const [campaigns, setCampaigns] = useState<CampaignRef[]>([]);
  useEffect(() => {
    api
      .get<{ campaigns: CampaignRef[] }>(path)
      .then((answer) => setCampaigns(answer.campaigns))
      .catch(() => setCampaigns([]));
  }, [path]);
  return campaigns;
}

/** A labelled select of campaigns by id, "name (slug)"; `emptyLabel` is the no-campaign choice. */
export function CampaignSelect({
  label,
  campaigns,
  value,
  onChange,
  name = 'campaign',
  emptyLabel = '—',
  error,
  disabled,
}: {
  label: string;
  campaigns: CampaignRef[];
  value: string;
  onChange: (id: string) => void;
  name?: string;
  emptyLabel?: string;
  error?: string | undefined;
  disabled?: boolean;
}) {
  return (
    <Field label={label} error={error}>
      {(props) => (
        <select
          {...props}
          name={name}
          value={value}
          disabled={disabled}
          onChange={(event) => onChange(event.currentTarget.value)}
        >
          <option value="">{emptyLabel}</option>
          {campaigns.map((campaign) => (
            <option key={campaign.id} value={campaign.id}>
              {localized(campaign.name)} ({campaign.slug})
            </option>
          ))}
        </select>
      )}
    </Field>
  );
}
