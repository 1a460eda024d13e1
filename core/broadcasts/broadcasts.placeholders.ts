/**
 * The placeholders a broadcast's messages may hold, filled per member when sent. Pure (no Node module):
 * the console's preview fills them with a sample member through the same function.
 */
export const PLACEHOLDERS = ['{displayName}', '{points}'] as const;

/** Fills `{displayName}` and `{points}` in every string of the messages. */
export function fillPlaceholders(
  messages: Record<string, unknown>[],
  values: { displayName: string; points: number },
): Record<string, unknown>[] {
  const fill = (value: unknown): unknown => {
    if (typeof value === 'string')
      return value
        .replaceAll('{displayName}', values.displayName)
        .replaceAll('{points}', String(values.points));
    if (Array.isArray(value)) return value.map(fill);
    if (value && typeof value === 'object')
      return Object.fromEntries(Object.entries(value).map(([key, inner]) => [key, fill(inner)]));
    return value;
  };
  return messages.map((message) => fill(message) as Record<string, unknown>);
}
