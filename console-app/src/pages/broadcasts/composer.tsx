import { useRef, useState } from 'preact/hooks';
import { fillPlaceholders, PLACEHOLDERS } from '../../../../core/broadcasts/broadcasts.placeholders';
import { createTranslator } from '../../i18n';
import { Field } from '../../ui/field';
import { MESSAGE_LOCALES, type LineMessage, type Locale } from './broadcasts-api';
import { ExtraMessages, extraLineMessages, type ExtraMessage } from './extra-messages';
import { LinePreview } from './line-preview';
import { messages } from './messages';

const t = createTranslator(messages);

/** LINE takes at most 5 messages per request: the text, the card and the extra messages together. */
export const MAX_MESSAGES = 5;

/**
 * The words of one language version: the text, the card's title and button when there is a card, and
 * more messages (texts and pasted Flex JSON) after them.
 */
export type LanguageText = { text: string; cardTitle: string; cardButton: string; more: ExtraMessage[] };

/** One variant (A, B) as edited: a version per language, and an optional image card shared by them. */
export type VariantDraft = {
  texts: Record<Locale, LanguageText>;
  card: boolean;
  imageUrl: string;
  linkUrl: string;
};

export const emptyVariant = (): VariantDraft => ({
  texts: {
    'zh-TW': { text: '', cardTitle: '', cardButton: '', more: [] },
    th: { text: '', cardTitle: '', cardButton: '', more: [] },
    en: { text: '', cardTitle: '', cardButton: '', more: [] },
  },
  card: false,
  imageUrl: '',
  linkUrl: '',
});

/** How many messages a language version sends (the text, the card, the extra ones). */
export function messageCount(variant: VariantDraft, language: Locale): number {
  const words = variant.texts[language];
  return (words.text.trim() ? 1 : 0) + (variant.card ? 1 : 0) + words.more.length;
}

/**
 * The LINE messages of one language version: its text, the card as a Flex bubble, then the extra
 * messages (a Flex JSON that does not validate is left out: its field shows why, and sending waits).
 */
export function lineMessagesOf(variant: VariantDraft, language: Locale): LineMessage[] {
  const words = variant.texts[language];
  const out: LineMessage[] = [];
  if (words.text.trim() || (!variant.card && words.more.length === 0))
    out.push({ type: 'text', text: words.text.trim() });
  if (variant.card) {
    const title = words.cardTitle.trim() || words.text.trim().slice(0, 40);
    out.push({
      type: 'flex',
      altText: title.slice(0, 400),
      contents: {
        type: 'bubble',
        ...(variant.imageUrl.trim()
          ? {
              hero: {
                type: 'image',
                url: variant.imageUrl.trim(),
                size: 'full',
                aspectRatio: '20:13',
                aspectMode: 'cover',
              },
            }
          : {}),
        body: {
          type: 'box',
          layout: 'vertical',
          contents: [{ type: 'text', text: title, weight: 'bold', size: 'lg', wrap: true }],
        },
        ...(variant.linkUrl.trim()
          ? {
              footer: {
                type: 'box',
                layout: 'vertical',
                contents: [
                  {
                    type: 'button',
                    style: 'primary',
                    action: {
                      type: 'uri',
                      label: (words.cardButton.trim() || t('compose.cardButtonDefault')).slice(0, 40),
                      uri: variant.linkUrl.trim(),
                    },
                  },
                ],
              },
            }
          : {}),
      },
    });
  }
  out.push(...extraLineMessages(words.more));
  return out;
}

/** The languages that have something written, the brand's own first (it is the default for the others). */
export function languagesWritten(variant: VariantDraft, defaultLocale: Locale): Locale[] {
  return [defaultLocale, ...MESSAGE_LOCALES.filter((code) => code !== defaultLocale)].filter(
    (code) => variant.texts[code].text.trim() !== '' || variant.texts[code].more.length > 0,
  );
}

/** `messages` (the default, in the first language written) and `languages` for the broadcasts API. */
export function apiMessagesOf(variant: VariantDraft, defaultLocale: Locale) {
  const written = languagesWritten(variant, defaultLocale);
  const first = written[0];
  if (!first) return { messages: [], languages: undefined };
  return {
    messages: lineMessagesOf(variant, first),
    languages:
      written.length > 1
        ? Object.fromEntries(written.map((code) => [code, lineMessagesOf(variant, code)]))
        : undefined,
  };
}

/** How a member sees the messages in LINE: drawn by /dev/chat's renderer, placeholders filled. */
export function ChatPreview({
  variant,
  language,
  sample,
}: {
  variant: VariantDraft;
  language: Locale;
  sample: { displayName: string; points: number };
}) {
  const composed = lineMessagesOf(variant, language).filter(
    (message) => message.type !== 'text' || String(message.text) !== '',
  );
  return (
    <LinePreview
      label={t('compose.preview')}
      messages={fillPlaceholders(composed, sample)}
      empty={t('compose.empty')}
    />
  );
}

