import { createTranslator, locale } from '../../i18n';
import { Banner } from '../../ui/feedback';
import { Field } from '../../ui/field';
import type { DemographicFilter } from './broadcasts-api';
import { narrowcastMessages } from './narrowcast-messages';

const t = createTranslator(narrowcastMessages);

/** LINE's values (Messaging API reference, demographic filter objects): ages, friendship days, areas. */
const AGES = [15, 20, 25, 30, 35, 40, 45, 50, 55, 60, 65, 70];
const PERIODS = [7, 30, 90, 180, 365];
/** LINE's Taiwan area codes tw_01 … tw_22, in LINE's order. */
const TW_AREAS: { code: string; en: string; zh: string }[] = [
  ['Taipei City', '臺北市'],
  ['New Taipei City', '新北市'],
  ['Taoyuan City', '桃園市'],
  ['Taichung City', '臺中市'],
  ['Tainan City', '臺南市'],
  ['Kaohsiung City', '高雄市'],
  ['Keelung City', '基隆市'],
  ['Hsinchu City', '新竹市'],
  ['Chiayi City', '嘉義市'],
  ['Hsinchu County', '新竹縣'],
  ['Miaoli County', '苗栗縣'],
  ['Changhua County', '彰化縣'],
  ['Nantou County', '南投縣'],
  ['Yunlin County', '雲林縣'],
  ['Chiayi County', '嘉義縣'],
  ['Pingtung County', '屏東縣'],
  ['Yilan County', '宜蘭縣'],
  ['Hualien County', '花蓮縣'],
  ['Taitung County', '臺東縣'],
  ['Penghu County', '澎湖縣'],
  ['Kinmen County', '金門縣'],
  ['Lienchiang County', '連江縣'],
].map(([en, zh], i) => ({ code: `tw_${String(i + 1).padStart(2, '0')}`, en: en!, zh: zh! }));

/** The filter as edited: each part optional ('' = any). */
export type NarrowcastDraft = {
  gender: '' | 'male' | 'female';
  ageFrom: string;
  ageTo: string;
  areas: string[];
  os: '' | 'ios' | 'android';
  periodFrom: string;
  periodTo: string;
};

export const emptyNarrowcast = (): NarrowcastDraft => ({
  gender: '',
  ageFrom: '',
  ageTo: '',
  areas: [],
  os: '',
  periodFrom: '',
  periodTo: '',
});

/** LINE's `filter.demographic` for the draft: the chosen parts ANDed; undefined when none is chosen. */
export function demographicOf(draft: NarrowcastDraft): DemographicFilter | undefined {
  const parts: DemographicFilter[] = [];
  if (draft.gender) parts.push({ type: 'gender', oneOf: [draft.gender] });
  if (draft.ageFrom || draft.ageTo)
    parts.push({
      type: 'age',
      ...(draft.ageFrom ? { gte: `age_${draft.ageFrom}` } : {}),
      ...(draft.ageTo ? { lt: `age_${draft.ageTo}` } : {}),
    });
  if (draft.areas.length > 0) parts.push({ type: 'area', oneOf: draft.areas });
  if (draft.os) parts.push({ type: 'appType', oneOf: [draft.os] });
  if (draft.periodFrom || draft.periodTo)
    parts.push({
      type: 'subscriptionPeriod',
      ...(draft.periodFrom ? { gte: `day_${draft.periodFrom}` } : {}),
      ...(draft.periodTo ? { lt: `day_${draft.periodTo}` } : {}),
    });
  if (parts.length === 0) return undefined;
  return parts.length === 1 ? parts[0] : { type: 'operator', and: parts };
}

