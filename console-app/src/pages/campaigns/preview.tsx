import { useEffect, useState } from 'preact/hooks';
import { api, isApiError } from '../../api';
import { formatMoney } from '../../format';
import { createTranslator, LOCALE_NAMES, type Locale } from '../../i18n';
import { ErrorBanner, Loading } from '../../ui/feedback';
import { cleanLocalized } from '../../ui/localized';
import { messages } from './messages';
import type { Definition } from './model';

const t = createTranslator(messages);

type TextPreview = {
  locale: Locale;
  liff: { name: string; description: string };
  chat: { greeting: string[]; accepted: string[]; rejected: string[] };
  example: { amountMinor: number; points: number; entries: number };
};

function Bubble({ lines, kind }: { lines: string[]; kind: string }) {
  const [title, ...rest] = lines;
  return (
    <div class={`bubble bubble-${kind}`}>
      <strong>{title}</strong>
      {rest.map((line, index) => (
        <p key={index}>{line}</p>
      ))}
    </div>
  );
}

/** The chat answers and the LIFF header in the three languages, as the server's renderer writes them. */
export function Preview({ slug, draft }: { slug: string; draft: Definition }) {
  const [previews, setPreviews] = useState<TextPreview[] | null>(null);
  const [error, setError] = useState<unknown>(null);
  const body = {
    name: cleanLocalized(draft.name),
    description: draft.description ? cleanLocalized(draft.description) : null,
    timezone: draft.timezone,
    rules: draft.rules,
    rewards: draft.rewards,
  };
  const key = JSON.stringify(body);
  useEffect(() => {
    const timer = setTimeout(() => {
      api
        .post<{ previews: TextPreview[] }>(`/campaigns/${slug}/preview`, body)
        .then((answer) => {
          setPreviews(answer.previews);
          setError(null);
        })
        .catch(setError);
    }, 300);
    return () => clearTimeout(timer);
  }, [slug, key]);

  return (
    <div class="preview">
      {error ? (
        isApiError(error, 400) ? (
          <p class="banner banner-warning">{t('check.draftInvalid')}</p>
        ) : (
          <ErrorBanner error={error} />
        )
      ) : null}
      {!previews ? <Loading /> : null}
      <div class="preview-grid">
        {(previews ?? []).map((preview) => (
          <article
            key={preview.locale}
            lang={preview.locale}
            class="preview-col"
            aria-label={LOCALE_NAMES[preview.locale]}
          >
            <h3>{LOCALE_NAMES[preview.locale]}</h3>
            <h4>{t('preview.liff')}</h4>
            <div class="liff-card">
              <strong>{preview.liff.name || t('preview.noName')}</strong>
              {preview.liff.description ? <p>{preview.liff.description}</p> : null}
            </div>
            <h4>{t('preview.chat')}</h4>
            <Bubble kind="neutral" lines={preview.chat.greeting} />
            <p class="field-hint">
              {t('preview.example', {
                amount: formatMoney(preview.example.amountMinor, draft.currency),
              })}
            </p>
            <Bubble kind="accepted" lines={preview.chat.accepted} />
            <Bubble kind="rejected" lines={preview.chat.rejected} />
          </article>
        ))}
      </div>
    </div>
  );
}
