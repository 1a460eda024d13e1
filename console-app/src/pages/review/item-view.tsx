import { createTranslator, locale } from '../../i18n';
import { formatDateTime, formatDuration, formatPercent } from '../../format';
import { Field } from '../../ui/field';
import { messages } from './messages';
import { Photo, type PhotoControls } from './photo';
import type { Preview, ReviewItem, Verdict } from './review-api';

const t = createTranslator(messages);

/** The editable fields, as text while the reviewer types. */
export type FieldDraft = {
  storeName: string;
  taxId: string;
  invoiceNumber: string;
  date: string;
  time: string;
  total: string;
};
export const FIELD_NAMES = ['storeName', 'taxId', 'invoiceNumber', 'date', 'time', 'total'] as const;
const LABELS: Record<keyof FieldDraft, Parameters<typeof t>[0]> = {
  storeName: 'field.storeName',
  taxId: 'field.taxId',
  invoiceNumber: 'field.invoiceNumber',
  date: 'field.date',
  time: 'field.time',
  total: 'field.total',
};
const CONFIDENCE_KEY: Partial<Record<keyof FieldDraft, string>> = {
  storeName: 'storeName',
  taxId: 'taxId',
  invoiceNumber: 'invoiceNumber',
  date: 'date',
  time: 'time',
  total: 'totalAmount',
};

export function localized(text: Record<string, string> | null | undefined): string {
  if (!text) return '';
  return text[locale.value] ?? text.en ?? Object.values(text)[0] ?? '';
}

function Verdicts({ verdicts }: { verdicts: Verdict[] }) {
  return (
    <ul class="rules">
      {verdicts.map((verdict) => (
        <li key={verdict.rule} class={verdict.passed ? 'rule-pass' : 'rule-fail'}>
          <span aria-hidden="true">{verdict.passed ? '✓' : '✗'}</span>{' '}
          {t(`rule.${verdict.rule}` as Parameters<typeof t>[0])}
        </li>
      ))}
    </ul>
  );
}

export function RulesSummary({
  qualifies,
  verdicts,
  rewards,
  missing,
}: {
  qualifies: boolean;
  verdicts: Verdict[];
  rewards: { points: number; entries: number } | null;
  missing: string[];
}) {
  if (missing.length > 0) return <p class="rules-missing">{t('rules.missing')}</p>;
  return (
    <div>
      <p class={qualifies ? 'rules-verdict rule-pass' : 'rules-verdict rule-fail'}>
        <strong>{qualifies ? t('rules.qualifies') : t('rules.fails')}</strong>
        {qualifies && rewards
          ? ` · ${t('rules.rewards', { points: rewards.points, entries: rewards.entries })}`
          : ''}
      </p>
      <Verdicts verdicts={verdicts} />
    </div>
  );
}

