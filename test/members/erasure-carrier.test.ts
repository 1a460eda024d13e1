import { afterAll, beforeAll, expect, test } from '@jest/globals';
import { getTableConfig, PgTable } from 'drizzle-orm/pg-core';
import { queryRows, sql } from '../../core/db/database.js';
import * as schema from '../../core/db/schema.js';
import { eraseMember } from '../../core/members/members.erasure.js';
import { BRAND_ID, createWorld, MEMBER_A, sendText, TEA_INVOICE, type World } from '../submissions/world.js';

/** 2024-11-10 12:00 Taipei: after the carrier's invoice was issued. */
const NOW = '2024-11-10T04:00:00.000Z';
const BARCODE = '/ERZ+042';
const CODE = 'Q7K29Z';

let world: World;

beforeAll(async () => {
  world = await createWorld({ carriers: [{ cardNo: BARCODE, cardEncrypt: CODE }] });
  world.clock.set(NOW);
});
afterAll(async () => {
  await world?.close();
});

/** Every row of every brand table, as JSON text, holding `needle`: `table: row`. */
async function rowsHolding(needle: string) {
  const found: string[] = [];
  for (const value of Object.values(schema)) {
    if (!(value instanceof PgTable)) continue;
    const { name, columns } = getTableConfig(value);
    if (!columns.some((c) => c.name === 'brand_id')) continue;
    const rows = await queryRows<{ row: string }>(
      world.deps.db,
      sql`select row_to_json(t)::text as row from ${sql.identifier(name)} t
          where strpos(row_to_json(t)::text, ${needle}) > 0`,
    );
    found.push(...rows.map((r) => `${name}: ${r.row}`));
  }
  return found;
}

test("when a member who sent a mobile barcode carrier is erased, then the carrier's barcode is gone from every row and so is its verification code", async () => {
  const campaignId = await world.createTeaCampaign({ verificationMode: 'instant' });
  world.sim.admin.addInvoices([{ ...TEA_INVOICE, invoiceNumber: 'CE10000001', carrierCardNo: BARCODE }]);
  const sent = await sendText(world, {
    campaignId,
    text: `${BARCODE} ${CODE} 2024/11/01-2024/11/10`,
    sourceRef: 'erase-carrier-1',
  });
  expect(sent.outcome).toBe('accepted');
  expect((await rowsHolding(BARCODE)).length).toBeGreaterThan(0);
  expect((await rowsHolding(CODE)).length).toBeGreaterThan(0);

  await eraseMember(world.deps, { brandId: BRAND_ID, memberId: MEMBER_A, confirm: true, now: new Date(NOW) });

  expect(await rowsHolding(BARCODE)).toEqual([]);
  expect(await rowsHolding(CODE)).toEqual([]);
});
