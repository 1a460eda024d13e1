/**
 * The form of an item name used for keyword rules and basket analytics: NFKC folds full-width letters,
 * digits and punctuation to their half-width forms (`ＣＯＣＡ` → `COCA`, `１Ｌ` → `1L`), then lower case,
 * then every kind of white space removed, so `Coca Cola 600ml` and `ｃｏｃａｃｏｌａ６００ＭＬ` agree.
 * Chinese has no spaces, so removing them (rather than collapsing) makes keywords match across
 * printers that pad names differently.
 */
export function normalizeItemName(name: string): string {
  return name.normalize('NFKC').toLowerCase().replace(/\s+/gu, '');
}
