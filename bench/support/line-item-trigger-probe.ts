/**
 * The line-item trigger's cost (decision 016, migration 0060): CPU of one UPDATE and one DELETE of ~20,000
 * `analytics_line_items` rows, 3 rounds, each after a fresh seed folded. PGlite by default; with
 * `URL=postgres://…` the PostgreSQL server backend's CPU (from /proc, 10 ms steps). To compare two checkouts,
 * run it from one with the other's root: `npx tsx bench/support/line-item-trigger-probe.ts [<repo root>]`.
 */
const root = process.argv[2] ?? process.cwd();
const { createDatabase, queryRows } = await import(`${root}/core/db/database.ts`);
const { buildLineItemRows } = await import(`${root}/core/analytics/index.ts`);
const { foldPendingFacts } = await import(`${root}/core/fact-outbox/index.ts`);
const { sql } = await import(`${root}/node_modules/drizzle-orm/index.js`);
const { analyticsLineItems, brands } = await import(`${root}/core/db/schema.ts`);
const db0 = await createDatabase(
  process.env.URL ? { url: process.env.URL, poolMax: 2 } : { pgliteDataDir: 'memory://' },
);
await db0.migrate();
const db = db0.db;
await db.insert(brands).values({
  id: 'b1',
  slug: 'b1',
  name: 'b1',
  country: 'TW',
  defaultLocale: 'zh-TW',
  timezone: 'Asia/Taipei',
} as never);
const NAMES = ['綠茶', '奶茶', '洋芋片', '飯糰', '茶葉蛋', '鮮奶', '口香糖', '菠蘿麵包'];
async function seed(tag: string) {
  const rows = [];
  for (let i = 0; i < 5000; i++) {
    const items = NAMES.slice(i % 5, (i % 5) + 4).map((name, k) => ({
      name,
      quantity: 1,
      unitPriceMinor: 10 + k,
      amountMinor: 10 + k,
    }));
    rows.push(
      ...buildLineItemRows({
        header: {
          submissionId: `s${tag}${i}`,
          brandId: 'b1',
          campaignId: 'c1',
          memberId: `m${i % 300}`,
          invoiceId: null,
          purchaseDate: `2024-11-${String(1 + (i % 20)).padStart(2, '0')}`,
          purchaseTime: '10:10:00',
          sellerId: String(24549210 + (i % 40)),
          sellerName: null,
          branch: null,
          sellerAddress: '臺北市中山區松江路100號',
          currency: 'TWD',
          totalAmountMinor: 100,
        },
        items,
        itemGroups: [],
        productOf: (n: string) => (n === '綠茶' ? 'tea' : null),
      }).rows,
    );
  }
  for (let i = 0; i < rows.length; i += 2000)
    await db.insert(analyticsLineItems).values(rows.slice(i, i + 2000));
  await foldPendingFacts(db, { maxChunks: 1000 });
  return rows.length;
}
const { readFileSync } = await import('node:fs');
const ticks = (pid: number) => {
  const f = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  return (Number(f[11]) + Number(f[12])) * 10;
};
const cpuPg = (stmt: ReturnType<typeof sql>) =>
  db.transaction(async (tx: typeof db) => {
    const [r] = await queryRows(tx, sql`select pg_backend_pid() as pid`);
    const pid = (r as { pid: number }).pid;
    const b = ticks(pid);
    const t = performance.now();
    await tx.execute(stmt);
    return `${ticks(pid) - b} ms server CPU, ${(performance.now() - t).toFixed(0)} ms wall`;
  });
const cpu0 = async (f: () => Promise<unknown>) => {
  const b = process.cpuUsage();
  const t = performance.now();
  await f();
  const u = process.cpuUsage(b);
  return `${((u.user + u.system) / 1000).toFixed(0)} ms CPU, ${(performance.now() - t).toFixed(0)} ms wall`;
};
for (let round = 0; round < 3; round++) {
  const n = await seed(`r${round}_`);
  const updSql = sql`update analytics_line_items set member_id = null where brand_id = 'b1' and member_id is not null`;
  const upd = process.env.URL ? await cpuPg(updSql) : await cpu0(() => db.execute(updSql));
  await foldPendingFacts(db, { maxChunks: 1000 });
  const delSql = sql`delete from analytics_line_items where brand_id = 'b1'`;
  const del = process.env.URL ? await cpuPg(delSql) : await cpu0(() => db.execute(delSql));
  const [c] = await queryRows(db, sql`select count(*)::int as n from fact_outbox_line_items`);
  console.log(`round ${round}: ${n} rows; update ${upd}; delete ${del}; outbox ${(c as { n: number }).n}`);
  await foldPendingFacts(db, { maxChunks: 1000 });
}
await db0.close();
