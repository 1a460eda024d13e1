import { sql } from 'drizzle-orm';
import { queryRows, type Database } from '../db/database.js';
import type { Clock } from '../shared/clock.js';
import { createBroadcastLinkNotFoundError } from './broadcasts.errors.js';
import { withUtmTags } from './broadcasts.models.js';

/** Where tracked links point: the installation's public URL (as LINE webhooks use), else local. */
export function trackedLinkBaseUrlOf(config: {
  server: { publicBaseUrl: string | undefined; port: number };
}) {
  return config.server.publicBaseUrl ?? `http://localhost:${config.server.port}`;
}

/** How long after a broadcast starts its recipients' purchases are counted as its results. */
export const RESULTS_WINDOW_DAYS = 7;

/**
 * A member opened a tracked link: the click is counted (the first one per member and link is what the
 * results count), and the answer is where to send them, with UTM tags.
 */
export async function followTrackedLink(
  deps: { db: Database; clock: Clock },
  { token }: { token: string },
): Promise<{ url: string }> {
  const [link] = await queryRows<{ url: string; broadcast_id: string; group_key: string | null }>(
    deps.db,
    sql`update broadcast_links l set clicks = l.clicks + 1,
          first_clicked_at = coalesce(l.first_clicked_at, ${deps.clock.now()})
        where l.token = ${token}
        returning l.url, l.broadcast_id,
          (select r.group_key from broadcast_recipients r
            where r.broadcast_id = l.broadcast_id and r.member_id = l.member_id) as group_key`,
  );
  if (!link) throw createBroadcastLinkNotFoundError();
  return { url: withUtmTags(link.url, { broadcastId: link.broadcast_id, group: link.group_key ?? 'A' }) };
}

export type BroadcastResults = {
  /** Purchases are counted from the start of the send for this many days. */
  days: number;
  /** Each tracked link and how many members clicked it. */
  links: { no: number; url: string; clickers: number; clicks: number }[];
  /**
   * Per variant (recipients the message reached) and the holdout group (received nothing): members who
   * clicked, members with at least one accepted proof in the window, and those proofs.
   */
  groups: { group: string; members: number; clickers: number; purchasers: number; proofs: number }[];
};

/**
 * What a broadcast caused: clicks on its tracked links, and accepted proofs (purchases) of its recipients
 * against the holdout group's in the `days` after it started. Members are compared as frozen at the send:
 * a variant counts the members it was sent to, the holdout those held out.
 */
export async function getBroadcastResults(
  deps: { db: Database },
  {
    broadcastId,
    startedAt,
    days = RESULTS_WINDOW_DAYS,
  }: { broadcastId: string; startedAt: Date; days?: number },
): Promise<BroadcastResults> {
  const until = new Date(startedAt.getTime() + days * 86_400_000);
  const groups = await queryRows<{
    group_key: string;
    members: number | string;
    clickers: number | string;
    purchasers: number | string;
    proofs: number | string;
  }>(
    deps.db,
    sql`with members as (
          select r.member_id, r.group_key from broadcast_recipients r
          where r.broadcast_id = ${broadcastId} and r.status in ('sent', 'held_out')),
        proofs as (
          select s.member_id, count(*) as n from submissions s
          where s.member_id in (select member_id from members)
            and s.state in ('accepted', 'rewarded')
            and s.created_at >= ${startedAt} and s.created_at < ${until}
          group by s.member_id),
        clickers as (
          select distinct l.member_id from broadcast_links l
          where l.broadcast_id = ${broadcastId} and l.first_clicked_at is not null)
        select m.group_key, count(*) as members,
          count(c.member_id) as clickers,
          count(p.member_id) as purchasers,
          coalesce(sum(p.n), 0) as proofs
        from members m
          left join proofs p on p.member_id = m.member_id
          left join clickers c on c.member_id = m.member_id
        group by m.group_key order by m.group_key = 'holdout', m.group_key`,
  );
  const links = await queryRows<{
    link_no: number;
    url: string;
    clickers: number | string;
    clicks: number | string;
  }>(
    deps.db,
    sql`select link_no, min(url) as url, count(first_clicked_at) as clickers, coalesce(sum(clicks), 0) as clicks
        from broadcast_links where broadcast_id = ${broadcastId} group by link_no order by link_no`,
  );
  return {
    days,
    links: links.map((link) => ({
      no: link.link_no,
      url: link.url,
      clickers: Number(link.clickers),
      clicks: Number(link.clicks),
    })),
    groups: groups.map((group) => ({
      group: group.group_key,
      members: Number(group.members),
      clickers: Number(group.clickers),
      purchasers: Number(group.purchasers),
      proofs: Number(group.proofs),
    })),
  };
}
