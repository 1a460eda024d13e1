import { and, asc, eq, sql } from 'drizzle-orm';
import { recordConsoleAction, type ConsoleAuditActor } from '../audit/index.js';
import { queryRows, type Database, type Executor } from '../db/database.js';
import type { Clock } from '../shared/clock.js';
import type { IdGenerator } from '../shared/ids.js';
import { normalizeItemName } from '../invoices/index.js';
import { createProductNotFoundError } from './analytics.errors.js';
import { analyticsLineItems, analyticsProductMappings, analyticsProducts } from './analytics.table.js';

/** The console user behind a change of the brand's products: audited in the change's transaction. */
export type ProductsAudit = { actor: ConsoleAuditActor; clock: Clock; generateId: IdGenerator };

function auditProducts(
  tx: Executor,
  audit: ProductsAudit | undefined,
  entry: { action: string; targetType: string; targetId: string; data: Record<string, unknown> },
) {
  return audit ? recordConsoleAction(tx, audit, audit.actor, entry) : Promise.resolve();
}

/**
 * Creates the brand's product, or renames it (idempotent by key: saving the same name again changes
 * nothing and, with `audit`, writes no row).
 */
export async function saveProduct(
  db: Database,
  {
    brandId,
    key,
    name,
    audit,
  }: { brandId: string; key: string; name: string; audit?: ProductsAudit | undefined },
) {
  return db.transaction(async (tx) => {
    const [before] = await tx
      .select()
      .from(analyticsProducts)
      .where(and(eq(analyticsProducts.brandId, brandId), eq(analyticsProducts.key, key)))
      .for('update');
    if (before && before.name === name) return before;
    const [product] = await tx
      .insert(analyticsProducts)
      .values({ brandId, key, name })
      .onConflictDoUpdate({ target: [analyticsProducts.brandId, analyticsProducts.key], set: { name } })
      .returning();
    await auditProducts(tx, audit, {
      action: 'analytics.product_saved',
      targetType: 'analytics_product',
      targetId: key,
      data: { name, ...(before ? { from: before.name } : { created: true }) },
    });
    return product!;
  });
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
    audit,
  }: {
    brandId: string;
    itemName: string;
    productKey: string;
    mappedBy?: string;
    audit?: ProductsAudit | undefined;
  },
): Promise<{ normalizedName: string; productKey: string; lineItems: number }> {
  const normalizedName = normalizeItemName(itemName);
  return db.transaction(async (tx) => {
    const [product] = await tx
      .select()
      .from(analyticsProducts)
      .where(and(eq(analyticsProducts.brandId, brandId), eq(analyticsProducts.key, productKey)));
    if (!product) throw createProductNotFoundError({ details: { productKey } });
    const [before] = await tx
      .select({ productKey: analyticsProductMappings.productKey })
      .from(analyticsProductMappings)
      .where(
        and(
          eq(analyticsProductMappings.brandId, brandId),
          eq(analyticsProductMappings.normalizedName, normalizedName),
        ),
      );
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
    if (before?.productKey !== productKey)
      await auditProducts(tx, audit, {
        action: 'analytics.mapping_saved',
        targetType: 'analytics_mapping',
        targetId: normalizedName,
        data: { itemName, productKey, from: before?.productKey ?? null, lineItems: updated.length },
      });
    return { normalizedName, productKey, lineItems: updated.length };
  });
}

export async function unmapItemName(
  db: Database,
  { brandId, itemName, audit }: { brandId: string; itemName: string; audit?: ProductsAudit | undefined },
): Promise<{ normalizedName: string; lineItems: number }> {
  const normalizedName = normalizeItemName(itemName);
  return db.transaction(async (tx) => {
    const removed = await tx
      .delete(analyticsProductMappings)
      .where(
        and(
          eq(analyticsProductMappings.brandId, brandId),
          eq(analyticsProductMappings.normalizedName, normalizedName),
        ),
      )
      .returning({ productKey: analyticsProductMappings.productKey });
    const updated = await tx
      .update(analyticsLineItems)
      .set({ productKey: null })
      .where(
        and(eq(analyticsLineItems.brandId, brandId), eq(analyticsLineItems.normalizedName, normalizedName)),
      )
      .returning({ lineNo: analyticsLineItems.lineNo });
    if (removed.length > 0)
      await auditProducts(tx, audit, {
        action: 'analytics.mapping_removed',
        targetType: 'analytics_mapping',
        targetId: normalizedName,
        data: { itemName, from: removed[0]!.productKey, lineItems: updated.length },
      });
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
