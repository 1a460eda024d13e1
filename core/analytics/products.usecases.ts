import { and, asc, eq, sql } from 'drizzle-orm';
import { queryRows, type Database, type Executor } from '../db/database.js';
import { normalizeItemName } from '../invoices/index.js';
import { createProductNotFoundError } from './analytics.errors.js';
import { analyticsLineItems, analyticsProductMappings, analyticsProducts } from './analytics.table.js';

/** Creates the brand's product, or renames it (idempotent by key). */
export async function saveProduct(
  db: Executor,
  { brandId, key, name }: { brandId: string; key: string; name: string },
) {
  const [product] = await db
    .insert(analyticsProducts)
    .values({ brandId, key, name })
    .onConflictDoUpdate({ target: [analyticsProducts.brandId, analyticsProducts.key], set: { name } })
    .returning();
  return product!;
}

export async function listProducts(db: Executor, { brandId }: { brandId: string }) {
  const products = await db
    .select()
    .from(analyticsProducts)
    .where(eq(analyticsProducts.brandId, brandId))
    .orderBy(asc(analyticsProducts.key));
  const mappings = await db
    .select()
    .from(analyticsProductMappings)
    .where(eq(analyticsProductMappings.brandId, brandId))
    .orderBy(asc(analyticsProductMappings.normalizedName));
  return products.map((product) => ({
    key: product.key,
    name: product.name,
    names: mappings.filter((m) => m.productKey === product.key).map((m) => m.normalizedName),
  }));
}

/**
 * Maps a printed item name (normalised) to one of the brand's products, and re-labels the line items
 * already recorded under that name in the same transaction (so every analysis sees the mapping at once).
 * Mapping a name again moves it to the new product.
 */
export async function mapItemName(
  db: Database,
  {
    brandId,
    itemName,
    productKey,
    mappedBy,
  }: { brandId: string; itemName: string; productKey: string; mappedBy?: string },
): Promise<{ normalizedName: string; productKey: string; lineItems: number }> {
  const normalizedName = normalizeItemName(itemName);
  return db.transaction(async (tx) => {
    const [product] = await tx
      .select()
      .from(analyticsProducts)
      .where(and(eq(analyticsProducts.brandId, brandId), eq(analyticsProducts.key, productKey)));
    if (!product) throw createProductNotFoundError({ details: { productKey } });
    await tx
      .insert(analyticsProductMappings)
      .values({ brandId, normalizedName, productKey, mappedBy: mappedBy ?? null })
      .onConflictDoUpdate({
        target: [analyticsProductMappings.brandId, analyticsProductMappings.normalizedName],
        set: { productKey, mappedBy: mappedBy ?? null },
      });
    const updated = await tx
      .update(analyticsLineItems)
      .set({ productKey })
      .where(
        and(eq(analyticsLineItems.brandId, brandId), eq(analyticsLineItems.normalizedName, normalizedName)),
      )
      .returning({ lineNo: analyticsLineItems.lineNo });
    return { normalizedName, productKey, lineItems: updated.length };
  });
}

export async function unmapItemName(
  db: Database,
  { brandId, itemName }: { brandId: string; itemName: string },
): Promise<{ normalizedName: string; lineItems: number }> {
  const normalizedName = normalizeItemName(itemName);
  return db.transaction(async (tx) => {
    await tx
      .delete(analyticsProductMappings)
      .where(
        and(
          eq(analyticsProductMappings.brandId, brandId),
          eq(analyticsProductMappings.normalizedName, normalizedName),
        ),
      );
    const updated = await tx
      .update(analyticsLineItems)
      .set({ productKey: null })
      .where(
        and(eq(analyticsLineItems.brandId, brandId), eq(analyticsLineItems.normalizedName, normalizedName)),
      )
      .returning({ lineNo: analyticsLineItems.lineNo });
    return { normalizedName, lineItems: updated.length };
  });
}

/**
 * Printed names not mapped to a product, most frequent first (baskets holding them, then line items),
 * with the most common printed form to show and to map with one click.
 */
export async function listUnmappedNames(
  db: Executor,
  { brandId, limit = 50 }: { brandId: string; limit?: number },
) {
  const rows = await queryRows<Record<string, unknown>>(
    db,
    sql`select normalized_name, mode() within group (order by item_name) as item_name,
               count(distinct submission_id) as baskets, count(*) as line_items, sum(amount_minor) as amount_minor
        from analytics_line_items
        where brand_id = ${brandId} and product_key is null
        group by normalized_name
        order by count(distinct submission_id) desc, count(*) desc, normalized_name
        limit ${limit}`,
  );
  return rows.map((row) => ({
    normalizedName: String(row.normalized_name),
    itemName: String(row.item_name),
    baskets: Number(row.baskets),
    lineItems: Number(row.line_items),
    amountMinor: Number(row.amount_minor),
  }));
}
