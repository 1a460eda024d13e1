import type { ComponentChildren } from 'preact';
import { useId } from 'preact/hooks';
import { createTranslator, locale } from '../../i18n';
import { MESSAGE_LOCALES, type SegmentOptions } from './broadcasts-api';
import { messages } from './messages';
import { AGE_BANDS, GENDERS, list, type Row } from './segment-condition';

const t = createTranslator(messages);

/** A small labelled control of the builder (the label names it for screen readers and tests). */
export function InlineField({
  label,
  wide = false,
  children,
}: {
  label: string;
  wide?: boolean;
  children: (id: string) => ComponentChildren;
}) {
  const id = useId();
  return (
    <div class={`inline-field${wide ? ' wide' : ''}`}>
      <label for={id}>{label}</label>
      {children(id)}
    </div>
  );
}

function Checks({
  name,
  choices,
  value,
  label,
  onChange,
}: {
  name: string;
  choices: readonly string[];
  value: string | string[] | undefined;
  label: (choice: string) => string;
  onChange: (next: string[]) => void;
}) {
  const chosen = list(value);
  return (
    <span class="checks">
      {choices.map((choice) => (
        <label key={choice}>
          <input
            type="checkbox"
            name={name}
            value={choice}
            checked={chosen.includes(choice)}
            onChange={(event) =>
              onChange(
                event.currentTarget.checked ? [...chosen, choice] : chosen.filter((item) => item !== choice),
              )
            }
          />{' '}
          {label(choice)}
        </label>
      ))}
    </span>
  );
}

function Input({
  label,
  value,
  onInput,
  type = 'text',
  wide = false,
  list: listId,
}: {
  label: string;
  value: string | string[] | undefined;
  onInput: (value: string) => void;
  type?: 'text' | 'number' | 'date';
  wide?: boolean;
  list?: string;
}) {
  return (
    <InlineField label={label} wide={wide}>
      {(id) => (
        <input
          id={id}
          type={type}
          value={typeof value === 'string' ? value : ''}
          list={listId}
          {...(type === 'number' ? { min: 0, inputMode: 'numeric' as const } : {})}
          onInput={(event) => onInput(event.currentTarget.value)}
        />
      )}
    </InlineField>
  );
}

function RegionSelect({
  options,
  value,
  multiple,
  label,
  onChange,
}: {
  options: SegmentOptions | undefined;
  value: string | string[] | undefined;
  multiple: boolean;
  label: string;
  onChange: (next: string | string[]) => void;
}) {
  const regions = options?.regions ?? [];
  const chosen = list(value);
  return (
    <InlineField label={label}>
      {(id) => (
        <select
          id={id}
          multiple={multiple}
          size={multiple ? 5 : undefined}
          value={multiple ? undefined : typeof value === 'string' ? value : ''}
          onChange={(event) => {
            const select = event.currentTarget;
            onChange(multiple ? [...select.selectedOptions].map((option) => option.value) : select.value);
          }}
        >
          {multiple ? null : <option value="">{t('seg.anyRegion')}</option>}
          {regions.map((region) => (
            <option
              key={region.code}
              value={region.code}
              selected={multiple ? chosen.includes(region.code) : undefined}
            >
              {region.names[locale.value] ?? region.code}
            </option>
          ))}
        </select>
      )}
    </InlineField>
  );
}

