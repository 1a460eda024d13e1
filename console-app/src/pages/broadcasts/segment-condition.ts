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
export type Row = {
  kind: 'test';
  key: number;
  type: RowType;
  not: boolean;
  values: Record<string, string | string[]>;
};
/** A group of tests and groups joined by AND or OR, maybe negated (NOT): the API's condition tree. */
export type Group = { kind: 'group'; key: number; match: 'and' | 'or'; not: boolean; children: Node[] };
export type Node = Row | Group;
/** The whole condition: the outermost group (never negated; no tests at all means everyone). */
export type SegmentDraft = Group;

/** How deep groups may nest (the API takes 6 levels; the builder keeps a level for NOT around a test). */
export const MAX_GROUP_DEPTH = 4;

let nextKey = 1;
export const emptyGroup = (): Group => ({
  kind: 'group',
  key: nextKey++,
  match: 'and',
  not: false,
  children: [],
});
export const emptySegment = (): SegmentDraft => emptyGroup();

export const newRow = (type: RowType): Row => ({
  kind: 'test',
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

/** The draft with the node `key` replaced by what `update` makes of it (the same draft when absent). */
export function updateNode(group: Group, key: number, update: (node: Node) => Node): Group {
  return {
    ...group,
    children: group.children.map((child) =>
      child.key === key ? update(child) : child.kind === 'group' ? updateNode(child, key, update) : child,
    ),
  };
}

/** The draft without the node `key` (and what it held). */
export function removeNode(group: Group, key: number): Group {
  return {
    ...group,
    children: group.children
      .filter((child) => child.key !== key)
      .map((child) => (child.kind === 'group' ? removeNode(child, key) : child)),
  };
}

/** The draft with `node` appended to the group `groupKey` (the outermost group when it is its key). */
export function appendTo(group: Group, groupKey: number, node: Node): Group {
  if (group.key === groupKey) return { ...group, children: [...group.children, node] };
  return {
    ...group,
    children: group.children.map((child) =>
      child.kind === 'group' ? appendTo(child, groupKey, node) : child,
    ),
  };
}

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

const negated = (condition: Condition, not: boolean): Condition =>
  not ? { type: 'not', condition } : condition;

/** A group as one condition, or undefined when it holds no test (an empty group is left out). */
function groupCondition(group: Group): Condition | undefined {
  const parts = group.children
    .map((child) => (child.kind === 'test' ? negated(leafOf(child), child.not) : groupCondition(child)))
    .filter((part): part is Condition => part !== undefined);
  if (parts.length === 0) return undefined;
  const joined = parts.length === 1 ? parts[0]! : { type: group.match, conditions: parts };
  return negated(joined, group.not);
}

/** The draft as one condition: every reachable member when it holds no test. */
export function conditionOf(draft: SegmentDraft): Condition {
  return groupCondition({ ...draft, not: false }) ?? { type: 'all' };
}

/** A condition as a node of the builder, or undefined when the builder cannot show it. */
function nodeOf(condition: Condition): Node | undefined {
  if (condition.type === 'not') {
    const inner = nodeOf(condition.condition as Condition);
    if (!inner) return undefined;
    // NOT NOT x: the inner NOT stays on x, the outer one on a group around it.
    return inner.not ? { ...emptyGroup(), not: true, children: [inner] } : { ...inner, not: true };
  }
  if (condition.type === 'and' || condition.type === 'or') {
    const children = (condition.conditions as Condition[]).map(nodeOf);
    if (children.some((child) => !child)) return undefined;
    return { ...emptyGroup(), match: condition.type, children: children as Node[] };
  }
  if (!(ROW_TYPES as readonly string[]).includes(condition.type)) return undefined;
  const values: Record<string, string | string[]> = {};
  for (const [field, value] of Object.entries(condition)) {
    if (field === 'type' || value === undefined) continue;
    if (Array.isArray(value))
      values[field] = ['regions', 'genders', 'bands', 'languages'].includes(field)
        ? value.map(String)
        : value.join(', ');
    else if (typeof value === 'boolean') values[field] = value ? 'yes' : 'no';
    else values[field] = String(value);
  }
  if (condition.type === 'list')
    values.ids = [
      ...((condition.lineUserIds as string[]) ?? []),
      ...((condition.memberNos as string[]) ?? []),
    ].join('\n');
  return { kind: 'test', key: nextKey++, type: condition.type as RowType, not: false, values };
}

/** A saved segment's condition back as the builder's tree (undefined: a test the builder does not offer). */
export function draftOf(condition: Condition): SegmentDraft | undefined {
  if (condition.type === 'all') return emptySegment();
  const node = nodeOf(condition);
  if (!node) return undefined;
  return node.kind === 'group' && !node.not ? node : { ...emptyGroup(), children: [node] };
}
