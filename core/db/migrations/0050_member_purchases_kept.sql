ALTER TABLE "members" ADD COLUMN "purchases_from" date;--> statement-breakpoint
-- Narrower purchase facts, the latest ones only (docs/decisions/011, seventh pass). Each element of
-- members.purchases is now { d: invoice date as days since 1970-01-01, t: seller tax id, n: seller name,
-- r: the region codes the seller's address names, i: item names } (nulls left out): the address text is
-- replaced by its region codes, so a bought-in-a-region test compares a code instead of searching the text
-- for every spelling of the region. Only the member's latest member_purchases_kept() purchases are kept
-- (newest invoice first); purchases_from is the invoice date of the oldest kept one when older ones
-- were left out (null: every purchase is kept), and a bought test whose window reaches back to it reads
-- the member's member_purchases rows instead (member_bought_in_history), so counts stay exact while a
-- member with hundreds of proofs keeps a short row and a bounded rebuild per decision.
--
-- The region codes an address names: every region one of whose spellings (regionSpellings in
-- core/segments/segments.conditions.ts: its names in each language, 臺 and 台 both) is in the text, as the
-- bought test read the address before (test/segments/purchase-regions.test.ts checks this list against
-- the regions' data).
CREATE OR REPLACE FUNCTION purchase_region_codes(address text) RETURNS text[]
LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE AS $$
BEGIN
  -- One expression, planned once per session (PL/pgSQL keeps its plans): a SQL query over a list of
  -- spellings ran its planner for every purchase, and a SQL expression would be planned again in every
  -- transaction that rebuilds a member's purchases. The codes in order; none: null.
  RETURN nullif(array_remove(ARRAY[
    CASE WHEN strpos(address, '曼谷') > 0 OR strpos(address, 'กรุงเทพมหานคร') > 0 OR strpos(address, 'Bangkok') > 0 THEN 'TH-10' END,
    CASE WHEN strpos(address, '北欖') > 0 OR strpos(address, 'สมุทรปราการ') > 0 OR strpos(address, 'Samut Prakan') > 0 THEN 'TH-11' END,
    CASE WHEN strpos(address, '暖武里') > 0 OR strpos(address, 'นนทบุรี') > 0 OR strpos(address, 'Nonthaburi') > 0 THEN 'TH-12' END,
    CASE WHEN strpos(address, '巴吞他尼') > 0 OR strpos(address, 'ปทุมธานี') > 0 OR strpos(address, 'Pathum Thani') > 0 THEN 'TH-13' END,
    CASE WHEN strpos(address, '大城府') > 0 OR strpos(address, 'พระนครศรีอยุธยา') > 0 OR strpos(address, 'Phra Nakhon Si Ayutthaya') > 0 THEN 'TH-14' END,
    CASE WHEN strpos(address, '紅統') > 0 OR strpos(address, 'อ่างทอง') > 0 OR strpos(address, 'Ang Thong') > 0 THEN 'TH-15' END,
    CASE WHEN strpos(address, '華富里') > 0 OR strpos(address, 'ลพบุรี') > 0 OR strpos(address, 'Lop Buri') > 0 THEN 'TH-16' END,
    CASE WHEN strpos(address, '信武里') > 0 OR strpos(address, 'สิงห์บุรี') > 0 OR strpos(address, 'Sing Buri') > 0 THEN 'TH-17' END,
    CASE WHEN strpos(address, '猜納') > 0 OR strpos(address, 'ชัยนาท') > 0 OR strpos(address, 'Chai Nat') > 0 THEN 'TH-18' END,
    CASE WHEN strpos(address, '北標') > 0 OR strpos(address, 'สระบุรี') > 0 OR strpos(address, 'Saraburi') > 0 THEN 'TH-19' END,
    CASE WHEN strpos(address, '春武里') > 0 OR strpos(address, 'ชลบุรี') > 0 OR strpos(address, 'Chon Buri') > 0 THEN 'TH-20' END,
    CASE WHEN strpos(address, '羅勇') > 0 OR strpos(address, 'ระยอง') > 0 OR strpos(address, 'Rayong') > 0 THEN 'TH-21' END,
    CASE WHEN strpos(address, '尖竹汶') > 0 OR strpos(address, 'จันทบุรี') > 0 OR strpos(address, 'Chanthaburi') > 0 THEN 'TH-22' END,
    CASE WHEN strpos(address, '達叻') > 0 OR strpos(address, 'ตราด') > 0 OR strpos(address, 'Trat') > 0 THEN 'TH-23' END,
    CASE WHEN strpos(address, '北柳') > 0 OR strpos(address, 'ฉะเชิงเทรา') > 0 OR strpos(address, 'Chachoengsao') > 0 THEN 'TH-24' END,
    CASE WHEN strpos(address, '巴真武里') > 0 OR strpos(address, 'ปราจีนบุรี') > 0 OR strpos(address, 'Prachin Buri') > 0 THEN 'TH-25' END,
    CASE WHEN strpos(address, '坤西育') > 0 OR strpos(address, 'นครนายก') > 0 OR strpos(address, 'Nakhon Nayok') > 0 THEN 'TH-26' END,
    CASE WHEN strpos(address, '沙繳') > 0 OR strpos(address, 'สระแก้ว') > 0 OR strpos(address, 'Sa Kaeo') > 0 THEN 'TH-27' END,
    CASE WHEN strpos(address, '呵叻') > 0 OR strpos(address, 'นครราชสีมา') > 0 OR strpos(address, 'Nakhon Ratchasima') > 0 THEN 'TH-30' END,
    CASE WHEN strpos(address, '武里南') > 0 OR strpos(address, 'บุรีรัมย์') > 0 OR strpos(address, 'Buri Ram') > 0 THEN 'TH-31' END,
    CASE WHEN strpos(address, '素輦') > 0 OR strpos(address, 'สุรินทร์') > 0 OR strpos(address, 'Surin') > 0 THEN 'TH-32' END,
    CASE WHEN strpos(address, '四色菊') > 0 OR strpos(address, 'ศรีสะเกษ') > 0 OR strpos(address, 'Si Sa Ket') > 0 THEN 'TH-33' END,
    CASE WHEN strpos(address, '烏汶') > 0 OR strpos(address, 'อุบลราชธานี') > 0 OR strpos(address, 'Ubon Ratchathani') > 0 THEN 'TH-34' END,
    CASE WHEN strpos(address, '益梭通') > 0 OR strpos(address, 'ยโสธร') > 0 OR strpos(address, 'Yasothon') > 0 THEN 'TH-35' END,
    CASE WHEN strpos(address, '猜也蓬') > 0 OR strpos(address, 'ชัยภูมิ') > 0 OR strpos(address, 'Chaiyaphum') > 0 THEN 'TH-36' END,
    CASE WHEN strpos(address, '安納乍倫') > 0 OR strpos(address, 'อำนาจเจริญ') > 0 OR strpos(address, 'Amnat Charoen') > 0 THEN 'TH-37' END,
    CASE WHEN strpos(address, '汶干') > 0 OR strpos(address, 'บึงกาฬ') > 0 OR strpos(address, 'Bueng Kan') > 0 THEN 'TH-38' END,
    CASE WHEN strpos(address, '農磨喃蒲') > 0 OR strpos(address, 'หนองบัวลำภู') > 0 OR strpos(address, 'Nong Bua Lam Phu') > 0 THEN 'TH-39' END,
    CASE WHEN strpos(address, '孔敬') > 0 OR strpos(address, 'ขอนแก่น') > 0 OR strpos(address, 'Khon Kaen') > 0 THEN 'TH-40' END,
    CASE WHEN strpos(address, '烏隆他尼') > 0 OR strpos(address, 'อุดรธานี') > 0 OR strpos(address, 'Udon Thani') > 0 THEN 'TH-41' END,
    CASE WHEN strpos(address, '黎府') > 0 OR strpos(address, 'เลย') > 0 OR strpos(address, 'Loei') > 0 THEN 'TH-42' END,
    CASE WHEN strpos(address, '廊開') > 0 OR strpos(address, 'หนองคาย') > 0 OR strpos(address, 'Nong Khai') > 0 THEN 'TH-43' END,
    CASE WHEN strpos(address, '瑪哈沙拉堪') > 0 OR strpos(address, 'มหาสารคาม') > 0 OR strpos(address, 'Maha Sarakham') > 0 THEN 'TH-44' END,
    CASE WHEN strpos(address, '黎逸') > 0 OR strpos(address, 'ร้อยเอ็ด') > 0 OR strpos(address, 'Roi Et') > 0 THEN 'TH-45' END,
    CASE WHEN strpos(address, '加拉信') > 0 OR strpos(address, 'กาฬสินธุ์') > 0 OR strpos(address, 'Kalasin') > 0 THEN 'TH-46' END,
    CASE WHEN strpos(address, '色軍') > 0 OR strpos(address, 'สกลนคร') > 0 OR strpos(address, 'Sakon Nakhon') > 0 THEN 'TH-47' END,
    CASE WHEN strpos(address, '那空拍儂') > 0 OR strpos(address, 'นครพนม') > 0 OR strpos(address, 'Nakhon Phanom') > 0 THEN 'TH-48' END,
    CASE WHEN strpos(address, '莫達漢') > 0 OR strpos(address, 'มุกดาหาร') > 0 OR strpos(address, 'Mukdahan') > 0 THEN 'TH-49' END,
    CASE WHEN strpos(address, '清邁') > 0 OR strpos(address, 'เชียงใหม่') > 0 OR strpos(address, 'Chiang Mai') > 0 THEN 'TH-50' END,
    CASE WHEN strpos(address, '南奔') > 0 OR strpos(address, 'ลำพูน') > 0 OR strpos(address, 'Lamphun') > 0 THEN 'TH-51' END,
    CASE WHEN strpos(address, '南邦') > 0 OR strpos(address, 'ลำปาง') > 0 OR strpos(address, 'Lampang') > 0 THEN 'TH-52' END,
    CASE WHEN strpos(address, '程逸') > 0 OR strpos(address, 'อุตรดิตถ์') > 0 OR strpos(address, 'Uttaradit') > 0 THEN 'TH-53' END,
    CASE WHEN strpos(address, '帕府') > 0 OR strpos(address, 'แพร่') > 0 OR strpos(address, 'Phrae') > 0 THEN 'TH-54' END,
    CASE WHEN strpos(address, '難府') > 0 OR strpos(address, 'น่าน') > 0 OR strpos(address, 'Nan') > 0 THEN 'TH-55' END,
    CASE WHEN strpos(address, '帕堯') > 0 OR strpos(address, 'พะเยา') > 0 OR strpos(address, 'Phayao') > 0 THEN 'TH-56' END,
    CASE WHEN strpos(address, '清萊') > 0 OR strpos(address, 'เชียงราย') > 0 OR strpos(address, 'Chiang Rai') > 0 THEN 'TH-57' END,
    CASE WHEN strpos(address, '夜豐頌') > 0 OR strpos(address, 'แม่ฮ่องสอน') > 0 OR strpos(address, 'Mae Hong Son') > 0 THEN 'TH-58' END,
    CASE WHEN strpos(address, '北欖坡') > 0 OR strpos(address, 'นครสวรรค์') > 0 OR strpos(address, 'Nakhon Sawan') > 0 THEN 'TH-60' END,
    CASE WHEN strpos(address, '烏泰他尼') > 0 OR strpos(address, 'อุทัยธานี') > 0 OR strpos(address, 'Uthai Thani') > 0 THEN 'TH-61' END,
    CASE WHEN strpos(address, '甘烹碧') > 0 OR strpos(address, 'กำแพงเพชร') > 0 OR strpos(address, 'Kamphaeng Phet') > 0 THEN 'TH-62' END,
    CASE WHEN strpos(address, '達府') > 0 OR strpos(address, 'ตาก') > 0 OR strpos(address, 'Tak') > 0 THEN 'TH-63' END,
    CASE WHEN strpos(address, '素可泰') > 0 OR strpos(address, 'สุโขทัย') > 0 OR strpos(address, 'Sukhothai') > 0 THEN 'TH-64' END,
    CASE WHEN strpos(address, '彭世洛') > 0 OR strpos(address, 'พิษณุโลก') > 0 OR strpos(address, 'Phitsanulok') > 0 THEN 'TH-65' END,
    CASE WHEN strpos(address, '披集') > 0 OR strpos(address, 'พิจิตร') > 0 OR strpos(address, 'Phichit') > 0 THEN 'TH-66' END,
    CASE WHEN strpos(address, '碧差汶') > 0 OR strpos(address, 'เพชรบูรณ์') > 0 OR strpos(address, 'Phetchabun') > 0 THEN 'TH-67' END,
    CASE WHEN strpos(address, '叻丕') > 0 OR strpos(address, 'ราชบุรี') > 0 OR strpos(address, 'Ratchaburi') > 0 THEN 'TH-70' END,
    CASE WHEN strpos(address, '北碧') > 0 OR strpos(address, 'กาญจนบุรี') > 0 OR strpos(address, 'Kanchanaburi') > 0 THEN 'TH-71' END,
    CASE WHEN strpos(address, '素攀武里') > 0 OR strpos(address, 'สุพรรณบุรี') > 0 OR strpos(address, 'Suphan Buri') > 0 THEN 'TH-72' END,
    CASE WHEN strpos(address, '佛統') > 0 OR strpos(address, 'นครปฐม') > 0 OR strpos(address, 'Nakhon Pathom') > 0 THEN 'TH-73' END,
    CASE WHEN strpos(address, '龍仔厝') > 0 OR strpos(address, 'สมุทรสาคร') > 0 OR strpos(address, 'Samut Sakhon') > 0 THEN 'TH-74' END,
    CASE WHEN strpos(address, '夜功') > 0 OR strpos(address, 'สมุทรสงคราม') > 0 OR strpos(address, 'Samut Songkhram') > 0 THEN 'TH-75' END,
    CASE WHEN strpos(address, '佛丕') > 0 OR strpos(address, 'เพชรบุรี') > 0 OR strpos(address, 'Phetchaburi') > 0 THEN 'TH-76' END,
    CASE WHEN strpos(address, '巴蜀') > 0 OR strpos(address, 'ประจวบคีรีขันธ์') > 0 OR strpos(address, 'Prachuap Khiri Khan') > 0 THEN 'TH-77' END,
    CASE WHEN strpos(address, '洛坤') > 0 OR strpos(address, 'นครศรีธรรมราช') > 0 OR strpos(address, 'Nakhon Si Thammarat') > 0 THEN 'TH-80' END,
    CASE WHEN strpos(address, '喀比') > 0 OR strpos(address, 'กระบี่') > 0 OR strpos(address, 'Krabi') > 0 THEN 'TH-81' END,
    CASE WHEN strpos(address, '攀牙') > 0 OR strpos(address, 'พังงา') > 0 OR strpos(address, 'Phangnga') > 0 THEN 'TH-82' END,
    CASE WHEN strpos(address, '普吉') > 0 OR strpos(address, 'ภูเก็ต') > 0 OR strpos(address, 'Phuket') > 0 THEN 'TH-83' END,
    CASE WHEN strpos(address, '素叻他尼') > 0 OR strpos(address, 'สุราษฎร์ธานี') > 0 OR strpos(address, 'Surat Thani') > 0 THEN 'TH-84' END,
    CASE WHEN strpos(address, '拉廊') > 0 OR strpos(address, 'ระนอง') > 0 OR strpos(address, 'Ranong') > 0 THEN 'TH-85' END,
    CASE WHEN strpos(address, '春蓬') > 0 OR strpos(address, 'ชุมพร') > 0 OR strpos(address, 'Chumphon') > 0 THEN 'TH-86' END,
    CASE WHEN strpos(address, '宋卡') > 0 OR strpos(address, 'สงขลา') > 0 OR strpos(address, 'Songkhla') > 0 THEN 'TH-90' END,
    CASE WHEN strpos(address, '沙敦') > 0 OR strpos(address, 'สตูล') > 0 OR strpos(address, 'Satun') > 0 THEN 'TH-91' END,
    CASE WHEN strpos(address, '董里') > 0 OR strpos(address, 'ตรัง') > 0 OR strpos(address, 'Trang') > 0 THEN 'TH-92' END,
    CASE WHEN strpos(address, '博達倫') > 0 OR strpos(address, 'พัทลุง') > 0 OR strpos(address, 'Phatthalung') > 0 THEN 'TH-93' END,
    CASE WHEN strpos(address, '北大年') > 0 OR strpos(address, 'ปัตตานี') > 0 OR strpos(address, 'Pattani') > 0 THEN 'TH-94' END,
    CASE WHEN strpos(address, '也拉') > 0 OR strpos(address, 'ยะลา') > 0 OR strpos(address, 'Yala') > 0 THEN 'TH-95' END,
    CASE WHEN strpos(address, '陶公') > 0 OR strpos(address, 'นราธิวาส') > 0 OR strpos(address, 'Narathiwat') > 0 THEN 'TH-96' END,
    CASE WHEN strpos(address, '彰化縣') > 0 OR strpos(address, 'เทศมณฑลจางฮว่า') > 0 OR strpos(address, 'Changhua County') > 0 THEN 'TW-CHA' END,
    CASE WHEN strpos(address, '嘉義市') > 0 OR strpos(address, 'นครเจียอี้') > 0 OR strpos(address, 'Chiayi City') > 0 THEN 'TW-CYI' END,
    CASE WHEN strpos(address, '嘉義縣') > 0 OR strpos(address, 'เทศมณฑลเจียอี้') > 0 OR strpos(address, 'Chiayi County') > 0 THEN 'TW-CYQ' END,
    CASE WHEN strpos(address, '新竹縣') > 0 OR strpos(address, 'เทศมณฑลซินจู๋') > 0 OR strpos(address, 'Hsinchu County') > 0 THEN 'TW-HSQ' END,
    CASE WHEN strpos(address, '新竹市') > 0 OR strpos(address, 'นครซินจู๋') > 0 OR strpos(address, 'Hsinchu City') > 0 THEN 'TW-HSZ' END,
    CASE WHEN strpos(address, '花蓮縣') > 0 OR strpos(address, 'เทศมณฑลฮวาเหลียน') > 0 OR strpos(address, 'Hualien County') > 0 THEN 'TW-HUA' END,
    CASE WHEN strpos(address, '宜蘭縣') > 0 OR strpos(address, 'เทศมณฑลอี๋หลาน') > 0 OR strpos(address, 'Yilan County') > 0 THEN 'TW-ILA' END,
    CASE WHEN strpos(address, '基隆市') > 0 OR strpos(address, 'นครจีหลง') > 0 OR strpos(address, 'Keelung City') > 0 THEN 'TW-KEE' END,
    CASE WHEN strpos(address, '高雄市') > 0 OR strpos(address, 'นครเกาสง') > 0 OR strpos(address, 'Kaohsiung City') > 0 THEN 'TW-KHH' END,
    CASE WHEN strpos(address, '金門縣') > 0 OR strpos(address, 'เทศมณฑลจินเหมิน') > 0 OR strpos(address, 'Kinmen County') > 0 THEN 'TW-KIN' END,
    CASE WHEN strpos(address, '連江縣') > 0 OR strpos(address, 'เทศมณฑลเหลียนเจียง') > 0 OR strpos(address, 'Lienchiang County') > 0 THEN 'TW-LIE' END,
    CASE WHEN strpos(address, '苗栗縣') > 0 OR strpos(address, 'เทศมณฑลเหมียวลี่') > 0 OR strpos(address, 'Miaoli County') > 0 THEN 'TW-MIA' END,
    CASE WHEN strpos(address, '南投縣') > 0 OR strpos(address, 'เทศมณฑลหนานโถว') > 0 OR strpos(address, 'Nantou County') > 0 THEN 'TW-NAN' END,
    CASE WHEN strpos(address, '新北市') > 0 OR strpos(address, 'นครนิวไทเป') > 0 OR strpos(address, 'New Taipei City') > 0 THEN 'TW-NWT' END,
    CASE WHEN strpos(address, '澎湖縣') > 0 OR strpos(address, 'เทศมณฑลเผิงหู') > 0 OR strpos(address, 'Penghu County') > 0 THEN 'TW-PEN' END,
    CASE WHEN strpos(address, '屏東縣') > 0 OR strpos(address, 'เทศมณฑลผิงตง') > 0 OR strpos(address, 'Pingtung County') > 0 THEN 'TW-PIF' END,
    CASE WHEN strpos(address, '桃園市') > 0 OR strpos(address, 'นครเถาหยวน') > 0 OR strpos(address, 'Taoyuan City') > 0 THEN 'TW-TAO' END,
    CASE WHEN strpos(address, '臺南市') > 0 OR strpos(address, 'นครไถหนาน') > 0 OR strpos(address, 'Tainan City') > 0 OR strpos(address, '台南市') > 0 THEN 'TW-TNN' END,
    CASE WHEN strpos(address, '臺北市') > 0 OR strpos(address, 'นครไทเป') > 0 OR strpos(address, 'Taipei City') > 0 OR strpos(address, '台北市') > 0 THEN 'TW-TPE' END,
    CASE WHEN strpos(address, '臺東縣') > 0 OR strpos(address, 'เทศมณฑลไถตง') > 0 OR strpos(address, 'Taitung County') > 0 OR strpos(address, '台東縣') > 0 THEN 'TW-TTT' END,
    CASE WHEN strpos(address, '臺中市') > 0 OR strpos(address, 'นครไถจง') > 0 OR strpos(address, 'Taichung City') > 0 OR strpos(address, '台中市') > 0 THEN 'TW-TXG' END,
    CASE WHEN strpos(address, '雲林縣') > 0 OR strpos(address, 'เทศมณฑลหยุนหลิน') > 0 OR strpos(address, 'Yunlin County') > 0 THEN 'TW-YUN' END
  ]::text[], NULL), '{}');
END
$$;
--> statement-breakpoint
-- One element of members.purchases (also what member_bought_in_history tests). STABLE as the jsonb builders
-- are, so that it is inlined where it is called (an IMMUTABLE one was run as a query per purchase).
CREATE OR REPLACE FUNCTION member_purchase_fact(invoice_date date, seller_tax_id text, seller_name text,
                                                seller_regions text[], item_names text) RETURNS jsonb
LANGUAGE sql STABLE PARALLEL SAFE AS $$
  SELECT jsonb_strip_nulls(jsonb_build_object(
           'd', invoice_date - date '1970-01-01', 't', seller_tax_id, 'n', seller_name,
           'r', to_jsonb(seller_regions), 'i', item_names))
$$;
--> statement-breakpoint
-- member_purchases.seller_regions: the address's region codes, computed once when the row is written (by
-- 0037 / 0040's triggers, which write the address): a member's rebuild then reads them instead of testing
-- every spelling of every region for each kept purchase (0.8 against 0.5 ms CPU per write, measured).
ALTER TABLE "member_purchases" ADD COLUMN "seller_regions" text[]
  GENERATED ALWAYS AS (purchase_region_codes(seller_address)) STORED;
--> statement-breakpoint
-- How many of a member's purchases members.purchases keeps (the newest; a test may lower it).
CREATE OR REPLACE FUNCTION member_purchases_kept() RETURNS integer
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS 'SELECT 20';
--> statement-breakpoint
-- The latest member_purchases_kept() purchases of each member, newest first; last_bought_on the latest
-- invoice date; purchases_from the oldest kept date when older purchases were left out. PL/pgSQL, whose
-- plan is kept for the session (a SQL function's body is parsed and planned again in every transaction,
-- with the functions it inlines: ~1.5 ms of each decision's write, measured).
CREATE OR REPLACE FUNCTION members_purchases_recompute_many(target_members text[]) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
  UPDATE members m SET purchases = c.purchases, last_bought_on = c.last_bought_on, purchases_from = c.purchases_from
    FROM (
      SELECT t.id, coalesce(b.purchases, '[]'::jsonb) AS purchases, b.last_bought_on, b.purchases_from
        FROM unnest(target_members) AS t(id)
        LEFT JOIN LATERAL (
          SELECT jsonb_agg(member_purchase_fact(k.invoice_date, k.seller_tax_id, k.seller_name, k.seller_regions,
                                                k.item_names) ORDER BY k.invoice_date DESC, k.submission_id)
                   AS purchases,
                 max(k.invoice_date) AS last_bought_on,
                 CASE WHEN max(k.total) > member_purchases_kept() THEN min(k.invoice_date) END AS purchases_from
            FROM (SELECT p.*, count(*) OVER () AS total FROM member_purchases p WHERE p.member_id = t.id
                   ORDER BY p.invoice_date DESC, p.submission_id LIMIT member_purchases_kept()) k) b ON true) c
   WHERE m.id = c.id
     AND (m.purchases, m.last_bought_on, m.purchases_from)
         IS DISTINCT FROM (c.purchases, c.last_bought_on, c.purchases_from);
END
$$;
--> statement-breakpoint
-- Whether any of the member's purchases (all of them, not only the kept ones) matches a bought test's
-- jsonpath: read only when the test's window reaches back past the oldest kept purchase. Parallel safe,
-- so the count's scan of members stays parallel.
CREATE OR REPLACE FUNCTION member_bought_in_history(target_member text, path jsonpath) RETURNS boolean
LANGUAGE sql STABLE PARALLEL SAFE AS $$
  SELECT coalesce(jsonb_path_exists(jsonb_agg(member_purchase_fact(p.invoice_date, p.seller_tax_id,
                    p.seller_name, p.seller_regions, p.item_names)), path), false)
    FROM member_purchases p WHERE p.member_id = target_member
$$;
--> statement-breakpoint
-- Existing members, in the new form, one set-based statement.
UPDATE members m SET purchases = b.purchases, last_bought_on = b.last_bought_on, purchases_from = b.purchases_from
  FROM (SELECT k.member_id,
               jsonb_agg(member_purchase_fact(k.invoice_date, k.seller_tax_id, k.seller_name, k.seller_regions,
                                              k.item_names) ORDER BY k.invoice_date DESC, k.submission_id)
                 AS purchases,
               max(k.invoice_date) AS last_bought_on,
               CASE WHEN max(k.total) > member_purchases_kept() THEN min(k.invoice_date) END AS purchases_from
          FROM (SELECT p.*, row_number() OVER w AS n, count(*) OVER (PARTITION BY p.member_id) AS total
                  FROM member_purchases p
                WINDOW w AS (PARTITION BY p.member_id ORDER BY p.invoice_date DESC, p.submission_id)) k
         WHERE k.n <= member_purchases_kept()
         GROUP BY k.member_id) b
 WHERE m.id = b.member_id;
--> statement-breakpoint
-- members.survey_answer_keys: a multiple choice's elements of every JSON type, as their text (a number 4 in
-- ["3", 4] is the answer "4", as the reference evaluation and jsonb_array_elements_text read it); 0048
-- kept only its strings, so "answered 4" missed such members. JSON nulls are no answer.
CREATE OR REPLACE FUNCTION members_survey_answer_keys_recompute_many(target_members text[]) RETURNS void LANGUAGE sql AS $$
  UPDATE members m SET survey_answer_keys = c.survey_keys
    FROM (
      SELECT t.id, coalesce((
        SELECT array_agg(DISTINCT k.key ORDER BY k.key)
          FROM survey_answers sa
          CROSS JOIN LATERAL jsonb_each(CASE WHEN jsonb_typeof(sa.answers) = 'object' THEN sa.answers
                                             ELSE '{}'::jsonb END) AS q(question, answer)
          CROSS JOIN LATERAL (
            SELECT sa.answers ->> q.question AS value
            UNION ALL
            SELECT a.element #>> '{}' FROM jsonb_array_elements(CASE WHEN jsonb_typeof(q.answer) = 'array'
                                                                     THEN q.answer ELSE '[]'::jsonb END) AS a(element)) v
          CROSS JOIN LATERAL (SELECT jsonb_build_array(sa.survey_id, q.question, v.value)::text AS key) k
         WHERE sa.member_id = t.id AND v.value IS NOT NULL), '{}'::text[]) AS survey_keys
      FROM unnest(target_members) AS t(id)) c
   WHERE m.id = c.id AND m.survey_answer_keys IS DISTINCT FROM c.survey_keys;
$$;
--> statement-breakpoint
-- Recomputed for the members with such an answer.
SELECT members_survey_answer_keys_recompute_many(array_agg(DISTINCT sa.member_id)) FROM survey_answers sa
 WHERE EXISTS (SELECT 1
                 FROM jsonb_each(CASE WHEN jsonb_typeof(sa.answers) = 'object' THEN sa.answers
                                      ELSE '{}'::jsonb END) AS q(question, answer)
                 CROSS JOIN LATERAL jsonb_array_elements(CASE WHEN jsonb_typeof(q.answer) = 'array' THEN q.answer
                                                              ELSE '[]'::jsonb END) AS a(element)
                WHERE jsonb_typeof(a.element) NOT IN ('string', 'null'));
