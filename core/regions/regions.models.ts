import type { Locale } from '../i18n/index.js';
import {
  AREAS,
  THAILAND_REGIONS,
  TAIWAN_REGIONS,
  type Area,
  type Country,
  type RegionKind,
  type RegionSeed,
} from './regions.data.js';
import { createUnknownCountryError, createUnknownRegionError } from './regions.errors.js';

export type { Area, Country, RegionKind };

/** An ISO 3166-2 code: `TW-TPE`, `TW-NWT`, …, `TH-10` (Bangkok), `TH-50` (Chiang Mai), … */
export type RegionCode = string;

export interface Region {
  /** ISO 3166-2 code, stable: store this, never a name. */
  code: RegionCode;
  country: Country;
  kind: RegionKind;
  /** Geographic area for grouping (Taiwan north/central/south/east/islands; Thailand's six regions). */
  area: Area;
  names: Readonly<Record<Locale, string>>;
}

function toRegion(seed: RegionSeed, country: Country): Region {
  return Object.freeze({
    code: seed.code,
    country,
    kind: seed.kind,
    area: seed.area,
    names: Object.freeze({ 'zh-TW': seed.zhTW, th: seed.th, en: seed.en }),
  });
}

const thaiCollator = new Intl.Collator('th');

// Taiwan keeps the data's order (north to south, then east, then the islands). Thailand: Bangkok first,
// then by Thai name, the order Thai address forms use; the Thai collator puts leading vowels (เ, แ, โ)
// after their consonant as a Thai reader expects.
const REGIONS_BY_COUNTRY: Readonly<Record<Country, readonly Region[]>> = {
  TW: Object.freeze(TAIWAN_REGIONS.map((seed) => toRegion(seed, 'TW'))),
  TH: Object.freeze(
    THAILAND_REGIONS.map((seed) => toRegion(seed, 'TH')).sort((a, b) =>
      a.code === 'TH-10' ? -1 : b.code === 'TH-10' ? 1 : thaiCollator.compare(a.names.th, b.names.th),
    ),
  ),
};

const REGIONS_BY_CODE: ReadonlyMap<RegionCode, Region> = new Map(
  [...REGIONS_BY_COUNTRY.TW, ...REGIONS_BY_COUNTRY.TH].map((region) => [region.code, region]),
);

export const REGION_CODES: readonly RegionCode[] = Object.freeze([...REGIONS_BY_CODE.keys()]);

export function isCountry(value: unknown): value is Country {
  return value === 'TW' || value === 'TH';
}

export function isRegionCode(value: unknown): value is RegionCode {
  return typeof value === 'string' && REGIONS_BY_CODE.has(value);
}

/**
 * The country's regions in the order people expect in a picker: Taiwan north to south (then the east
 * coast and the outlying islands), Thailand Bangkok first and then by Thai name.
 */
export function listRegions(country: Country): readonly Region[] {
  const regions = REGIONS_BY_COUNTRY[country];
  if (!regions) throw createUnknownCountryError({ details: { country } });
  return regions;
}

/** The region with this ISO code (`TW-TPE`, `TH-50`), or undefined. Codes are matched exactly. */
export function getRegion(code: RegionCode): Region | undefined {
  return REGIONS_BY_CODE.get(code);
}

export function getRegionOrThrow(code: RegionCode): Region {
  const region = REGIONS_BY_CODE.get(code);
  if (!region) throw createUnknownRegionError({ details: { code } });
  return region;
}

/** The region's name in the locale (`regionName('TH-50', 'zh-TW')` → `清邁`). Throws on an unknown code. */
export function regionName(code: RegionCode, locale: Locale): string {
  return getRegionOrThrow(code).names[locale];
}

const AREA_NAMES: Readonly<Record<Area, Readonly<Record<Locale, string>>>> = {
  north: { 'zh-TW': '北部', th: 'ภาคเหนือ', en: 'North' },
  northeast: { 'zh-TW': '東北部', th: 'ภาคตะวันออกเฉียงเหนือ', en: 'Northeast' },
  central: { 'zh-TW': '中部', th: 'ภาคกลาง', en: 'Central' },
  west: { 'zh-TW': '西部', th: 'ภาคตะวันตก', en: 'West' },
  east: { 'zh-TW': '東部', th: 'ภาคตะวันออก', en: 'East' },
  south: { 'zh-TW': '南部', th: 'ภาคใต้', en: 'South' },
  islands: { 'zh-TW': '離島', th: 'หมู่เกาะรอบนอก', en: 'Outlying islands' },
};

export function areaName(area: Area, locale: Locale): string {
  return AREA_NAMES[area][locale];
}

/**
 * The country's regions grouped by area, for a two-level picker or an analytics breakdown. Areas come
 * north to south (Thailand: north, northeast, central, west, east, south); regions keep `listRegions`'
 * order inside each area.
 */
export function groupRegionsByArea(country: Country): { area: Area; regions: readonly Region[] }[] {
  const regions = listRegions(country);
  return AREAS.map((area) => ({ area, regions: regions.filter((region) => region.area === area) })).filter(
    (group) => group.regions.length > 0,
  );
}
