import { LOCALE_NAMES, LOCALES, locale, setLocale, t, type Locale } from '../i18n';
import { currentBrand, me, selectBrand } from '../session';

export function LanguageSwitcher() {
  return (
    <label class="switcher">
      <span>{t('language.label')}</span>
      <select
        data-testid="language"
        value={locale.value}
        onChange={(e) => setLocale(e.currentTarget.value as Locale)}
      >
        {LOCALES.map((code) => (
          <option key={code} value={code}>
            {LOCALE_NAMES[code]}
          </option>
        ))}
      </select>
    </label>
  );
}

/** A select for users of several brands (an agency); the brand's name for everyone else. */
export function BrandSwitcher() {
  const brands = me.value?.brands ?? [];
  const brand = currentBrand.value;
  if (!brand) return null;
  if (brands.length < 2)
    return (
      <span class="brand-name" data-testid="brand">
        {brand.name}
      </span>
    );
  return (
    <label class="switcher">
      <span>{t('brand.label')}</span>
      <select data-testid="brand" value={brand.slug} onChange={(e) => selectBrand(e.currentTarget.value)}>
        {brands.map((b) => (
          <option key={b.slug} value={b.slug}>
            {b.name}
          </option>
        ))}
      </select>
    </label>
  );
}
