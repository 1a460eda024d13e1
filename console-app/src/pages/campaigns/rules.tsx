import { createTranslator } from '../../i18n';
import { Field } from '../../ui/field';
import { moveItem, useSortable } from '../../ui/sortable';
import type { SectionProps } from './basics';
import { messages } from './messages';
import type { ItemGroupDraft, Rules, StoreMatcherDraft } from './model';
import { Check, IntField, MoneyField, Optional, Section, SelectField, WordList } from './widgets';

const t = createTranslator(messages);

/** Item groups, amount threshold, stores allowed and refused, B2B and voided invoices, timing, caps. */
export function RulesSection({ draft, set, errors }: SectionProps) {
  const rules = draft.rules;
  const setRules = (patch: Partial<Rules>) => set({ rules: { ...rules, ...patch } });
  const groups = rules.itemGroups ?? [];
  const setGroup = (index: number, patch: Partial<ItemGroupDraft>) =>
    setRules({ itemGroups: groups.map((group, i) => (i === index ? { ...group, ...patch } : group)) });
  const sortable = useSortable({
    count: groups.length,
    nameOf: (index) => groups[index]?.key || String(index + 1),
    onMove: (from, to) => setRules({ itemGroups: moveItem(groups, from, to) }),
  });
  const stores = rules.stores ?? {};
  const caps = rules.caps ?? {};
  const upload = rules.upload ?? { windowDays: 3, graceHours: 12 };

  const matcher = (side: 'allow' | 'deny') => {
    const value: StoreMatcherDraft = stores[side] ?? {};
    const path = `rules.stores.${side}`;
    const change = (patch: Partial<StoreMatcherDraft>) =>
      setRules({ stores: { ...stores, [side]: { ...value, ...patch } } });
    const errorUnder = (key: string) =>
      Object.entries(errors).find(([p]) => p === `${path}.${key}` || p.startsWith(`${path}.${key}.`))?.[1];
    return (
      <Section title={t(`stores.${side}`)} aside={t(`stores.${side}.hint`)}>
        <div class="grid3">
          <WordList
            label={t('stores.namePatterns')}
            name={`${side}-namePatterns`}
            hint={t('stores.namePatterns.hint')}
            value={value.namePatterns}
            error={errorUnder('namePatterns')}
            onChange={(namePatterns) => change({ namePatterns })}
          />
          <WordList
            label={t('stores.sellerBans')}
            name={`${side}-sellerBans`}
            hint={t('stores.sellerBans.hint')}
            value={value.sellerBans}
            error={errorUnder('sellerBans')}
            onChange={(sellerBans) => change({ sellerBans })}
          />
          <WordList
            label={t('stores.addressFragments')}
            name={`${side}-addressFragments`}
            value={value.addressFragments}
            error={errorUnder('addressFragments')}
            onChange={(addressFragments) => change({ addressFragments })}
          />
        </div>
      </Section>
    );
  };

  return (
    <>
      <Section
        title={t('rules.itemGroups')}
        aside={t('rules.itemGroups.hint')}
        actions={
          <button
            type="button"
            onClick={() =>
              setRules({
                itemGroups: [
                  ...groups,
                  { key: `group${groups.length + 1}`, keywords: [], excludeKeywords: [] },
                ],
              })
            }
          >
            {t('group.add')}
          </button>
        }
      >
        {errors['rules.itemGroups'] ? <p class="field-error">{errors['rules.itemGroups']}</p> : null}
        {groups.length === 0 ? <p class="muted">{t('group.none')}</p> : null}
        <div class="sortable-list" ref={sortable.listRef}>
          {groups.map((group, index) => {
            const path = `rules.itemGroups.${index}`;
            return (
              <div class="row-card" key={index} data-group={index} {...sortable.rowProps(index)}>
                {sortable.handle(index)}
                <div class="grid4">
                  <Field label={t('group.key')} error={errors[`${path}.key`]}>
                    {(props) => (
                      <input
                        {...props}
                        name={`group-${index}-key`}
                        value={group.key}
                        onInput={(event) => setGroup(index, { key: event.currentTarget.value.trim() })}
                      />
                    )}
                  </Field>
                  <WordList
                    label={t('group.keywords')}
                    name={`group-${index}-keywords`}
                    value={group.keywords}
                    error={errors[`${path}.keywords`]}
                    onChange={(keywords) => setGroup(index, { keywords })}
                  />
                  <WordList
                    label={t('group.exclude')}
                    name={`group-${index}-exclude`}
                    value={group.excludeKeywords}
                    error={errors[`${path}.excludeKeywords`]}
                    onChange={(excludeKeywords) => setGroup(index, { excludeKeywords })}
                  />
                  <IntField
                    label={t('group.minQuantity')}
                    name={`group-${index}-minQuantity`}
                    min={1}
                    value={group.minQuantity}
                    error={errors[`${path}.minQuantity`]}
                    onChange={(minQuantity) => setGroup(index, { minQuantity })}
                  />
                </div>
                <button
                  type="button"
                  class="link"
                  aria-label={t('group.remove', { key: group.key })}
                  onClick={() => setRules({ itemGroups: groups.filter((_, i) => i !== index) })}
                >
                  {t('remove')}
                </button>
              </div>
            );
          })}
        </div>
        {sortable.announcer}
        {groups.length > 1 ? (
          <SelectField
            label={t('rules.itemGroupsMatch')}
            name="itemGroupsMatch"
            value={rules.itemGroupsMatch ?? 'any'}
            error={errors['rules.itemGroupsMatch']}
            options={[
              { value: 'any', label: t('match.any') },
              { value: 'all', label: t('match.all') },
            ]}
            onChange={(itemGroupsMatch) => setRules({ itemGroupsMatch })}
          />
        ) : null}
      </Section>

      <Optional
        title={t('rules.minAmount')}
        name="minAmount-on"
        enabled={Boolean(rules.minAmount)}
        error={errors['rules.minAmount']}
        onToggle={(on) => setRules({ minAmount: on ? { basis: 'total', amountMinor: 10_000 } : undefined })}
      >
        {rules.minAmount ? (
          <div class="grid3">
            <SelectField
              label={t('basis')}
              name="minAmount-basis"
              value={rules.minAmount.basis}
              error={errors['rules.minAmount.basis']}
              options={[
                { value: 'total', label: t('basis.total') },
                { value: 'matched', label: t('basis.matched') },
              ]}
              onChange={(basis) => setRules({ minAmount: { ...rules.minAmount!, basis } })}
            />
            <MoneyField
              label={t('rules.minAmount.amount')}
              name="minAmount-amount"
              currency={draft.currency}
              value={rules.minAmount.amountMinor}
              error={errors['rules.minAmount.amountMinor']}
              onChange={(amountMinor) =>
                setRules({ minAmount: { ...rules.minAmount!, amountMinor: amountMinor ?? 0 } })
              }
            />
          </div>
        ) : null}
      </Optional>

      {matcher('allow')}
      {matcher('deny')}

      <Section title={t('rules.other')}>
        <div class="grid3">
          <Check
            name="excludeBuyerBan"
            label={t('rules.excludeBuyerBan')}
            checked={rules.excludeBuyerBan ?? true}
            error={errors['rules.excludeBuyerBan']}
            onChange={(excludeBuyerBan) => setRules({ excludeBuyerBan })}
          />
          <Check
            name="excludeVoided"
            label={t('rules.excludeVoided')}
            checked={rules.excludeVoided ?? true}
            error={errors['rules.excludeVoided']}
            onChange={(excludeVoided) => setRules({ excludeVoided })}
          />
          <IntField
            label={t('rules.registerWithinDays')}
            name="registerWithinDays"
            min={1}
            value={rules.registerWithinDays}
            error={errors['rules.registerWithinDays']}
            onChange={(registerWithinDays) => setRules({ registerWithinDays })}
          />
          <IntField
            label={t('caps.perMemberPerDay')}
            name="caps-perMemberPerDay"
            min={1}
            value={caps.perMemberPerDay}
            error={errors['rules.caps.perMemberPerDay']}
            onChange={(perMemberPerDay) => setRules({ caps: { ...caps, perMemberPerDay } })}
          />
          <IntField
            label={t('caps.perMemberPerCampaign')}
            name="caps-perMemberPerCampaign"
            min={1}
            value={caps.perMemberPerCampaign}
            error={errors['rules.caps.perMemberPerCampaign']}
            onChange={(perMemberPerCampaign) => setRules({ caps: { ...caps, perMemberPerCampaign } })}
          />
          <span />
          <IntField
            label={t('upload.windowDays')}
            name="upload-windowDays"
            hint={t('upload.hint')}
            value={upload.windowDays}
            error={errors['rules.upload.windowDays']}
            onChange={(windowDays) => setRules({ upload: { ...upload, windowDays } })}
          />
          <IntField
            label={t('upload.graceHours')}
            name="upload-graceHours"
            value={upload.graceHours}
            error={errors['rules.upload.graceHours']}
            onChange={(graceHours) => setRules({ upload: { ...upload, graceHours } })}
          />
        </div>
      </Section>
    </>
  );
}
