import { describe, expect, test } from '@jest/globals';
import { LOCALES } from '../../core/i18n/index.js';
import {
  AREAS,
  COUNTRIES,
  REGION_CODES,
  areaName,
  getRegion,
  groupRegionsByArea,
  isRegionCode,
  listRegions,
  recognizeRegion,
  regionCodeSchema,
  regionName,
} from '../../core/regions/index.js';
import { isAppError } from '../../core/shared/errors.js';

describe('the region lists', () => {
  test('when listed, then Taiwan has its 22 counties and cities and Thailand its 77 provinces', () => {
    expect(listRegions('TW')).toHaveLength(22);
    expect(listRegions('TH')).toHaveLength(77);
    expect(REGION_CODES).toHaveLength(99);
  });

  test('when listed, then Taiwan has 6 special municipalities, 3 provincial cities and 13 counties', () => {
    const kinds = listRegions('TW').map((region) => region.kind);
    expect(kinds.filter((kind) => kind === 'special-municipality')).toHaveLength(6);
    expect(kinds.filter((kind) => kind === 'provincial-city')).toHaveLength(3);
    expect(kinds.filter((kind) => kind === 'county')).toHaveLength(13);
  });

  test('when checked, then every code is a unique ISO 3166-2 code of its country', () => {
    expect(new Set(REGION_CODES).size).toBe(REGION_CODES.length);
    for (const country of COUNTRIES) {
      for (const region of listRegions(country)) {
        expect(region.code).toMatch(country === 'TW' ? /^TW-[A-Z]{3}$/ : /^TH-\d{2}$/);
        expect(region.country).toBe(country);
        expect(getRegion(region.code)).toBe(region);
      }
    }
  });

  test('when checked, then every region has a name in zh-TW, th and en, unique within its country', () => {
    for (const country of COUNTRIES) {
      for (const locale of LOCALES) {
        const names = listRegions(country).map((region) => region.names[locale]);
        for (const name of names) expect(name.trim().length).toBeGreaterThan(0);
        expect(new Set(names).size).toBe(names.length);
      }
    }
  });

  test.each([
    ['TW-TPE', '臺北市', 'นครไทเป', 'Taipei City'],
    ['TW-NWT', '新北市', 'นครนิวไทเป', 'New Taipei City'],
    ['TW-LIE', '連江縣', 'เทศมณฑลเหลียนเจียง', 'Lienchiang County'],
    ['TH-10', '曼谷', 'กรุงเทพมหานคร', 'Bangkok'],
    ['TH-50', '清邁', 'เชียงใหม่', 'Chiang Mai'],
    ['TH-83', '普吉', 'ภูเก็ต', 'Phuket'],
    ['TH-14', '大城府', 'พระนครศรีอยุธยา', 'Phra Nakhon Si Ayutthaya'],
    ['TH-38', '汶干', 'บึงกาฬ', 'Bueng Kan'],
  ])('when %s is named, then it reads %s / %s / %s', (code, zhTW, th, en) => {
    expect(regionName(code, 'zh-TW')).toBe(zhTW);
    expect(regionName(code, 'th')).toBe(th);
    expect(regionName(code, 'en')).toBe(en);
  });

  test('when Taiwan is listed, then it runs north to south, then the east coast, then the islands', () => {
    expect(listRegions('TW').map((region) => region.code)).toEqual([
      'TW-TPE',
      'TW-NWT',
      'TW-KEE',
      'TW-TAO',
      'TW-HSZ',
      'TW-HSQ',
      'TW-ILA',
      'TW-MIA',
      'TW-TXG',
      'TW-CHA',
      'TW-NAN',
      'TW-YUN',
      'TW-CYI',
      'TW-CYQ',
      'TW-TNN',
      'TW-KHH',
      'TW-PIF',
      'TW-HUA',
      'TW-TTT',
      'TW-PEN',
      'TW-KIN',
      'TW-LIE',
    ]);
  });

  test('when Thailand is listed, then Bangkok comes first and the rest follow the Thai alphabet', () => {
    const regions = listRegions('TH');
    expect(regions[0]!.code).toBe('TH-10');
    expect(regions.slice(1, 4).map((region) => region.names.th)).toEqual(['กระบี่', 'กาญจนบุรี', 'กาฬสินธุ์']);
    const rest = regions.slice(1).map((region) => region.names.th);
    expect(rest).toEqual([...rest].sort(new Intl.Collator('th').compare));
  });

  test('when grouped by area, then each country is covered once, in the usual region sizes', () => {
    const sizes = (country: 'TW' | 'TH') =>
      Object.fromEntries(groupRegionsByArea(country).map((group) => [group.area, group.regions.length]));
    expect(sizes('TW')).toEqual({ north: 7, central: 5, south: 5, east: 2, islands: 3 });
    expect(sizes('TH')).toEqual({ north: 9, northeast: 20, central: 22, west: 5, east: 7, south: 14 });
    for (const area of AREAS) for (const locale of LOCALES) expect(areaName(area, locale)).not.toBe('');
  });

  test('when a code is unknown, then the lookups say so instead of inventing a name', () => {
    expect(getRegion('TW-XXX')).toBeUndefined();
    expect(getRegion('tw-tpe')).toBeUndefined();
    expect(isRegionCode('TH-28')).toBe(false);
    expect(isRegionCode('TH-96')).toBe(true);
    let thrown: unknown;
    try {
      regionName('TH-99', 'en');
    } catch (error) {
      thrown = error;
    }
    expect(isAppError(thrown) && thrown.code).toBe('region.unknown');
  });

  test('when a code comes in as input, then the schema normalises it and refuses unknown ones', () => {
    expect(regionCodeSchema.parse(' tw-tpe ')).toBe('TW-TPE');
    expect(regionCodeSchema.parse('TH-50')).toBe('TH-50');
    expect(regionCodeSchema.safeParse('TW-XXX').success).toBe(false);
    expect(regionCodeSchema.safeParse('台北市').success).toBe(false);
  });

  test('when any region is written by any of its names, then it is recognised as itself', () => {
    for (const country of COUNTRIES) {
      for (const region of listRegions(country)) {
        for (const locale of LOCALES) {
          const found = recognizeRegion(region.names[locale], { country });
          expect({ name: region.names[locale], code: found?.code }).toEqual({
            name: region.names[locale],
            code: region.code,
          });
        }
      }
    }
  });
});
