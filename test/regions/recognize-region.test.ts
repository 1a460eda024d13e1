import { describe, expect, test } from '@jest/globals';
import { recognizeRegion, type RecognizeRegionOptions } from '../../core/regions/index.js';

type Expected = string | undefined;

/**
 * Recognises `address` and checks the code; when found, the evidence must point into the input as
 * written, whatever normalisation happened.
 */
function expectRecognized(address: string, code: Expected, options: RecognizeRegionOptions = {}) {
  const found = recognizeRegion(address, options);
  expect(found?.code).toBe(code);
  if (!found) return;
  const { text, index } = found.matched;
  expect(address.slice(index, index + text.length)).toBe(text);
  expect(found.confidence).toBeGreaterThan(0);
  expect(found.confidence).toBeLessThan(1);
}

describe('recognizeRegion on Taiwanese addresses in Chinese', () => {
  test.each<[string, Expected]>([
    ['106台北市大安區忠孝東路四段1號', 'TW-TPE'],
    ['臺北市信義區市府路45號', 'TW-TPE'],
    ['地址：10617 臺北市大安區羅斯福路四段1號', 'TW-TPE'],
    ['台北大安區忠孝東路三段', 'TW-TPE'],
    ['１０６臺北市大安區復興南路一段３９０號', 'TW-TPE'],
    ['新北市板橋區縣民大道二段7號', 'TW-NWT'],
    ['220新北市板橋區文化路一段188巷', 'TW-NWT'],
    ['台北縣板橋市文化路一段188號', 'TW-NWT'],
    ['臺北縣三重市重新路', 'TW-NWT'],
    ['桃園縣中壢市中大路300號', 'TW-TAO'],
    ['桃園市桃園區中正路1號', 'TW-TAO'],
    ['台中縣豐原市中正路', 'TW-TXG'],
    ['臺中市西屯區台灣大道三段99號', 'TW-TXG'],
    ['台南縣新營市民治路', 'TW-TNN'],
    ['700台南市中西區民族路二段', 'TW-TNN'],
    ['高雄縣鳳山市光復路二段132號', 'TW-KHH'],
    ['高雄市前鎮區中山二路5號', 'TW-KHH'],
    ['基隆市仁愛區愛一路', 'TW-KEE'],
    ['新竹市東區光復路二段101號', 'TW-HSZ'],
    ['新竹縣竹北市光明六路10號', 'TW-HSQ'],
    ['30010新竹東區光復路', 'TW-HSZ'],
    ['302新竹竹北市光明六路', 'TW-HSQ'],
    ['嘉義市西區中山路', 'TW-CYI'],
    ['嘉義縣太保市祥和一路', 'TW-CYQ'],
    ['宜蘭縣羅東鎮中正路', 'TW-ILA'],
    ['苗栗縣竹南鎮博愛街', 'TW-MIA'],
    ['彰化市中山路二段', 'TW-CHA'],
    ['南投縣埔里鎮中山路', 'TW-NAN'],
    ['雲林縣斗六市大學路', 'TW-YUN'],
    ['屏東縣屏東市自由路', 'TW-PIF'],
    ['花蓮縣花蓮市中山路', 'TW-HUA'],
    ['臺東縣臺東市中華路', 'TW-TTT'],
    ['澎湖縣馬公市治平路', 'TW-PEN'],
    ['金門縣金城鎮民生路', 'TW-KIN'],
    ['連江縣南竿鄉介壽村', 'TW-LIE'],
    ['台北市大安區基隆路四段', 'TW-TPE'],
    ['台中市西區台北街1號', 'TW-TXG'],
    // Negatives: no region, a road, a district two cities share, a shared name without a postcode.
    ['中山路', undefined],
    ['中山路100號', undefined],
    ['中正區重慶南路一段122號', undefined],
    ['信義區松仁路100號', undefined],
    ['東區光復路', undefined],
    ['新竹東區光復路二段', undefined],
    ['嘉義', undefined],
    ['謝謝光臨 歡迎再來', undefined],
  ])('%s → %s', (address, code) => expectRecognized(address, code));

  test('when the old county name is used, then the merged city is returned and the basis says so', () => {
    expect(recognizeRegion('台北縣板橋市文化路一段')?.matched).toMatchObject({
      text: '台北縣',
      by: 'former-name',
    });
  });

  test('when a road is named after another city, then it is not a second region', () => {
    expect(recognizeRegion('台北市大安區基隆路四段1號')?.matched.alsoNamed).toEqual([]);
    expect(recognizeRegion('台北市北投區新北投路 二段')?.matched.alsoNamed).toEqual([]);
  });

  test('when two regions are named, then the one nearest the end wins and matched says so', () => {
    const found = recognizeRegion('統一超商 高雄門市 台北市中山區南京東路三段');
    expect(found).toMatchObject({
      code: 'TW-TPE',
      matched: { text: '台北市', rule: 'last-named', alsoNamed: ['TW-KHH'] },
    });
    expect(found!.confidence).toBeLessThan(recognizeRegion('台北市中山區南京東路三段')!.confidence);
  });

  test('when the postcode decides a shared name, then matched shows the postcode', () => {
    expect(recognizeRegion('300新竹東區光復路')).toMatchObject({
      code: 'TW-HSZ',
      matched: { by: 'shared-name', postcode: { text: '300', codes: ['TW-HSZ'], agrees: true } },
    });
  });

  test('when the postcode disagrees with the city, then the city wins with less confidence', () => {
    const agreeing = recognizeRegion('106台北市大安區')!;
    const disagreeing = recognizeRegion('800台北市大安區')!;
    expect(disagreeing.code).toBe('TW-TPE');
    expect(disagreeing.matched.postcode).toEqual({ text: '800', codes: ['TW-KHH'], agrees: false });
    expect(disagreeing.confidence).toBeLessThan(agreeing.confidence);
  });

  test('when only a leading postcode is there, then it decides with a modest confidence', () => {
    expect(recognizeRegion('406 北屯區崇德路')).toMatchObject({
      code: 'TW-TXG',
      confidence: 0.7,
      matched: { by: 'postcode', rule: 'postcode', text: '406' },
    });
  });
});

