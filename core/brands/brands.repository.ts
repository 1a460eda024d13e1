import { and, eq, or } from 'drizzle-orm';
import type { Executor } from '../db/database.js';
import type { IdGenerator } from '../shared/ids.js';
import { brands, lineChannels } from './brands.table.js';

export type Brand = typeof brands.$inferSelect;
export type LineChannel = typeof lineChannels.$inferSelect;
export type NewBrand = Omit<typeof brands.$inferInsert, 'id' | 'createdAt' | 'updatedAt'>;
export type NewLineChannel = Omit<typeof lineChannels.$inferInsert, 'id' | 'createdAt' | 'updatedAt'>;

export function createBrandsRepository({ db, generateId }: { db: Executor; generateId: IdGenerator }) {
  return {
    async getBrandBySlug(slug: string): Promise<Brand | undefined> {
      const [brand] = await db.select().from(brands).where(eq(brands.slug, slug)).limit(1);
      return brand;
    },

    /** `lock`: the row is locked (FOR UPDATE) until the transaction ends: a change reads, then writes. */
    async getBrandById(id: string, { lock = false } = {}): Promise<Brand | undefined> {
      const query = db.select().from(brands).where(eq(brands.id, id)).limit(1);
      const [brand] = lock ? await query.for('update') : await query;
      return brand;
    },

    /** A brand named by its id or its slug (CLI flags, headers and URLs accept either). */
    async getBrandByRef(ref: string): Promise<Brand | undefined> {
      const [brand] = await db
        .select()
        .from(brands)
        .where(or(eq(brands.id, ref), eq(brands.slug, ref)))
        .limit(1);
      return brand;
    },

    async listBrands(): Promise<Brand[]> {
      return db.select().from(brands).orderBy(brands.createdAt);
    },

    async createBrand(brand: NewBrand): Promise<Brand> {
      const [created] = await db
        .insert(brands)
        .values({ ...brand, id: generateId('brand') })
        .returning();
      return created as Brand;
    },

    /** Changes a brand's profile or broadcast settings; the returned row is the brand as saved. */
    async updateBrand(
      id: string,
      patch: Partial<Omit<Brand, 'id' | 'slug' | 'createdAt' | 'updatedAt'>>,
    ): Promise<Brand | undefined> {
      const [saved] = await db
        .update(brands)
        .set({ ...patch, updatedAt: new Date() })
        .where(eq(brands.id, id))
        .returning();
      return saved;
    },

    async getChannelById(brandId: string, id: string): Promise<LineChannel | undefined> {
      const [channel] = await db
        .select()
        .from(lineChannels)
        .where(and(eq(lineChannels.brandId, brandId), eq(lineChannels.id, id)))
        .limit(1);
      return channel;
    },

    async insertChannel(channel: NewLineChannel): Promise<LineChannel> {
      const [saved] = await db
        .insert(lineChannels)
        .values({ ...channel, id: generateId('channel') })
        .returning();
      return saved as LineChannel;
    },

    async updateChannel(
      id: string,
      patch: Partial<
        Pick<
          LineChannel,
          'name' | 'channelSecret' | 'channelAccessToken' | 'liffId' | 'loginChannelId' | 'botUserId'
        >
      >,
    ): Promise<LineChannel | undefined> {
      const [saved] = await db
        .update(lineChannels)
        .set({ ...patch, updatedAt: new Date() })
        .where(eq(lineChannels.id, id))
        .returning();
      return saved;
    },

    async getChannelByLineChannelId(lineChannelId: string): Promise<LineChannel | undefined> {
      const [channel] = await db
        .select()
        .from(lineChannels)
        .where(eq(lineChannels.lineChannelId, lineChannelId))
        .limit(1);
      return channel;
    },

    async listChannels(brandId: string): Promise<LineChannel[]> {
      return db.select().from(lineChannels).where(eq(lineChannels.brandId, brandId));
    },

    /** Creates the channel, or updates its credentials when it exists (by LINE channel id). */
    async upsertChannel(channel: NewLineChannel): Promise<LineChannel> {
      const [saved] = await db
        .insert(lineChannels)
        .values({ ...channel, id: generateId('channel') })
        .onConflictDoUpdate({
          target: lineChannels.lineChannelId,
          set: {
            name: channel.name,
            channelSecret: channel.channelSecret,
            channelAccessToken: channel.channelAccessToken,
            liffId: channel.liffId,
            loginChannelId: channel.loginChannelId,
            managedByEnv: channel.managedByEnv,
            updatedAt: new Date(),
          },
        })
        .returning();
      return saved as LineChannel;
    },
  };
}

export type BrandsRepository = ReturnType<typeof createBrandsRepository>;
