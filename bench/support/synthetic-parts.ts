/**
 * The two parts of the made synthetic receipts (`make-synthetic-receipts.ts --part check|tuning`,
 * docs/decisions/007-receipt-reader-split.md): each its own seed, fonts, TW sellers and Thai stores, and
 * none shared between them (`test/receipts/synthetic-parts.test.ts`), so what is learnt on the tuning part
 * has to hold on the check part rather than being read off it.
 */
export type Seller = { name: string; address: string };
export type Store = { name: string; branch: string };
export type SyntheticPart = {
  seed: number;
  /** The Debian packages its fonts come from: the maker stops, naming them, when a font is missing. */
  fontPackages: string[];
  twFonts: string[];
  thFonts: string[];
  twSellers: Seller[];
  thStores: Store[];
};

/** The check part: fonts other than the shared set's (a sans CJK and a Thai sans), its own sellers. */
const CHECK: SyntheticPart = {
  seed: 20261202,
  fontPackages: ['fonts-noto-cjk', 'fonts-thai-tlwg'],
  twFonts: ['Noto Serif CJK TC', 'Noto Sans Mono CJK TC', 'Noto Sans CJK TC'],
  thFonts: ['Garuda', 'Loma', 'Norasi', 'Tlwg Typo', 'Waree', 'Sawasdee'],
  twSellers: [
    { name: '萊爾富國際股份有限公司台南店', address: '台南市東區長榮路二段88號' },
    { name: '統一超商股份有限公司新竹門市', address: '新竹市東區光復路一段101號' },
    { name: '全家便利商店股份有限公司花蓮店', address: '花蓮縣花蓮市中山路56號' },
    { name: '全聯實業股份有限公司嘉義店', address: '嘉義市西區友愛路300號' },
    { name: '來來超商股份有限公司板橋店', address: '新北市板橋區文化路一段25號' },
    { name: '家福股份有限公司桃園店', address: '桃園市桃園區中正路1000號' },
    { name: '三商家購股份有限公司三重店', address: '新北市三重區重新路三段12號' },
  ],
  thStores: [
    { name: 'ท็อปส์ มาร์เก็ต', branch: 'สาขา 0112 ถ.พหลโยธิน เขตจตุจักร กรุงเทพฯ' },
    { name: 'มินิมาร์ท เจริญสุข', branch: 'สาขา 007 ถ.นิมมานเหมินท์ อ.เมือง เชียงใหม่' },
    { name: 'บิ๊กซี ซูเปอร์เซ็นเตอร์', branch: 'สาขา 0031 ถ.ราชดำริ เขตปทุมวัน กรุงเทพฯ' },
    { name: 'ร้านขายของชำ ป้าแดง', branch: 'สาขา 001 ถ.มิตรภาพ อ.เมือง นครราชสีมา' },
    { name: 'แฟมิลี่มาร์ท', branch: 'สาขา 04521 ถ.สุขุมวิท เขตคลองเตย กรุงเทพฯ' },
    { name: 'ซูเปอร์มาร์เก็ต รุ่งเรืองพลาซ่า', branch: 'สาขา 002 ถ.เพชรเกษม อ.หาดใหญ่ สงขลา' },
  ],
};

/**
 * The tuning part: no font, seller or store of the check part (chains and one-shop names alike, as
 * there), so what is learnt on it must hold on the check part rather than being read off it.
 */
const TUNING: SyntheticPart = {
  seed: 20261205,
  fontPackages: ['fonts-noto-cjk', 'fonts-thai-tlwg'],
  twFonts: ['Noto Serif CJK HK', 'Noto Sans Mono CJK HK', 'Noto Sans CJK HK'],
  thFonts: ['Kinnari', 'Laksaman', 'Purisa', 'Tlwg Typist', 'Umpush', 'Tlwg Mono'],
  twSellers: [
    { name: '美廉社股份有限公司新店店', address: '新北市新店區北新路二段150號' },
    { name: '寶雅國際股份有限公司台南店', address: '台南市中西區西門路一段200號' },
    { name: '大潤發流通事業股份有限公司內湖店', address: '台北市內湖區舊宗路一段188號' },
    { name: '遠東愛買股份有限公司永和店', address: '新北市永和區中山路一段258號' },
    { name: '好市多股份有限公司台中店', address: '台中市南屯區文心南三路289號' },
    { name: '金滿福小吃店', address: '宜蘭縣羅東鎮興東路12號' },
    { name: '日日新文具行', address: '屏東縣屏東市民生路77號' },
  ],
  thStores: [
    { name: 'โลตัส', branch: 'สาขา 0245 ถ.บางนา-ตราด เขตบางนา กรุงเทพฯ' },
    { name: 'แม็คโคร', branch: 'สาขา 018 ถ.ซุปเปอร์ไฮเวย์ อ.เมือง ลำปาง' },
    { name: 'ร้านค้า โชคดีพาณิชย์', branch: 'สาขา 001 ถ.ศรีจันทร์ อ.เมือง ขอนแก่น' },
    { name: 'วิลล่า มาร์เก็ท', branch: 'สาขา 0009 ถ.สุขุมวิท 33 เขตวัฒนา กรุงเทพฯ' },
    { name: 'มินิมาร์ท สมบูรณ์ผล', branch: 'สาขา 003 ถ.ราษฎร์อุทิศ อ.เมือง สุราษฎร์ธานี' },
    { name: 'ซูเปอร์มาร์เก็ต ไทยเจริญ', branch: 'สาขา 004 ถ.เจริญประดิษฐ์ อ.เมือง ปัตตานี' },
  ],
};

