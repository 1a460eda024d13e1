import { LOCALES } from '../../core/i18n/index.js';
import { COUNTRIES, listRegions, recognizeRegion } from '../../core/regions/index.js';
import { mulberry32 } from '../../core/shared/seeded-random.js';
import { compare, medianMs, type BenchCase } from '../bench.types.js';

/** How many addresses each measurement reads (`BENCH_ADDRESSES=10000 npm run bench -- regions`). */
const COUNT = Number(process.env.BENCH_ADDRESSES ?? 100_000);

/** Receipt-like seller addresses in the three scripts; `#` is a house number, `@` a region's name. */
const TEMPLATES = [
  (region: string, n: number) => `${100 + (n % 900)}${region}中正區中山路${n}號`,
  (region: string, n: number) => `統一超商 ${region}門市 地址：${region}信義區松仁路${n}號1樓`,
  (region: string, n: number) => `${n}/12 ถ.สุขุมวิท แขวงคลองเตยเหนือ อ.เมือง จ.${region} ${10000 + n}`,
  (region: string, n: number) => `No. ${n}, Sec. 2, Zhongshan Rd., ${region} ${100 + (n % 900)}, Taiwan`,
  () => 'บริษัท ซีพี ออลล์ จำกัด (มหาชน) เลขประจำตัวผู้เสียภาษี 0107542000011',
];

function generateAddresses(count: number, seed: number): string[] {
  const random = mulberry32(seed);
  const names = COUNTRIES.flatMap((country) =>
    listRegions(country).flatMap((region) => LOCALES.map((locale) => region.names[locale])),
  );
  return Array.from({ length: count }, () => {
    const template = TEMPLATES[Math.floor(random() * TEMPLATES.length)]!;
    return template(names[Math.floor(random() * names.length)]!, Math.floor(random() * 9000) + 1);
  });
}

/**
 * recognizeRegion's cost per address, against the naive lookup it replaces: `includes` of every
 * region's three official names (297 strings) in each address, with no normalisation and no rules.
 */
const regionsBench: BenchCase = {
  name: 'regions: recognizeRegion on receipt addresses',
  issue: 14,
  run: async () => {
    const addresses = generateAddresses(COUNT, 2026);
    const officialNames = COUNTRIES.flatMap((country) =>
      listRegions(country).flatMap((region) => LOCALES.map((locale) => region.names[locale])),
    );
    let sink = 0;

    const naiveMs = await medianMs(() => {
      for (const address of addresses) if (officialNames.some((name) => address.includes(name))) sink++;
    }, 3);
    const recognizeMs = await medianMs(() => {
      for (const address of addresses) if (recognizeRegion(address)) sink++;
    }, 3);

    if (sink === 0) throw new Error('no region was recognised');
    return [
      compare(
        `recognizeRegion, ${COUNT} addresses`,
        'ms',
        recognizeMs,
        { name: `includes() of 297 official names in ${COUNT} addresses`, value: naiveMs },
        `${Math.round((COUNT / recognizeMs) * 1000)} addresses/s`,
      ),
    ];
  },
};

export default regionsBench;
