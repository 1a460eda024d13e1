import { createTranslator } from '../../i18n';
import { Field } from '../../ui/field';
import { LocalizedFields } from '../../ui/localized';
import { moveItem, useSortable } from '../../ui/sortable';
import type { SectionProps } from './basics';
import { messages } from './messages';
import {
  isoToZonedInput,
  WEEKDAYS,
  zonedInputToIso,
  type EntriesDraft,
  type FinalDrawDraft,
  type PointsDraft,
  type PrizeDraft,
  type Rewards,
  type WeeklyDrawDraft,
} from './model';
import { Check, IntField, MoneyField, Optional, Section, SelectField } from './widgets';

const t = createTranslator(messages);

const basisOptions = () => [
  { value: 'total' as const, label: t('basis.total') },
  { value: 'matched' as const, label: t('basis.matched') },
];

/** Points per amount (and per item group), lottery entries, instant plays. */
export function RewardsSection({ draft, set, errors }: SectionProps) {
  const rewards = draft.rewards;
  const setRewards = (patch: Partial<Rewards>) => set({ rewards: { ...rewards, ...patch } });
  const points = rewards.points;
  const setPoints = (patch: Partial<PointsDraft>) => setRewards({ points: { ...points!, ...patch } });
  const entries = rewards.entries;
  const setEntries = (patch: Partial<EntriesDraft>) => setRewards({ entries: { ...entries, ...patch } });
  const groupKeys = (draft.rules.itemGroups ?? []).map((group) => group.key);
  const expiry = points?.expiry;
  const expiryKind = !expiry ? 'none' : 'afterDays' in expiry ? 'afterDays' : 'at';

  return (
    <>
      <Optional
        title={t('rewards.points')}
        name="points-on"
        enabled={Boolean(points)}
        error={errors['rewards.points']}
        onToggle={(on) =>
          setRewards({ points: on ? { basis: 'total', stepAmountMinor: 10_000, perStep: 1 } : undefined })
        }
      >
        {points ? (
          <>
            <div class="grid3">
              <SelectField
                label={t('basis')}
                name="points-basis"
                value={points.basis ?? 'total'}
                error={errors['rewards.points.basis']}
                options={basisOptions()}
                onChange={(basis) => setPoints({ basis })}
              />
              <MoneyField
                label={t('rewards.step')}
                name="points-step"
                currency={draft.currency}
                value={points.stepAmountMinor}
                error={errors['rewards.points.stepAmountMinor']}
                onChange={(stepAmountMinor) => setPoints({ stepAmountMinor: stepAmountMinor ?? 0 })}
              />
              <IntField
                label={t('rewards.pointsPerStep')}
                name="points-perStep"
                min={1}
                value={points.perStep}
                error={errors['rewards.points.perStep']}
                onChange={(perStep) => setPoints({ perStep })}
              />
              <IntField
                label={t('rewards.maxPerProof')}
                name="points-maxPerProof"
                min={1}
                value={points.maxPerProof}
                error={errors['rewards.points.maxPerProof']}
                onChange={(maxPerProof) => setPoints({ maxPerProof })}
              />
              <IntField
                label={t('rewards.capPerDay')}
                name="points-capPerDay"
                value={points.caps?.perDay}
                error={errors['rewards.points.caps.perDay']}
                onChange={(perDay) => setPoints({ caps: { ...points.caps, perDay } })}
              />
              <IntField
                label={t('rewards.capPerCampaign')}
                name="points-capPerCampaign"
                value={points.caps?.perCampaign}
                error={errors['rewards.points.caps.perCampaign']}
                onChange={(perCampaign) => setPoints({ caps: { ...points.caps, perCampaign } })}
              />
              <SelectField
                label={t('rewards.expiry')}
                name="points-expiry"
                value={expiryKind}
                error={errors['rewards.points.expiry']}
                options={[
                  { value: 'none', label: t('expiry.none') },
                  { value: 'afterDays', label: t('expiry.afterDays') },
                  { value: 'at', label: t('expiry.at') },
                ]}
                onChange={(kind) =>
                  setPoints({
                    expiry:
                      kind === 'none'
                        ? undefined
                        : kind === 'afterDays'
                          ? { afterDays: 365 }
                          : {
                              at: zonedInputToIso(
                                `${draft.purchaseTo || '2030-12-31'}T23:59`,
                                draft.timezone,
                              ),
                            },
                  })
                }
              />
              {expiry && 'afterDays' in expiry ? (
                <IntField
                  label={t('expiry.days')}
                  name="points-expiry-days"
                  min={1}
                  value={expiry.afterDays}
                  error={errors['rewards.points.expiry.afterDays']}
                  onChange={(afterDays) => setPoints({ expiry: { afterDays: afterDays ?? 0 } })}
                />
              ) : null}
              {expiry && 'at' in expiry ? (
                <Field label={t('expiry.at')} error={errors['rewards.points.expiry.at']}>
                  {(props) => (
                    <input
                      {...props}
                      name="points-expiry-at"
                      type="datetime-local"
                      value={isoToZonedInput(expiry.at, draft.timezone)}
                      onInput={(event) =>
                        setPoints({
                          expiry: { at: zonedInputToIso(event.currentTarget.value, draft.timezone) },
                        })
                      }
                    />
                  )}
                </Field>
              ) : null}
            </div>
            {groupKeys.length > 0 ? (
              <Section title={t('rewards.bonusPerGroup')} aside={t('rewards.bonusPerGroup.hint')}>
                <div class="grid4">
                  {groupKeys.map((key) => (
                    <IntField
                      key={key}
                      label={key}
                      name={`bonus-${key}`}
                      value={points.bonusPerGroup?.[key]}
                      error={errors[`rewards.points.bonusPerGroup.${key}`]}
                      onChange={(bonus) => {
                        const next = { ...points.bonusPerGroup };
                        if (bonus === undefined || bonus === 0) delete next[key];
                        else next[key] = bonus;
                        setPoints({ bonusPerGroup: next });
                      }}
                    />
                  ))}
                </div>
              </Section>
            ) : null}
          </>
        ) : null}
      </Optional>

      <Optional
        title={t('rewards.entries')}
        name="entries-on"
        enabled={Boolean(entries)}
        error={errors['rewards.entries']}
        onToggle={(on) => setRewards({ entries: on ? { perProof: 1 } : undefined })}
      >
        {entries ? (
          <div class="grid3">
            <IntField
              label={t('rewards.entriesPerProof')}
              name="entries-perProof"
              value={entries.perProof}
              error={errors['rewards.entries.perProof']}
              onChange={(perProof) => setEntries({ perProof })}
            />
            <IntField
              label={t('rewards.maxPerProof')}
              name="entries-maxPerProof"
              min={1}
              value={entries.maxPerProof}
              error={errors['rewards.entries.maxPerProof']}
              onChange={(maxPerProof) => setEntries({ maxPerProof })}
            />
            <Check
              name="entries-step-on"
              label={t('rewards.entriesPerAmount')}
              checked={Boolean(entries.perAmountStep)}
              onChange={(on) =>
                setEntries({
                  perAmountStep: on ? { basis: 'total', stepAmountMinor: 10_000, perStep: 1 } : undefined,
                })
              }
            />
            {entries.perAmountStep ? (
              <>
                <SelectField
                  label={t('basis')}
                  name="entries-basis"
                  value={entries.perAmountStep.basis ?? 'total'}
                  error={errors['rewards.entries.perAmountStep.basis']}
                  options={basisOptions()}
                  onChange={(basis) => setEntries({ perAmountStep: { ...entries.perAmountStep!, basis } })}
                />
                <MoneyField
                  label={t('rewards.step')}
                  name="entries-step"
                  currency={draft.currency}
                  value={entries.perAmountStep.stepAmountMinor}
                  error={errors['rewards.entries.perAmountStep.stepAmountMinor']}
                  onChange={(stepAmountMinor) =>
                    setEntries({
                      perAmountStep: { ...entries.perAmountStep!, stepAmountMinor: stepAmountMinor ?? 0 },
                    })
                  }
                />
                <IntField
                  label={t('rewards.entriesPerStep')}
                  name="entries-perStep"
                  min={1}
                  value={entries.perAmountStep.perStep}
                  error={errors['rewards.entries.perAmountStep.perStep']}
                  onChange={(perStep) =>
                    setEntries({ perAmountStep: { ...entries.perAmountStep!, perStep } })
                  }
                />
              </>
            ) : null}
          </div>
        ) : null}
      </Optional>

      <Section title={t('rewards.registration')}>
        <Check
          name="registrationRequired"
          label={t('rewards.registrationRequired')}
          checked={rewards.registrationRequired ?? false}
          error={errors['rewards.registrationRequired']}
          onChange={(registrationRequired) => setRewards({ registrationRequired })}
        />
      </Section>
      <Section title={t('rewards.instantWin')}>
        <Check
          name="instantWin"
          label={t('rewards.instantWin.enabled')}
          checked={rewards.instantWin?.enabled ?? false}
          error={errors['rewards.instantWin.enabled']}
          onChange={(enabled) => setRewards({ instantWin: { enabled } })}
        />
      </Section>
    </>
  );
}