describe('recognizeRegion on Thai addresses in Thai', () => {
  test.each<[string, Expected]>([
    ['123/45 ถ.สุขุมวิท แขวงคลองเตยเหนือ เขตวัฒนา กรุงเทพฯ 10110', 'TH-10'],
    ['999/9 ถนนพระราม 1 แขวงปทุมวัน เขตปทุมวัน กรุงเทพมหานคร 10330', 'TH-10'],
    ['ถ.เพชรบุรี แขวงมักกะสัน เขตราชเทวี กทม. 10400', 'TH-10'],
    ['ถ.ตากสิน แขวงบุคคโล เขตธนบุรี กรุงเทพ 10600', 'TH-10'],
    ['ซ.สุขุมวิท 71 แขวงพระโขนงเหนือ เขตวัฒนา', 'TH-10'],
    ['ต.ช้างคลาน อ.เมืองเชียงใหม่ จ.เชียงใหม่ 50100', 'TH-50'],
    ['55 หมู่ 2 ตำบลบางพลีใหญ่ อำเภอบางพลี จังหวัดสมุทรปราการ 10540', 'TH-11'],
    ['9/1 ม.1 ต.บางกระสอ อ.เมืองนนทบุรี จ.นนทบุรี 11000', 'TH-12'],
    ['อ.ตากฟ้า จ.นครสวรรค์ 60190', 'TH-60'],
    ['88 ถ.ลพบุรีราเมศวร์ อ.หาดใหญ่ จ.สงขลา 90110', 'TH-90'],
    ['12 ถ.เชียงใหม่-ลำปาง ต.ช้างเผือก อ.เมือง จ.เชียงใหม่', 'TH-50'],
    ['ธนาคารกรุงเทพ สาขาภูเก็ต ถ.ภูเก็ต อ.เมือง จ.ภูเก็ต ๘๓๐๐๐', 'TH-83'],
    ['จังหวัดพระนครศรีอยุธยา', 'TH-14'],
    ['ต.ประตูชัย อยุธยา 13000', 'TH-14'],
    ['โคราช', 'TH-30'],
    ['ต.ในเมือง อ.เมืองขอนแก่น ขอนแก่น 40000', 'TH-40'],
    ['จ.ลําปาง', 'TH-52'],
    ['จ.เชียง\u200bใหม่', 'TH-50'],
    ['เลขที่ 9 หมู่ 5 ต.สุเทพ 50200', 'TH-50'],
    ['หมู่ 1 ต.ท้ายบ้าน 10270', 'TH-11'],
    ['จ.บึงกาฬ 38000', 'TH-38'],
    // Negatives: no province, a district alone, a postcode two provinces share.
    ['อ.เมือง', undefined],
    ['ถนนสุขุมวิท', undefined],
    ['ต.เขาพนม หมู่ 3 80240', undefined],
    ['โทร 02-123-4567', undefined],
  ])('%s → %s', (address, code) => expectRecognized(address, code));

  test('when the province field is given, then it wins over a province named later', () => {
    const found = recognizeRegion('ถ.มิตรภาพ ต.ในเมือง อ.เมือง จ.ขอนแก่น 40000 (สาขาอุดรธานี)');
    expect(found).toMatchObject({
      code: 'TH-40',
      matched: { text: 'จ.ขอนแก่น', rule: 'province-field', alsoNamed: ['TH-41'] },
    });
  });

  test('when a road or a bank is named after a province, then it is not a second province', () => {
    expect(recognizeRegion('ถ.เพชรบุรี แขวงมักกะสัน เขตราชเทวี กรุงเทพฯ')?.matched.alsoNamed).toEqual([]);
    expect(recognizeRegion('ธนาคารกรุงเทพ อ.เมือง จ.ภูเก็ต')?.matched.alsoNamed).toEqual([]);
  });

  test('when only Bangkok district words are there, then Bangkok is found by them', () => {
    expect(recognizeRegion('แขวงคลองเตยเหนือ เขตวัฒนา 10110')).toMatchObject({
      code: 'TH-10',
      matched: { by: 'bangkok-district-terms', text: 'เขต', postcode: { agrees: true } },
    });
  });

  test('when the postcode belongs elsewhere, then the province wins, flagged and less sure', () => {
    const found = recognizeRegion('จ.เชียงใหม่ 10110')!;
    expect(found.code).toBe('TH-50');
    expect(found.matched.postcode).toEqual({ text: '10110', codes: ['TH-10'], agrees: false });
    expect(found.confidence).toBeLessThan(0.8);
  });

  test('when a postcode serves two provinces, then it agrees with either', () => {
    expect(recognizeRegion('อ.เมือง จ.ภูเก็ต 83000')?.matched.postcode).toEqual({
      text: '83000',
      codes: ['TH-83', 'TH-82'],
      agrees: true,
    });
  });
});