export function ItemView({
  item,
  draft,
  edited,
  fieldErrors,
  onEdit,
  preview,
  photoControls,
}: {
  item: ReviewItem;
  draft: FieldDraft;
  edited: Set<keyof FieldDraft>;
  fieldErrors: Record<string, string>;
  onEdit: (name: keyof FieldDraft, value: string) => void;
  preview: Preview | 'loading' | null;
  photoControls: { current: PhotoControls | null };
}) {
  const confidence = item.reading?.confidence ?? { overall: 0 };
  const currency = item.reading?.currency ?? item.campaign?.currency;
  return (
    <div class="review-item">
      <div class="review-photo">
        <Photo url={item.image.url} alt={t('photo.label')} controlsRef={photoControls} />
      </div>
      <div class="review-side">
        <dl class="facts">
          <dt>{t('item.member')}</dt>
          <dd>
            {item.member?.erased
              ? t('item.memberErased')
              : (item.member?.displayName ?? item.member?.name ?? item.submission.memberId)}
          </dd>
          <dt>{t('item.campaign')}</dt>
          <dd>{localized(item.campaign?.name)}</dd>
          <dt>{t('item.sent')}</dt>
          <dd>
            {formatDateTime(item.submission.submittedAt)} (
            {t('queue.age', { age: formatDuration(item.submission.ageMs) })})
          </dd>
        </dl>
        {item.image.reasons.length > 0 ? (
          <p class="chips">
            {item.image.reasons.map((reason) => (
              <span class={`chip chip-${reason}`} key={reason}>
                {t(`reason.${reason}` as Parameters<typeof t>[0])}
              </span>
            ))}
          </p>
        ) : null}
        <form class="fields" onSubmit={(event) => event.preventDefault()} aria-label={t('fields.title')}>
          <h2>
            {t('fields.title')}
            {currency ? <span class="muted"> · {currency}</span> : null}
          </h2>
          {FIELD_NAMES.map((name) => {
            const sure = CONFIDENCE_KEY[name] ? confidence[CONFIDENCE_KEY[name] as string] : undefined;
            const path = `fields.${name === 'total' ? 'totalMinor' : name}`;
            return (
              <Field
                key={name}
                label={`${t(LABELS[name])}${edited.has(name) ? ` (${t('fields.edited')})` : ''}`}
                error={fieldErrors[path]}
                hint={sure !== undefined ? t('field.sure', { percent: formatPercent(sure) }) : undefined}
              >
                {(props) => (
                  <input
                    {...props}
                    name={name}
                    class={edited.has(name) ? 'edited' : undefined}
                    value={draft[name]}
                    inputMode={name === 'total' ? 'decimal' : undefined}
                    placeholder={name === 'date' ? 'YYYY-MM-DD' : name === 'time' ? 'HH:MM' : undefined}
                    onInput={(event) => onEdit(name, (event.target as HTMLInputElement).value)}
                  />
                )}
              </Field>
            );
          })}
        </form>
        <section class="card rules-card" aria-live="polite">
          <h2>{preview ? t('preview.title') : t('rules.title')}</h2>
          {preview === 'loading' ? (
            <p>{t('preview.checking')}</p>
          ) : preview ? (
            <>
              <RulesSummary {...preview} />
              {preview.canApprove ? <p class="hint">{t('preview.hint')}</p> : null}
            </>
          ) : item.rules ? (
            <RulesSummary {...item.rules} />
          ) : null}
        </section>
      </div>
      <div class="review-extra">
        <section class="card">
          <h2>{t('dupes.title')}</h2>
          {item.duplicates.length === 0 ? (
            <p class="muted">{t('dupes.none')}</p>
          ) : (
            <div class="dupes">
              <figure>
                <Photo url={item.image.url} alt={t('dupes.this')} compact />
                <figcaption>{t('dupes.this')}</figcaption>
              </figure>
              {item.duplicates.slice(0, 3).map((dupe) => (
                <figure key={dupe.imageId}>
                  <Photo url={dupe.url} alt={dupe.imageId} compact />
                  <figcaption>
                    {dupe.match === 'image'
                      ? t('dupes.image', { distance: dupe.distance ?? 0 })
                      : t('dupes.content')}
                    <br />
                    {formatDateTime(dupe.uploadedAt)} ·{' '}
                    {dupe.submission
                      ? t(`state.${dupe.submission.state}` as Parameters<typeof t>[0])
                      : t('dupes.unused')}
                  </figcaption>
                </figure>
              ))}
            </div>
          )}
        </section>
        <section class="card">
          <h2>{t('recent.title')}</h2>
          {item.recentProofs.length === 0 ? (
            <p class="muted">{t('recent.none')}</p>
          ) : (
            <table class="data compact">
              <tbody>
                {item.recentProofs.map((proof) => (
                  <tr key={proof.id}>
                    <td>{formatDateTime(proof.submittedAt)}</td>
                    <td>
                      <span class={`state state-${proof.state}`}>
                        {t(`state.${proof.state}` as Parameters<typeof t>[0])}
                      </span>
                    </td>
                    <td class="muted">{proof.reasonCode ?? ''}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
        </section>
      </div>
    </div>
  );
}

/** The draft of an item's fields from what was read. */
export function draftOf(item: ReviewItem): FieldDraft {
  const fields = item.reading?.fields ?? {};
  return {
    storeName: fields.storeName ?? '',
    taxId: fields.taxId ?? '',
    invoiceNumber: fields.invoiceNumber ?? '',
    date: fields.date ?? '',
    time: fields.time ?? '',
    total: fields.totalMinor !== undefined ? String(fields.totalMinor / 100) : '',
  };
}
