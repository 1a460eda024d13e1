import type { Condition } from './broadcasts-api';

/** Every test the segments API supports (core/segments/segments.schemas.ts), in the order offered. */
export const ROW_TYPES = [
  'bought',
  'acceptedProofs',
  'region',
  'language',
  'gender',
  'ageBand',
  'registered',
  'registeredAt',
  'consent',
  'points',
  'redeemed',
  'won',
  'lastInteraction',
  'followedSince',
  'surveyAnswer',
  'tag',
  'list',
] as const;
export type RowType = (typeof ROW_TYPES)[number];

export const GENDERS = ['female', 'male', 'other', 'undisclosed'] as const;
export const AGE_BANDS = ['under-20', '20-29', '30-39', '40-49', '50-59', '60+'] as const;

/** One line of the builder: a test, maybe negated. Values are kept as typed (strings) until sent. */
export type Row = { key: number; type: RowType; not: boolean; values: Record<string, string | string[]> };
export type SegmentDraft = { match: 'and' | 'or'; rows: Row[] };

export const emptySegment = (): SegmentDraft => ({ match: 'and', rows: [] });

let nextKey = 1;
export const newRow = (type: RowType): Row => ({
  key: nextKey++,
  type,
  not: false,
  values:
    type === 'bought'
      ? { withinDays: '30' }
      : type === 'acceptedProofs'
        ? { withinDays: '30', atLeast: '1' }
        : {},
});

export const list = (value: string | string[] | undefined): string[] =>
  (Array.isArray(value) ? value : (value ?? '').split(/[,，\n]/)).map((item) => item.trim()).filter(Boolean);
const num = (value: string | string[] | undefined): number | undefined => {
  const text = typeof value === 'string' ? value.trim() : '';
  return text === '' ? undefined : Number(text);
};
const text = (value: string | string[] | undefined): string | undefined =>
  typeof value === 'string' && value.trim() !== '' ? value.trim() : undefined;

/** A row as the API's condition (fields left empty are left out; the server names what is missing). */
export function leafOf(row: Row): Condition {
  const v = row.values;
  switch (row.type) {
    case 'region':
      return { type: 'region', regions: list(v.regions) };
    case 'gender':
      return { type: 'gender', genders: list(v.genders) };
    case 'ageBand':
      return { type: 'ageBand', bands: list(v.bands) };
    case 'language':
      return { type: 'language', languages: list(v.languages) };
    case 'registered':
      return { type: 'registered', registered: v.registered !== 'no' };
    case 'registeredAt':
      return { type: 'registeredAt', from: text(v.from), to: text(v.to) };
    case 'consent':
      return { type: 'consent', kind: text(v.kind) ?? 'marketing', granted: v.granted !== 'no' };
    case 'acceptedProofs':
      return { type: 'acceptedProofs', withinDays: num(v.withinDays), atLeast: num(v.atLeast) ?? 1 };
    case 'bought': {
      const items = list(v.items);
      return {
        type: 'bought',
        withinDays: num(v.withinDays),
        items: items.length > 0 ? items : undefined,
        store: text(v.store),
        region: text(v.region),
      };
    }
    case 'points':
      return { type: 'points', atLeast: num(v.atLeast), atMost: num(v.atMost) };
    case 'redeemed':
    case 'won':
      return { type: row.type, withinDays: num(v.withinDays) };
    case 'lastInteraction':
      return { type: 'lastInteraction', withinDays: num(v.withinDays), notWithinDays: num(v.notWithinDays) };
    case 'followedSince':
      return { type: 'followedSince', withinDays: num(v.withinDays) };
    case 'surveyAnswer':
      return {
        type: 'surveyAnswer',
        surveyId: text(v.surveyId),
        question: text(v.question),
        answers: list(v.answers),
      };
    case 'tag':
      return { type: 'tag', tags: list(v.tags) };
    case 'list': {
      const ids = list(v.ids);
      const lineUserIds = ids.filter((id) => /^U[0-9a-f]{32}$/.test(id));
      const memberNos = ids.filter((id) => !/^U[0-9a-f]{32}$/.test(id));
      return {
        type: 'list',
        lineUserIds: lineUserIds.length > 0 ? lineUserIds : undefined,
        memberNos: memberNos.length > 0 ? memberNos : undefined,
      };
    }
  }
}

/** The draft as one condition: every reachable member when empty, the rows joined by AND or OR. */
export function conditionOf(draft: SegmentDraft): Condition {
  const leaves = draft.rows.map((row) =>
    row.not ? { type: 'not', condition: leafOf(row) } : leafOf(row),
  ) as Condition[];
  if (leaves.length === 0) return { type: 'all' };
  if (leaves.length === 1) return leaves[0]!;
  return { type: draft.match, conditions: leaves };
}

/** A saved segment's condition back as rows, when it is one the builder makes (else one "saved" row). */
export function draftOf(condition: Condition): SegmentDraft | undefined {
  const rowOf = (leaf: Condition): Row | undefined => {
    const negated = leaf.type === 'not';
    const inner = (negated ? leaf.condition : leaf) as Condition;
    if (!(ROW_TYPES as readonly string[]).includes(inner.type)) return undefined;
    const values: Record<string, string | string[]> = {};
    for (const [field, value] of Object.entries(inner)) {
      if (field === 'type' || value === undefined) continue;
      if (Array.isArray(value))
        values[field] = ['regions', 'genders', 'bands', 'languages'].includes(field)
          ? value.map(String)
          : value.join(', ');
      else if (typeof value === 'boolean') values[field] = value ? 'yes' : 'no';
      else values[field] = String(value);
    }
    if (inner.type === 'list')
      values.ids = [
        ...((inner.lineUserIds as string[]) ?? []),
        ...((inner.memberNos as string[]) ?? []),
      ].join('\n');
    return { key: nextKey++, type: inner.type as RowType, not: negated, values };
  };
  if (condition.type === 'all') return emptySegment();
  const leaves =
    condition.type === 'and' || condition.type === 'or' ? (condition.conditions as Condition[]) : [condition];
  const rows = leaves.map(rowOf);
  if (rows.some((row) => !row)) return undefined;
  return { match: condition.type === 'or' ? 'or' : 'and', rows: rows as Row[] };
}