/**
 * The held-out tuning part (`--part wide`, issue 15): a third seed, fonts neither other part uses (Noto and
 * Arundina Thai, Tlwg Typewriter; AR PL Ming and Kai, WenQuanYi Zen Hei), and stores of neither (real Thai
 * and TW chains and one-shop names), for seeing whether a rule learnt on the tuning part holds on print it
 * was not written from, before the check part is run. It is a tuning part: its misses may be read.
 */
const WIDE: SyntheticPart = {
  seed: 20261207,
  fontPackages: [
    'fonts-noto-core',
    'fonts-arundina',
    'fonts-thai-tlwg',
    'fonts-arphic-uming',
    'fonts-arphic-ukai',
    'fonts-wqy-zenhei',
  ],
  twFonts: ['AR PL UMing TW', 'AR PL UKai TW', 'WenQuanYi Zen Hei'],
  thFonts: [
    'Noto Sans Thai',
    'Noto Serif Thai',
    'Noto Looped Thai',
    'Arundina Sans',
    'Arundina Serif',
    'Tlwg Typewriter',
  ],
  twSellers: [
    { name: '康是美股份有限公司中壢店', address: '桃園市中壢區中正路200號' },
    { name: '台灣松本清股份有限公司西門店', address: '台北市萬華區漢中街50號' },
    { name: '統一星巴克股份有限公司高雄店', address: '高雄市前金區中正四路211號' },
    { name: '屈臣氏股份有限公司基隆店', address: '基隆市仁愛區愛一路30號' },
    { name: '阿忠麵線店', address: '彰化縣鹿港鎮中山路100號' },
    { name: '新興五金行', address: '雲林縣斗六市大學路一段30號' },
    { name: '順發電器行', address: '台東縣台東市中華路一段66號' },
  ],
  thStores: [
    { name: 'เซเว่น อีเลฟเว่น', branch: 'สาขา 10234 ถ.ลาดพร้าว เขตวังทองหลาง กรุงเทพฯ' },
    { name: 'ลอว์สัน 108', branch: 'สาขา 0156 ถ.สาทรใต้ เขตสาทร กรุงเทพฯ' },
    { name: 'ซีเจ เอ็กซ์เพรส', branch: 'สาขา 0420 ถ.เศรษฐกิจ 1 อ.เมือง สมุทรสาคร' },
    { name: 'แม็กซ์แวลู', branch: 'สาขา 021 ถ.ศรีนครินทร์ อ.บางพลี สมุทรปราการ' },
    { name: 'ฟู้ดแลนด์', branch: 'สาขา 0008 ถ.ปัฐวิกรณ์ เขตบึงกุ่ม กรุงเทพฯ' },
    { name: 'ร้านสะดวกซื้อ บ้านสวน', branch: 'สาขา 001 ถ.ทางหลวง 4 อ.เมือง ชุมพร' },
    { name: 'ร้านชำ ลุงสมศักดิ์', branch: 'สาขา 001 ถ.พระปกเกล้า อ.เมือง เชียงราย' },
    { name: 'ร้านค้าปลีก ศรีนวลการค้า', branch: 'สาขา 002 ถ.ศรีธรรมโศก อ.เมือง นครศรีธรรมราช' },
  ],
};

export const SYNTHETIC_PARTS = { check: CHECK, tuning: TUNING, wide: WIDE } as const;

/**
 * `--seed N` of the accuracy bench, refused unless the run names a tuning part (`--part tuning|wide`): a run
 * without `--part` reads the check part too, and the check part keeps its own seed.
 */
export function checkSeedOption(seed: string | undefined, onlyPart: string | undefined) {
  if (seed === undefined) return;
  if (onlyPart !== 'tuning' && onlyPart !== 'wide')
    throw new Error('--seed needs --part tuning or --part wide: the check part keeps its own seed');
  if (seed === String(SYNTHETIC_PARTS.check.seed))
    throw new Error("--seed is for the tuning parts: that is the check part's seed");
}

/**
 * The .tmp folder a made part is read from (and made into when absent): `synthetic-<part>` for the default
 * photos, `synthetic-<part>-<count>` for another count (or the wide part), and always `-s<seed>` after it when
 * a seed is given, so another seed's photos never land in (or are read from) the default part's folder.
 */
export function syntheticMadeFolder(
  part: keyof typeof SYNTHETIC_PARTS,
  { tuningCount, seed }: { tuningCount: number; seed?: string },
) {
  if (part === 'check') return 'synthetic-check';
  if (seed !== undefined) return `synthetic-${part}-${tuningCount}-s${seed}`;
  return tuningCount !== 14 || part === 'wide' ? `synthetic-${part}-${tuningCount}` : `synthetic-${part}`;
}
