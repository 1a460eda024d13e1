import type {
  CampaignRewardsInput,
  CampaignRulesInput,
  PROOF_KINDS,
} from '../../../../core/campaigns/campaigns.schemas';
import type { Localized } from '../../ui/localized';

/**
 * The campaign editor's model: exactly the fields `core/campaigns/campaigns.schemas.ts` defines (a
 * type-only import, so a field the server adds or renames breaks this build, not the page).
 */

export type ProofKind = (typeof PROOF_KINDS)[number];
export type Rules = CampaignRulesInput;
export type Rewards = CampaignRewardsInput;
export type ItemGroupDraft = NonNullable<Rules['itemGroups']>[number];
export type StoreMatcherDraft = NonNullable<NonNullable<Rules['stores']>['allow']>;
export type PointsDraft = NonNullable<Rewards['points']>;
export type EntriesDraft = NonNullable<Rewards['entries']>;
export type DrawsDraft = NonNullable<Rewards['draws']>;
export type WeeklyDrawDraft = NonNullable<DrawsDraft['weekly']>;
export type FinalDrawDraft = NonNullable<DrawsDraft['final']>;
export type PrizeDraft = WeeklyDrawDraft['prizes'][number];

export const PROOF_KIND_LIST: readonly ProofKind[] = [
  'einvoice_qr',
  'einvoice_text',
  'einvoice_carrier',
  'paper_invoice',
  'receipt',
];
export const WEEKDAYS = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'] as const;

/** The checker's rule keys, in the order the decision path runs them. */
export const RULE_KEYS = [
  'currency',
  'purchaseWindow',
  'registerWithinDays',
  'excludeVoided',
  'excludeBuyerBan',
  'stores',
  'itemGroups',
  'minAmount',
  'caps',
] as const;
export type RuleKey = (typeof RULE_KEYS)[number];

export type Definition = {
  slug: string;
  name: Localized;
  description: Localized | null;
  timezone: string;
  currency: 'TWD' | 'THB';
  purchaseFrom: string;
  purchaseTo: string;
  registerFrom: string;
  registerTo: string;
  proofKinds: ProofKind[];
  verificationMode: 'instant' | 'batch';
  autoAcceptReceipts: boolean;
  rules: Rules;
  rewards: Rewards;
};

export type Campaign = Definition & {
  id: string;
  status: 'draft' | 'active' | 'paused' | 'ended';
  version: number;
  createdAt?: string;
  updatedAt?: string;
};

export type CheckedRule = { rule: RuleKey; passed: boolean; detail: string };
export type ProofCheck = {
  proof: string;
  verdict: 'accepted' | 'rejected' | 'needs_review' | 'unreadable';
  reason?: string;
  rules: CheckedRule[];
  rewards: { points: number; entries: number; instantPlays: number };
  invoices?: ProofCheck[];
};
export type Change = { path: string; before: unknown; after: unknown };
export type FieldErrors = Record<string, string>;

export function emptyCampaign(): Campaign {
  return {
    id: '',
    slug: '',
    name: {},
    description: null,
    status: 'draft',
    version: 0,
    timezone: 'Asia/Taipei',
    currency: 'TWD',
    purchaseFrom: '',
    purchaseTo: '',
    registerFrom: '',
    registerTo: '',
    proofKinds: ['einvoice_qr', 'einvoice_text'],
    verificationMode: 'instant',
    autoAcceptReceipts: false,
    rules: { itemGroups: [], excludeBuyerBan: true, excludeVoided: true },
    rewards: { points: { basis: 'total', stepAmountMinor: 10_000, perStep: 1 }, entries: { perProof: 1 } },
  };
}

export function definitionOf(campaign: Campaign): Definition {
  const {
    id: _id,
    status: _status,
    version: _version,
    createdAt: _c,
    updatedAt: _u,
    ...definition
  } = campaign;
  return definition;
}

const isEmptyMatcher = (matcher: StoreMatcherDraft | undefined) =>
  !matcher ||
  ((matcher.namePatterns ?? []).length === 0 &&
    (matcher.sellerBans ?? []).length === 0 &&
    (matcher.addressFragments ?? []).length === 0);

/**
 * What the server is sent: the form as is, minus what the form holds only to be edited (store lists with
 * nothing in them, an empty description).
 */
export function bodyOf(definition: Definition): Definition {
  const stores = definition.rules.stores ?? {};
  const description =
    definition.description && Object.values(definition.description).some((text) => text?.trim())
      ? definition.description
      : null;
  return {
    ...definition,
    description,
    rules: {
      ...definition.rules,
      stores: {
        ...(isEmptyMatcher(stores.allow) ? {} : { allow: stores.allow }),
        ...(isEmptyMatcher(stores.deny) ? {} : { deny: stores.deny }),
      },
    },
  };
}

/** The problems under `prefix` (`rules.`), for a tab's error count. */
export function countErrors(errors: FieldErrors, prefixes: string[]): number {
  return Object.keys(errors).filter((path) =>
    prefixes.some((prefix) => path === prefix || path.startsWith(`${prefix}.`)),
  ).length;
}

/** Minor units (×100) ↔ the amount a person types. */
export const toMajor = (minor: number | undefined) => (minor === undefined ? '' : String(minor / 100));
export const toMinor = (major: string): number | undefined =>
  major.trim() === '' ? undefined : Math.round(Number(major) * 100);
export const toInt = (text: string): number | undefined => (text.trim() === '' ? undefined : Number(text));

/** `+08:00` for a time zone at an instant. */
function offsetOf(timeZone: string, at: Date): string {
  try {
    const part = new Intl.DateTimeFormat('en-US', { timeZone, timeZoneName: 'longOffset' })
      .formatToParts(at)
      .find((p) => p.type === 'timeZoneName')?.value;
    const match = /GMT([+-]\d{2}):?(\d{2})?/.exec(part ?? '');
    return match ? `${match[1]}:${match[2] ?? '00'}` : '+00:00';
  } catch {
    return '+00:00';
  }
}

/** An instant as the `datetime-local` value in the campaign's time zone. */
export function isoToZonedInput(iso: string, timeZone: string): string {
  if (!iso) return '';
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return '';
  try {
    const parts = Object.fromEntries(
      new Intl.DateTimeFormat('en-CA', {
        timeZone,
        year: 'numeric',
        month: '2-digit',
        day: '2-digit',
        hour: '2-digit',
        minute: '2-digit',
        hourCycle: 'h23',
      })
        .formatToParts(date)
        .map((p) => [p.type, p.value]),
    );
    return `${parts.year}-${parts.month}-${parts.day}T${parts.hour}:${parts.minute}`;
  } catch {
    return iso.slice(0, 16);
  }
}

/** A `datetime-local` value read in the campaign's time zone, as ISO with that zone's offset. */
export function zonedInputToIso(value: string, timeZone: string): string {
  if (!value) return '';
  const guess = new Date(`${value}:00Z`);
  if (Number.isNaN(guess.getTime())) return value;
  const offset = offsetOf(timeZone, guess);
  return `${value}:00${offset}`;
}

export function linesOf(text: string): string[] {
  return text
    .split(/\n/)
    .map((line) => line.trim())
    .filter(Boolean);
}