/** One variant's editor: a tab per language, placeholders to insert, the card, and the preview. */
export function VariantEditor({
  variant,
  onChange,
  defaultLocale,
  sample,
  errors,
  idPrefix,
  plain = false,
}: {
  variant: VariantDraft;
  onChange: (next: VariantDraft) => void;
  defaultLocale: Locale;
  sample: { displayName: string; points: number };
  errors: Record<string, string>;
  idPrefix: string;
  /** One text for everyone (a narrowcast): the brand's language only, no placeholders to insert. */
  plain?: boolean;
}) {
  const [language, setLanguage] = useState<Locale>(defaultLocale);
  const textRef = useRef<HTMLTextAreaElement>(null);
  const words = variant.texts[language];
  const setWords = (patch: Partial<LanguageText>) =>
    onChange({ ...variant, texts: { ...variant.texts, [language]: { ...words, ...patch } } });
  const insert = (placeholder: string) => {
    const area = textRef.current;
    const at = area?.selectionStart ?? words.text.length;
    const end = area?.selectionEnd ?? at;
    setWords({ text: words.text.slice(0, at) + placeholder + words.text.slice(end) });
    requestAnimationFrame(() => {
      area?.focus();
      area?.setSelectionRange(at + placeholder.length, at + placeholder.length);
    });
  };
  const order = plain
    ? [defaultLocale]
    : [defaultLocale, ...MESSAGE_LOCALES.filter((code) => code !== defaultLocale)];

  return (
    <div class="variant-editor">
      <div class="tabs" role="tablist" aria-label={t('compose.languages')} hidden={plain}>
        {order.map((code, index) => (
          <button
            type="button"
            role="tab"
            key={code}
            id={`${idPrefix}-lang-${code}`}
            aria-selected={code === language}
            tabIndex={code === language ? 0 : -1}
            onClick={() => setLanguage(code)}
            onKeyDown={(event) => {
              const step = event.key === 'ArrowRight' ? 1 : event.key === 'ArrowLeft' ? -1 : 0;
              if (!step) return;
              event.preventDefault();
              const next = order[(index + step + order.length) % order.length]!;
              setLanguage(next);
              document.getElementById(`${idPrefix}-lang-${next}`)?.focus();
            }}
          >
            {t(`lang.${code}` as 'lang.en')}
            {variant.texts[code].text.trim() ? ' ✓' : ''}
          </button>
        ))}
      </div>
      <div class="compose-grid" role="tabpanel" aria-labelledby={`${idPrefix}-lang-${language}`}>
        <div>
          <Field
            label={t('compose.text', { language: t(`lang.${language}` as 'lang.en') })}
            error={language === defaultLocale ? errors.messages : undefined}
            hint={
              plain
                ? undefined
                : language === defaultLocale
                  ? t('compose.defaultHint')
                  : t('compose.otherHint')
            }
          >
            {(props) => (
              <textarea
                {...props}
                ref={textRef}
                rows={5}
                maxLength={5000}
                value={words.text}
                onInput={(event) => setWords({ text: event.currentTarget.value })}
              />
            )}
          </Field>
          {plain ? null : (
            <div class="toolbar placeholders">
              <span class="muted">{t('compose.insert')}</span>
              {PLACEHOLDERS.map((placeholder) => (
                <button type="button" key={placeholder} class="ghost" onClick={() => insert(placeholder)}>
                  {placeholder}
                </button>
              ))}
            </div>
          )}
          <label class="check-line">
            <input
              type="checkbox"
              checked={variant.card}
              disabled={!variant.card && messageCount(variant, language) >= MAX_MESSAGES}
              onChange={(event) => onChange({ ...variant, card: event.currentTarget.checked })}
            />{' '}
            {t('compose.card')}
          </label>
          {variant.card ? (
            <div class="form-grid">
              <Field label={t('compose.cardTitle')}>
                {(props) => (
                  <input
                    {...props}
                    value={words.cardTitle}
                    onInput={(event) => setWords({ cardTitle: event.currentTarget.value })}
                  />
                )}
              </Field>
              <Field label={t('compose.cardButton')}>
                {(props) => (
                  <input
                    {...props}
                    value={words.cardButton}
                    placeholder={t('compose.cardButtonDefault')}
                    onInput={(event) => setWords({ cardButton: event.currentTarget.value })}
                  />
                )}
              </Field>
              <Field label={t('compose.imageUrl')} hint={t('compose.imageHint')}>
                {(props) => (
                  <input
                    {...props}
                    type="url"
                    value={variant.imageUrl}
                    onInput={(event) => onChange({ ...variant, imageUrl: event.currentTarget.value })}
                  />
                )}
              </Field>
              <Field label={t('compose.linkUrl')} hint={t('compose.linkHint')}>
                {(props) => (
                  <input
                    {...props}
                    type="url"
                    value={variant.linkUrl}
                    onInput={(event) => onChange({ ...variant, linkUrl: event.currentTarget.value })}
                  />
                )}
              </Field>
            </div>
          ) : null}
          <ExtraMessages
            idPrefix={`${idPrefix}-${language}`}
            items={words.more}
            onChange={(more) => setWords({ more })}
            room={MAX_MESSAGES - messageCount(variant, language)}
            count={messageCount(variant, language)}
            max={MAX_MESSAGES}
          />
        </div>
        <div>
          {plain ? null : (
            <p class="muted preview-label">
              {t('compose.previewAs', { name: sample.displayName, points: sample.points })}
            </p>
          )}
          <ChatPreview variant={variant} language={language} sample={sample} />
        </div>
      </div>
    </div>
  );
}