/** The filter in words, as the editor shows its parts: "Women · Age from 20 · Taipei City". */
export function describeDemographic(filter: DemographicFilter): string {
  const part = filter as {
    type: string;
    and?: DemographicFilter[];
    oneOf?: string[];
    gte?: string;
    lt?: string;
  };
  const range = (
    from: 'nc.ageFrom' | 'nc.periodFrom',
    to: 'nc.ageTo' | 'nc.periodTo',
    unit: (v: string) => string,
  ) =>
    [part.gte ? `${t(from)} ${unit(part.gte)}` : '', part.lt ? `${t(to)} ${unit(part.lt)}` : '']
      .filter(Boolean)
      .join(' · ');
  const oneOf = part.oneOf ?? [];
  switch (part.type) {
    case 'operator':
      // The editor ANDs its parts; a filter made elsewhere (or/not) is shown as LINE has it.
      return part.and && Object.keys(part).length === 2
        ? part.and.map(describeDemographic).join(' · ')
        : JSON.stringify(filter);
    case 'gender':
      return oneOf.map((gender) => t(gender === 'male' ? 'nc.male' : 'nc.female')).join(', ');
    case 'age':
      return range('nc.ageFrom', 'nc.ageTo', (value) => value.replace('age_', ''));
    case 'subscriptionPeriod':
      return range('nc.periodFrom', 'nc.periodTo', (value) =>
        t('nc.days', { days: value.replace('day_', '') }),
      );
    case 'area':
      return oneOf
        .map((code) => {
          const area = TW_AREAS.find((candidate) => candidate.code === code);
          return area ? (locale.value === 'zh-TW' ? area.zh : area.en) : code;
        })
        .join(', ');
    case 'appType':
      return oneOf.map((os) => (os === 'ios' ? 'iOS' : 'Android')).join(', ');
    default:
      return JSON.stringify(filter);
  }
}

/** The demographic filter editor: gender, age range, areas, phone, friendship period; the warnings. */
export function NarrowcastFilter({
  draft,
  onChange,
  error,
}: {
  draft: NarrowcastDraft;
  onChange: (next: NarrowcastDraft) => void;
  error: string | undefined;
}) {
  const set = <K extends keyof NarrowcastDraft>(key: K, value: NarrowcastDraft[K]) =>
    onChange({ ...draft, [key]: value });
  const select = (
    key: 'ageFrom' | 'ageTo' | 'periodFrom' | 'periodTo',
    values: number[],
    label: (value: number) => string,
  ) => (
    <Field label={t(`nc.${key}` as 'nc.ageFrom')}>
      {(props) => (
        <select {...props} value={draft[key]} onChange={(event) => set(key, event.currentTarget.value)}>
          <option value="">{t('nc.any')}</option>
          {values.map((value) => (
            <option key={value} value={String(value)}>
              {label(value)}
            </option>
          ))}
        </select>
      )}
    </Field>
  );
  return (
    <fieldset class="card narrowcast-filter">
      <legend>{t('nc.title')}</legend>
      <div class="form-grid">
        <Field label={t('nc.gender')}>
          {(props) => (
            <select
              {...props}
              value={draft.gender}
              onChange={(event) => set('gender', event.currentTarget.value as NarrowcastDraft['gender'])}
            >
              <option value="">{t('nc.any')}</option>
              <option value="female">{t('nc.female')}</option>
              <option value="male">{t('nc.male')}</option>
            </select>
          )}
        </Field>
        {select('ageFrom', AGES, String)}
        {select('ageTo', AGES, String)}
        <Field label={t('nc.os')}>
          {(props) => (
            <select
              {...props}
              value={draft.os}
              onChange={(event) => set('os', event.currentTarget.value as NarrowcastDraft['os'])}
            >
              <option value="">{t('nc.any')}</option>
              <option value="ios">iOS</option>
              <option value="android">Android</option>
            </select>
          )}
        </Field>
        {select('periodFrom', PERIODS, (days) => t('nc.days', { days }))}
        {select('periodTo', PERIODS, (days) => t('nc.days', { days }))}
      </div>
      <fieldset class="area-list">
        <legend>{t('nc.areas')}</legend>
        {TW_AREAS.map((area) => (
          <label key={area.code} class="check-line">
            <input
              type="checkbox"
              value={area.code}
              checked={draft.areas.includes(area.code)}
              onChange={(event) =>
                set(
                  'areas',
                  event.currentTarget.checked
                    ? [...draft.areas, area.code]
                    : draft.areas.filter((code) => code !== area.code),
                )
              }
            />{' '}
            {locale.value === 'zh-TW' ? area.zh : area.en}
          </label>
        ))}
      </fieldset>
      {error ? (
        <p class="field-error" role="alert">
          {error}
        </p>
      ) : null}
      <NarrowcastWarnings />
      <p class="muted">{t('nc.oneBody')}</p>
    </fieldset>
  );
}

/** What narrowcast cannot do for the brand (decision 013), shown where it is chosen and before sending. */
export function NarrowcastWarnings() {
  return (
    <Banner kind="warning">
      <strong data-testid="narrowcast-warning">{t('nc.warnTitle')}</strong>
      <ul>
        <li>{t('nc.warnReach')}</li>
        <li>{t('nc.warnConsent')}</li>
        <li>{t('nc.warnMeasure')}</li>
      </ul>
    </Banner>
  );
}