function PrizeList({
  prizes,
  onChange,
  path,
  errors,
  currency,
  prefix,
}: {
  prizes: PrizeDraft[];
  onChange: (next: PrizeDraft[]) => void;
  path: string;
  errors: Record<string, string>;
  currency: string;
  prefix: string;
}) {
  const setPrize = (index: number, patch: Partial<PrizeDraft>) =>
    onChange(prizes.map((prize, i) => (i === index ? { ...prize, ...patch } : prize)));
  const sortable = useSortable({
    count: prizes.length,
    nameOf: (index) => prizes[index]?.key || String(index + 1),
    onMove: (from, to) => onChange(moveItem(prizes, from, to)),
  });
  return (
    <Section
      title={t('draws.prizes')}
      actions={
        <button
          type="button"
          onClick={() => onChange([...prizes, { key: `prize${prizes.length + 1}`, name: {}, quantity: 1 }])}
        >
          {t('draws.addPrize')}
        </button>
      }
    >
      {errors[`${path}.prizes`] ? <p class="field-error">{errors[`${path}.prizes`]}</p> : null}
      <div class="sortable-list" ref={sortable.listRef}>
        {prizes.map((prize, index) => {
          const at = `${path}.prizes.${index}`;
          return (
            <div class="row-card" key={index} data-prize={index} {...sortable.rowProps(index)}>
              {sortable.handle(index)}
              <div class="grid3">
                <Field label={t('draws.prizeKey')} error={errors[`${at}.key`]}>
                  {(props) => (
                    <input
                      {...props}
                      name={`${prefix}-prize-${index}-key`}
                      value={prize.key}
                      onInput={(event) => setPrize(index, { key: event.currentTarget.value.trim() })}
                    />
                  )}
                </Field>
                <IntField
                  label={t('draws.quantity')}
                  name={`${prefix}-prize-${index}-quantity`}
                  min={1}
                  value={prize.quantity}
                  error={errors[`${at}.quantity`]}
                  onChange={(quantity) => setPrize(index, { quantity: quantity ?? 0 })}
                />
                <MoneyField
                  label={t('draws.value')}
                  name={`${prefix}-prize-${index}-value`}
                  currency={currency}
                  value={prize.valueMinor}
                  error={errors[`${at}.valueMinor`]}
                  onChange={(valueMinor) => setPrize(index, { valueMinor })}
                />
                <LocalizedFields
                  label={t('draws.prizeName')}
                  name={`${prefix}-prize-${index}-name`}
                  value={prize.name}
                  error={errors[`${at}.name`]}
                  onChange={(name) => setPrize(index, { name })}
                />
              </div>
              <button
                type="button"
                class="link"
                disabled={prizes.length === 1}
                onClick={() => onChange(prizes.filter((_, i) => i !== index))}
              >
                {t('remove')}
              </button>
            </div>
          );
        })}
      </div>
      {sortable.announcer}
    </Section>
  );
}

