import { createTranslator } from '../../i18n';
import { Field } from '../../ui/field';
import { LocalizedFields } from '../../ui/localized';
import { messages } from './messages';
import {
  isoToZonedInput,
  PROOF_KIND_LIST,
  zonedInputToIso,
  type Definition,
  type FieldErrors,
} from './model';
import { Check, Section, SelectField } from './widgets';

const t = createTranslator(messages);

const TIME_ZONES = ['Asia/Taipei', 'Asia/Bangkok'];

export type SectionProps = {
  draft: Definition;
  set: (patch: Partial<Definition>) => void;
  errors: FieldErrors;
  isNew: boolean;
};

/** Names, slug, time zone, currency, the purchase and registration windows. */
export function BasicsSection({ draft, set, errors, isNew }: SectionProps) {
  const zoned = (key: 'registerFrom' | 'registerTo') => (
    <Field label={t(key)} error={errors[key]} hint={t('inZone', { zone: draft.timezone })}>
      {(props) => (
        <input
          {...props}
          name={key}
          type="datetime-local"
          value={isoToZonedInput(draft[key], draft.timezone)}
          onInput={(event) => set({ [key]: zonedInputToIso(event.currentTarget.value, draft.timezone) })}
        />
      )}
    </Field>
  );
  const date = (key: 'purchaseFrom' | 'purchaseTo') => (
    <Field label={t(key)} error={errors[key]}>
      {(props) => (
        <input
          {...props}
          name={key}
          type="date"
          value={draft[key]}
          onInput={(event) => set({ [key]: event.currentTarget.value })}
        />
      )}
    </Field>
  );
  return (
    <>
      <Section title={t('section.names')}>
        <div class="grid3">
          <LocalizedFields
            label={t('name')}
            name="name"
            value={draft.name}
            error={errors.name}
            errors={{ 'zh-TW': errors['name.zh-TW'], en: errors['name.en'], th: errors['name.th'] }}
            onChange={(name) => set({ name })}
          />
          <LocalizedFields
            label={t('description')}
            name="description"
            multiline
            value={draft.description}
            error={errors.description}
            onChange={(description) => set({ description })}
          />
        </div>
      </Section>
      <Section title={t('section.basics')}>
        <div class="grid3">
          <Field label={t('slug')} error={errors.slug} hint={t('slug.hint')}>
            {(props) => (
              <input
                {...props}
                name="slug"
                value={draft.slug}
                readOnly={!isNew}
                onInput={(event) => set({ slug: event.currentTarget.value.trim() })}
              />
            )}
          </Field>
          <Field label={t('timezone')} error={errors.timezone}>
            {(props) => (
              <>
                <input
                  {...props}
                  name="timezone"
                  list="campaign-time-zones"
                  value={draft.timezone}
                  onInput={(event) => set({ timezone: event.currentTarget.value.trim() })}
                />
                <datalist id="campaign-time-zones">
                  {TIME_ZONES.map((zone) => (
                    <option key={zone} value={zone} />
                  ))}
                </datalist>
              </>
            )}
          </Field>
          <SelectField
            label={t('currency')}
            name="currency"
            value={draft.currency}
            error={errors.currency}
            options={[
              { value: 'TWD', label: 'TWD' },
              { value: 'THB', label: 'THB' },
            ]}
            onChange={(currency) => set({ currency })}
          />
        </div>
      </Section>
      <Section title={t('section.windows')} aside={t('windows.hint')}>
        <div class="grid3">
          {date('purchaseFrom')}
          {date('purchaseTo')}
          <span />
          {zoned('registerFrom')}
          {zoned('registerTo')}
        </div>
      </Section>
    </>
  );
}

/** Which proofs are taken, and how they are verified. */
export function ProofsSection({ draft, set, errors }: SectionProps) {
  const hasReceipts = draft.proofKinds.includes('receipt') || draft.proofKinds.includes('paper_invoice');
  return (
    <Section title={t('proofKinds')} aside={t('proofKinds.hint')}>
      <div
        class={`kinds${errors.proofKinds ? ' field-invalid' : ''}`}
        role="group"
        aria-label={t('proofKinds')}
      >
        {PROOF_KIND_LIST.map((kind) => (
          <Check
            key={kind}
            name={`kind-${kind}`}
            label={t(`kind.${kind}`)}
            checked={draft.proofKinds.includes(kind)}
            onChange={(on) =>
              set({
                proofKinds: on
                  ? PROOF_KIND_LIST.filter((k) => k === kind || draft.proofKinds.includes(k))
                  : draft.proofKinds.filter((k) => k !== kind),
              })
            }
          />
        ))}
      </div>
      {errors.proofKinds ? <p class="field-error">{errors.proofKinds}</p> : null}
      <div class="grid3">
        <SelectField
          label={t('verificationMode')}
          name="verificationMode"
          value={draft.verificationMode}
          error={errors.verificationMode}
          options={[
            { value: 'instant', label: t('mode.instant') },
            { value: 'batch', label: t('mode.batch') },
          ]}
          onChange={(verificationMode) => set({ verificationMode })}
        />
        {hasReceipts ? (
          <Check
            name="autoAcceptReceipts"
            label={t('autoAcceptReceipts')}
            checked={draft.autoAcceptReceipts}
            error={errors.autoAcceptReceipts}
            onChange={(autoAcceptReceipts) => set({ autoAcceptReceipts })}
          />
        ) : null}
      </div>
    </Section>
  );
}