describe('recognizeRegion on addresses in English', () => {
  test.each<[string, Expected]>([
    ['No. 7, Sec. 5, Xinyi Rd., Xinyi Dist., Taipei City 110, Taiwan (R.O.C.)', 'TW-TPE'],
    ['No. 100, Sec. 1, Xianmin Blvd., Banqiao Dist., New Taipei City 220', 'TW-NWT'],
    ['No. 1, Lane 2, New Taipei Blvd Sec. 3, Xinzhuang, New Taipei', 'TW-NWT'],
    ['2F, No. 18, Zhongshan Rd., West Dist., Taichung 403', 'TW-TXG'],
    ['No. 5, Zhongshan 2nd Rd., Qianzhen Dist., Kaohsiung 806', 'TW-KHH'],
    ['Taipei County', 'TW-NWT'],
    ['No. 1, Taipei Rd., Xitun Dist., Taichung City', 'TW-TXG'],
    ['East Dist., Hsinchu City 300', 'TW-HSZ'],
    ['Zhubei City, Hsinchu County 302', 'TW-HSQ'],
    ['Nantou County', 'TW-NAN'],
    ['Yilan County', 'TW-ILA'],
    ['88 Moo 3, Bang Kruai, Nonthaburi 11130', 'TH-12'],
    ['Chonburi 20000', 'TH-20'],
    ['Chon Buri', 'TH-20'],
    ['Chon-Buri', 'TH-20'],
    ['Phra Nakhon Si Ayutthaya 13000', 'TH-14'],
    ['U-Thong Rd, Ayutthaya', 'TH-14'],
    ['1 Sukhumvit Soi 11, Khlong Toei Nuea, Watthana, Bangkok 10110', 'TH-10'],
    ['Phetchaburi Rd, Ratchathewi, Bangkok 10400', 'TH-10'],
    ['BKK', 'TH-10'],
    ['Krung Thep Maha Nakhon', 'TH-10'],
    ['Khwaeng Khlong Toei, Khet Khlong Toei', 'TH-10'],
    ['Mueang Chiang Mai District, Chiang Mai Province 50200', 'TH-50'],
    ['Korat', 'TH-30'],
    ['Patong, Kathu, Phuket 83150', 'TH-83'],
    // Negatives.
    ['Hsinchu', undefined],
    ['Chiayi', undefined],
    ['123 Main Street', undefined],
    ['12345', undefined],
  ])('%s → %s', (address, code) => expectRecognized(address, code));

  test('when a building number follows the city, then the real postcode after it still counts', () => {
    expect(recognizeRegion('Taipei 101, No. 7, Sec. 5, Xinyi Rd, Taipei City 110')?.matched.postcode).toEqual(
      {
        text: '110',
        codes: ['TW-TPE'],
        agrees: true,
      },
    );
  });

  test('when the province field is written out, then it wins over a place named before', () => {
    expect(recognizeRegion('Central Plaza Udon Thani, Khon Kaen Province')).toMatchObject({
      code: 'TH-40',
      matched: { rule: 'province-field', alsoNamed: ['TH-41'] },
    });
  });
});

describe('recognizeRegion across countries and scripts', () => {
  test.each<[string, { country?: 'TW' | 'TH' }, Expected]>([
    ['Taipei City', { country: 'TH' }, undefined],
    ['Bangkok', { country: 'TW' }, undefined],
    ['台北市大安區', { country: 'TW' }, 'TW-TPE'],
    ['清邁', {}, undefined],
    ['清邁', { country: 'TH' }, 'TH-50'],
    ['泰國清邁府', {}, 'TH-50'],
    ['泰國曼谷市是隆路', {}, 'TH-10'],
    ['ไทเป', {}, undefined],
    ['ไทเป ไต้หวัน', {}, 'TW-TPE'],
    ['เกาสง', { country: 'TW' }, 'TW-KHH'],
    ['', {}, undefined],
    ['   ', {}, undefined],
  ])('%s with %j → %s', (address, options, code) => expectRecognized(address, code, options));

  test('when a Chinese address carries a 大城 township, then no Thai province is guessed', () => {
    expect(recognizeRegion('彰化縣大城鄉')?.code).toBe('TW-CHA');
    expect(recognizeRegion('大城鄉中平路')).toBeUndefined();
  });
});
