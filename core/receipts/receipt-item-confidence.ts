/**
 * How surely an item row's name was read: the least sure of its words that hold letters (the name),
 * never more than the row's own confidence. A row's mean is not enough: its amounts are read surely and
 * lift a bent name above the bar (issue #15: `綠荼` at 0.80 among amounts at 0.97 averaged 0.93).
 */
export function itemNameConfidence(line: {
  confidence: number;
  words?: readonly { text: string; confidence: number }[];
}): number {
  const nameWords = (line.words ?? []).filter((word) => /\p{L}/u.test(word.text));
  if (nameWords.length === 0) return line.confidence;
  return Math.min(line.confidence, ...nameWords.map((word) => word.confidence));
}
