import { eq } from 'drizzle-orm';
import type { Services } from '../app/build-services.js';
import type { Brand } from '../brands/index.js';
import { createSegment, segments, type SegmentCondition } from '../segments/index.js';

/** Saved segments a marketer can start a broadcast from, per demo brand country. */
const DEMO_SEGMENTS: Record<'TW' | 'TH', { name: string; condition: SegmentCondition }[]> = {
  TW: [
    { name: '近 30 天買過好茶', condition: { type: 'bought', withinDays: 30, items: ['好茶'] } },
    { name: '近 30 天在台北門市消費', condition: { type: 'bought', withinDays: 30, region: 'TW-TPE' } },
    {
      name: '30 天沒有登錄發票',
      condition: { type: 'not', condition: { type: 'acceptedProofs', withinDays: 30, atLeast: 1 } },
    },
  ],
  // The Thai demo's history members gave no opt-in consent, which Thailand requires for marketing: a
  // segment there would count nobody, so the Thai demo brand starts without one.
  TH: [],
};

/**
 * The demo brand's saved segments, made once: a brand that ever had a segment (deleted ones included) gets
 * none, so what a marketer deleted does not come back at the next start.
 */
export async function seedDemoSegments(
  services: Pick<Services, 'database' | 'clock' | 'generateId'>,
  brand: Pick<Brand, 'id' | 'country'>,
): Promise<{ created: number }> {
  const deps = { db: services.database.db, clock: services.clock, generateId: services.generateId };
  const [existing] = await deps.db
    .select({ id: segments.id })
    .from(segments)
    .where(eq(segments.brandId, brand.id))
    .limit(1);
  if (existing) return { created: 0 };
  const wanted = DEMO_SEGMENTS[brand.country as 'TW' | 'TH'] ?? [];
  for (const segment of wanted) await createSegment(deps, { brandId: brand.id, ...segment });
  return { created: wanted.length };
}
