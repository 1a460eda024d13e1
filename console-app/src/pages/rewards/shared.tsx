import type { ComponentChildren } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { api, isApiError } from '../../api';
import { locale } from '../../i18n';
import './rewards.css';

/** Text in zh-TW / th / en, as the server stores names. */
export type Localized = Partial<Record<'zh-TW' | 'th' | 'en', string>>;

/** The name in the console's language, else any language given. */
export function localized(text: Localized | null | undefined): string {
  if (!text) return '';
  return text[locale.value] || text['zh-TW'] || text.en || text.th || '';
}

export type CampaignRef = { id: string; slug: string; name: Localized; status: string };

/** The brand's campaigns for pickers (GET /rewards/campaigns). */
export function useCampaigns(): CampaignRef[] {
  const [campaigns, setCampaigns] = useState<CampaignRef[]>([]);
  useEffect(() => {
    api
      .get<{ campaigns: CampaignRef[] }>('/rewards/campaigns')
      .then((answer) => setCampaigns(answer.campaigns))
      .catch(() => setCampaigns([]));
  }, []);
  return campaigns;
}

/** Field path → message of a validation answer; the whole error otherwise. */
export function splitError(error: unknown): { fieldErrors: Record<string, string>; error: unknown } {
  if (isApiError(error) && error.issues.length > 0) return { fieldErrors: error.fieldErrors, error };
  return { fieldErrors: {}, error };
}

/** `datetime-local` value (the browser's clock) ↔ ISO string. */
export function toLocalInput(iso: string | null | undefined): string {
  if (!iso) return '';
  const date = new Date(iso);
  const offset = date.getTimezoneOffset() * 60_000;
  return new Date(date.getTime() - offset).toISOString().slice(0, 16);
}

export function fromLocalInput(value: string): string | null {
  return value ? new Date(value).toISOString() : null;
}

/** Tabs as buttons (arrow keys move between them, as ARIA's tab pattern says). */
export function Tabs<K extends string>({
  tabs,
  current,
  onSelect,
  label,
}: {
  tabs: { key: K; label: string }[];
  current: K;
  onSelect: (key: K) => void;
  label: string;
}) {
  return (
    <div class="tabs" role="tablist" aria-label={label}>
      {tabs.map((tab, index) => (
        <button
          type="button"
          role="tab"
          key={tab.key}
          id={`tab-${tab.key}`}
          aria-selected={tab.key === current}
          tabIndex={tab.key === current ? 0 : -1}
          onClick={() => onSelect(tab.key)}
          onKeyDown={(event) => {
            const step = event.key === 'ArrowRight' ? 1 : event.key === 'ArrowLeft' ? -1 : 0;
            if (!step) return;
            event.preventDefault();
            const next = tabs[(index + step + tabs.length) % tabs.length] as { key: K };
            onSelect(next.key);
            document.getElementById(`tab-${next.key}`)?.focus();
          }}
        >
          {tab.label}
        </button>
      ))}
    </div>
  );
}

export function Badge({
  kind = 'info',
  children,
}: {
  kind?: 'info' | 'warn' | 'ok' | 'muted';
  children: ComponentChildren;
}) {
  return <span class={`badge badge-${kind}`}>{children}</span>;
}
