// The exports bench's baseline, in plain JavaScript run by plain node (as the exports it is compared with
// run from the compiled app): `<rows> <out>` writes as many rows of a line-items export's shape with
// csv-stringify from a generator, no database, no pages. Prints `{ rows }` as JSON.
import { once } from 'node:events';
import { createWriteStream } from 'node:fs';
import { stringify } from 'csv-stringify';

const [count, out] = process.argv.slice(2);
const columns =
  'submission_id,purchased_at,store,seller_id,region,item_name,product,item_group,quantity,unit_price,amount,currency';
const csv = stringify({ header: true, columns: columns.split(',') });
const file = createWriteStream(out);
csv.pipe(file);
let rows = 0;
for (let i = 0; i < Number(count); i++) {
  const row = [
    `sub_syn_bench_${Math.floor(i / 3)}`,
    '2024-11-04 12:15:00',
    '全家',
    '24549210',
    'TW-TPE',
    '好茶 綠茶 600ml',
    'green-tea',
    'tea',
    1,
    25,
    25,
    'TWD',
  ];
  if (!csv.write(row)) await once(csv, 'drain');
  rows += 1;
}
csv.end();
await once(file, 'finish');
console.log(JSON.stringify({ rows }));
