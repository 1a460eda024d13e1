/**
 * The form of an item name used for keyword rules and basket analytics: NFKC folds full-width letters,
 * digits and punctuation to their half-width forms (`ＣＯＣＡ` → `COCA`, `１Ｌ` → `1L`), then lower case,
 * then every kind of white space removed, so `Coca Cola 600ml` and `ｃｏｃａｃｏｌａ６００ＭＬ` agree.
 * Chinese has no spaces, so removing them (rather than collapsing) makes keywords match across
 * printers that pad names differently.
 */
export function normalizeItemName(name: string): string {
  let normalized = normalizedNames.get(name);
  if (normalized === undefined) {
    normalized = name.normalize('NFKC').toLowerCase().replace(/\s+/gu, '');
    if (normalizedNames.size >= NORMALIZED_NAMES_KEPT) normalizedNames.clear();
    normalizedNames.set(name, normalized);
  }
  return normalized;
}

/**
 * The same few product names come back on every invoice of a shop, and NFKC is ~10× a map look-up: the
 * last names normalised are kept (up to `NORMALIZED_NAMES_KEPT`, then forgotten all at once).
 */
const normalizedNames = new Map<string, string>();
const NORMALIZED_NAMES_KEPT = 10_000;