/** The inputs of one row's test. */
export function RowFields({
  row,
  options,
  set,
}: {
  row: Row;
  options: SegmentOptions | undefined;
  set: (field: string, value: string | string[]) => void;
}) {
  const v = row.values;
  const days = (field = 'withinDays', label = t('seg.withinDays')) => (
    <Input label={label} type="number" value={v[field]} onInput={(value) => set(field, value)} />
  );
  switch (row.type) {
    case 'bought':
      return (
        <>
          <Input label={t('seg.items')} value={v.items} onInput={(value) => set('items', value)} />
          {days()}
          <Input label={t('seg.store')} value={v.store} onInput={(value) => set('store', value)} />
          <RegionSelect
            options={options}
            value={v.region}
            multiple={false}
            label={t('seg.storeRegion')}
            onChange={(value) => set('region', value)}
          />
        </>
      );
    case 'acceptedProofs':
      return (
        <>
          <Input
            label={t('seg.atLeast')}
            type="number"
            value={v.atLeast}
            onInput={(value) => set('atLeast', value)}
          />
          {days()}
        </>
      );
    case 'region':
      return (
        <RegionSelect
          options={options}
          value={v.regions}
          multiple
          label={t('seg.regions')}
          onChange={(value) => set('regions', value)}
        />
      );
    case 'language':
      return (
        <Checks
          name={`language-${row.key}`}
          choices={MESSAGE_LOCALES}
          value={v.languages}
          label={(choice) => t(`lang.${choice}` as 'lang.en')}
          onChange={(value) => set('languages', value)}
        />
      );
    case 'gender':
      return (
        <Checks
          name={`gender-${row.key}`}
          choices={GENDERS}
          value={v.genders}
          label={(choice) => t(`gender.${choice}` as 'gender.female')}
          onChange={(value) => set('genders', value)}
        />
      );
    case 'ageBand':
      return (
        <Checks
          name={`age-${row.key}`}
          choices={AGE_BANDS}
          value={v.bands}
          label={(choice) => (choice === 'under-20' ? t('age.under20') : choice)}
          onChange={(value) => set('bands', value)}
        />
      );
    case 'registered':
    case 'consent':
      return (
        <>
          {row.type === 'consent' ? (
            <InlineField label={t('seg.consentKind')}>
              {(id) => (
                <select
                  id={id}
                  value={typeof v.kind === 'string' ? v.kind : 'marketing'}
                  onChange={(event) => set('kind', event.currentTarget.value)}
                >
                  <option value="marketing">{t('consent.marketing')}</option>
                  <option value="data_processing">{t('consent.data')}</option>
                </select>
              )}
            </InlineField>
          ) : null}
          <InlineField label={t(row.type === 'consent' ? 'seg.granted' : 'seg.isRegistered')}>
            {(id) => (
              <select
                id={id}
                value={(row.type === 'consent' ? v.granted : v.registered) === 'no' ? 'no' : 'yes'}
                onChange={(event) =>
                  set(row.type === 'consent' ? 'granted' : 'registered', event.currentTarget.value)
                }
              >
                <option value="yes">{t('common.yes')}</option>
                <option value="no">{t('common.no')}</option>
              </select>
            )}
          </InlineField>
        </>
      );
    case 'registeredAt':
      return (
        <>
          <Input label={t('seg.from')} type="date" value={v.from} onInput={(value) => set('from', value)} />
          <Input label={t('seg.to')} type="date" value={v.to} onInput={(value) => set('to', value)} />
        </>
      );
    case 'points':
      return (
        <>
          <Input
            label={t('seg.atLeast')}
            type="number"
            value={v.atLeast}
            onInput={(value) => set('atLeast', value)}
          />
          <Input
            label={t('seg.atMost')}
            type="number"
            value={v.atMost}
            onInput={(value) => set('atMost', value)}
          />
        </>
      );
    case 'redeemed':
    case 'won':
      return days('withinDays', t('seg.withinDaysOptional'));
    case 'lastInteraction':
      return (
        <>
          {days('withinDays', t('seg.withinDaysOptional'))}
          {days('notWithinDays', t('seg.notWithinDays'))}
        </>
      );
    case 'followedSince':
      return days();
    case 'surveyAnswer':
      return (
        <>
          <Input label={t('seg.surveyId')} value={v.surveyId} onInput={(value) => set('surveyId', value)} />
          <Input label={t('seg.question')} value={v.question} onInput={(value) => set('question', value)} />
          <Input label={t('seg.answers')} value={v.answers} onInput={(value) => set('answers', value)} />
        </>
      );
    case 'tag':
      return (
        <>
          <Input
            label={t('seg.tags')}
            value={v.tags}
            list={`segment-tags-${row.key}`}
            onInput={(value) => set('tags', value)}
          />
          <datalist id={`segment-tags-${row.key}`}>
            {(options?.tags ?? []).map((tag) => (
              <option key={tag} value={tag} />
            ))}
          </datalist>
        </>
      );
    case 'list':
      return (
        <>
          <InlineField label={t('seg.ids')} wide>
            {(id) => (
              <textarea
                id={id}
                rows={3}
                value={typeof v.ids === 'string' ? v.ids : ''}
                onInput={(event) => set('ids', event.currentTarget.value)}
              />
            )}
          </InlineField>
          <InlineField label={t('seg.idsFile')}>
            {(id) => (
              <input
                id={id}
                type="file"
                accept=".csv,.txt,text/csv,text/plain"
                onChange={async (event) => {
                  const file = event.currentTarget.files?.[0];
                  if (file)
                    set(
                      'ids',
                      (await file.text())
                        .split(/\r?\n/)
                        .map((line) => line.split(',')[0] ?? '')
                        .join('\n'),
                    );
                }}
              />
            )}
          </InlineField>
        </>
      );
  }
}
