import { sql, type AnyColumn, type SQL } from 'drizzle-orm';
import type { Executor } from '../db/database.js';
import { activeCampaignsOf, type Campaign } from './campaigns.repository.js';
import { campaigns } from './campaigns.table.js';

/** A campaign row's stamp: its id and the `xmin` of the row version read. */
const rowStamp = sql<string>`${campaigns.id} || ':' || ${campaigns}.xmin::text`;

/**
 * A brand's active campaigns as one statement's snapshot saw them: each row's id and the `xmin` of the
 * row version read (`<id>:<xmin>`, in the order of `listActiveCampaigns`, by `register_from`). `xmin` is
 * PostgreSQL's (and PGlite's) system column: every UPDATE of a row, whatever it changes — a console edit, a
 * status change, a new version — writes a new row version with the writing transaction's id, so a row
 * whose stamp is unchanged is unchanged. The webhook worker reads the stamps with the event's context
 * (`readEventContext`), and `listActiveCampaignsStamped` reuses the rows it read before when every stamp
 * matches: a typed proof's answer then reads no campaign rows. A campaign edited, paused or started shows
 * with a new stamp in the next event's context read, so the next proof reads it again.
 */
export function activeCampaignStamps(brandId: AnyColumn | SQL): SQL<string> {
  return sql<string>`(select coalesce(string_agg(${rowStamp}, ' ' order by ${campaigns.registerFrom}), '')
    from ${campaigns} where ${activeCampaignsOf(brandId)})`;
}

/** The stamps `activeCampaignStamps` read, as a list. */
export function parseCampaignStamps(text: string | null | undefined): string[] | undefined {
  if (typeof text !== 'string') return undefined;
  return text === '' ? [] : text.split(' ');
}

/** The rows read before, per database (each has its own transaction ids), by stamp. */
const rowsByDatabase = new WeakMap<object, Map<string, Campaign>>();
/** Stamps kept per database before the map starts again (old stamps are never asked for again). */
const MOST_KEPT = 256;

/**
 * The brand's active campaigns (`listActiveCampaigns`): the rows read before when `stamps` (read with the
 * event's context) all match rows this process read, else read now (and kept, with their stamps). Each
 * call gets its own copies, so a caller's change never reaches the kept rows.
 */
export async function listActiveCampaignsStamped(
  db: Executor,
  { brandId, stamps }: { brandId: string; stamps?: readonly string[] },
): Promise<Campaign[]> {
  let kept = rowsByDatabase.get(db);
  if (stamps && kept) {
    const rows = stamps.map((stamp) => kept?.get(stamp));
    if (rows.every((row): row is Campaign => row !== undefined && row.brandId === brandId))
      return rows.map((row) => structuredClone(row));
  }
  const read = await db
    .select({ campaign: campaigns, stamp: rowStamp })
    .from(campaigns)
    .where(activeCampaignsOf(brandId))
    .orderBy(campaigns.registerFrom);
  if (!kept || kept.size + read.length > MOST_KEPT) rowsByDatabase.set(db, (kept = new Map()));
  for (const { campaign, stamp } of read) kept.set(stamp, structuredClone(campaign));
  return read.map(({ campaign }) => campaign);
}