const newPrizes = (): PrizeDraft[] => [{ key: 'grand', name: {}, quantity: 1 }];

/** The weekly and the final draw: prizes, most wins per member, reserves, when each closes. */
export function DrawsSection({ draft, set, errors }: SectionProps) {
  const draws = draft.rewards.draws ?? {};
  const setDraws = (patch: Partial<typeof draws>) => {
    const next = { ...draws, ...patch };
    set({ rewards: { ...draft.rewards, draws: next.weekly || next.final ? next : undefined } });
  };
  const weekly = draws.weekly;
  const final = draws.final;
  const setWeekly = (patch: Partial<WeeklyDrawDraft>) => setDraws({ weekly: { ...weekly!, ...patch } });
  const setFinal = (patch: Partial<FinalDrawDraft>) => setDraws({ final: { ...final!, ...patch } });
  const common = (
    kind: 'weekly' | 'final',
    value: WeeklyDrawDraft | FinalDrawDraft,
    change: (patch: Partial<WeeklyDrawDraft & FinalDrawDraft>) => void,
  ) => {
    const path = `rewards.draws.${kind}`;
    return (
      <>
        <div class="grid3">
          <LocalizedFields
            label={t('draws.name')}
            name={`${kind}-name`}
            value={value.name}
            error={errors[`${path}.name`]}
            onChange={(name) => change({ name })}
          />
          <IntField
            label={t('draws.maxWins')}
            name={`${kind}-maxWins`}
            min={1}
            value={value.maxWinsPerMember}
            error={errors[`${path}.maxWinsPerMember`]}
            onChange={(maxWinsPerMember) => change({ maxWinsPerMember })}
          />
          <IntField
            label={t('draws.reserves')}
            name={`${kind}-reserves`}
            value={value.reserveCount}
            error={errors[`${path}.reserveCount`]}
            onChange={(reserveCount) => change({ reserveCount })}
          />
        </div>
        <PrizeList
          prizes={value.prizes}
          path={path}
          prefix={kind}
          errors={errors}
          currency={draft.currency}
          onChange={(prizes) => change({ prizes })}
        />
      </>
    );
  };
  return (
    <>
      {errors['rewards.draws'] ? <p class="field-error">{errors['rewards.draws']}</p> : null}
      <Optional
        title={t('draws.weekly')}
        name="weekly-on"
        enabled={Boolean(weekly)}
        onToggle={(on) =>
          setDraws({ weekly: on ? { closesOn: 'sun', closesAt: '00:00', prizes: newPrizes() } : undefined })
        }
      >
        {weekly ? (
          <>
            <div class="grid3">
              <SelectField
                label={t('draws.closesOn')}
                name="weekly-closesOn"
                value={weekly.closesOn}
                error={errors['rewards.draws.weekly.closesOn']}
                options={WEEKDAYS.map((day) => ({ value: day, label: t(`day.${day}`) }))}
                onChange={(closesOn) => setWeekly({ closesOn })}
              />
              <Field label={t('draws.closesAt')} error={errors['rewards.draws.weekly.closesAt']}>
                {(props) => (
                  <input
                    {...props}
                    name="weekly-closesAt"
                    type="time"
                    value={weekly.closesAt ?? '00:00'}
                    onInput={(event) => setWeekly({ closesAt: event.currentTarget.value })}
                  />
                )}
              </Field>
            </div>
            {common('weekly', weekly, setWeekly)}
          </>
        ) : null}
      </Optional>
      <Optional
        title={t('draws.final')}
        name="final-on"
        enabled={Boolean(final)}
        onToggle={(on) => setDraws({ final: on ? { prizes: newPrizes() } : undefined })}
      >
        {final ? (
          <>
            <div class="grid3">
              <Field
                label={t('draws.finalClosesAt')}
                error={errors['rewards.draws.final.closesAt']}
                hint={t('draws.finalClosesAt.hint')}
              >
                {(props) => (
                  <input
                    {...props}
                    name="final-closesAt"
                    type="datetime-local"
                    value={final.closesAt ? isoToZonedInput(final.closesAt, draft.timezone) : ''}
                    onInput={(event) =>
                      setFinal({
                        closesAt: event.currentTarget.value
                          ? zonedInputToIso(event.currentTarget.value, draft.timezone)
                          : undefined,
                      })
                    }
                  />
                )}
              </Field>
            </div>
            {common('final', final, setFinal)}
          </>
        ) : null}
      </Optional>
    </>
  );
}
