import { recordConsoleAction, type ConsoleAuditActor } from '../audit/index.js';
import { isUniqueViolation, type Database, type Executor } from '../db/database.js';
import type { Clock } from '../shared/clock.js';
import { createValidationError } from '../shared/errors.js';
import type { IdGenerator } from '../shared/ids.js';
import {
  createCampaignNotFoundError,
  createCampaignSlugTakenError,
  createCampaignStatusRefusedError,
  createCampaignVersionConflictError,
  createCampaignVersionNotFoundError,
} from './campaigns.errors.js';
import {
  cloneSlug,
  definitionOfCampaign,
  diffDefinitions,
  editCreatesVersion,
  nextStatus,
  type CampaignAction,
  type DefinitionChange,
} from './campaigns.models.js';
import {
  createCampaignsRepository,
  type Campaign,
  type CampaignVersion,
  type CampaignsRepository,
} from './campaigns.repository.js';
import {
  parseCampaignDefinition,
  type CampaignDefinition,
  type DefinitionIssue,
} from './campaigns.schemas.js';
import type { CampaignStatus } from './campaigns.table.js';
import { createCampaign, type CampaignWithSettings } from './campaigns.usecases.js';

/**
 * Building and changing campaigns from the console and the CLI. A draft is edited in place; once a
 * campaign has been published every edit saves a new version, and the decisions already taken stay as
 * they were (each submission keeps the version it was judged under).
 */

export type CampaignEditingDeps = { db: Database; generateId: IdGenerator; clock: Clock };

/**
 * The console user's audit row of a campaign change, in the change's transaction (the change and its row
 * commit or roll back together). No actor (the CLI, seeds), no row.
 */
function auditCampaign(
  tx: Executor,
  deps: CampaignEditingDeps,
  actor: ConsoleAuditActor | undefined,
  { action, campaignId, data }: { action: string; campaignId: string; data: Record<string, unknown> },
) {
  if (!actor) return Promise.resolve();
  return recordConsoleAction(tx, deps, actor, {
    action,
    targetType: 'campaign',
    targetId: campaignId,
    data,
  });
}

/** A 400 whose details name the JSON path of every problem (`fieldErrors` for forms). */
export function createDefinitionInvalidError(issues: DefinitionIssue[]) {
  const fieldErrors: Record<string, string> = {};
  for (const issue of issues) fieldErrors[issue.path.join('.')] ??= issue.message;
  const first = issues[0];
  return createValidationError({
    message: first
      ? `Invalid campaign: ${first.path.join('.')}: ${first.message}${issues.length > 1 ? ` (and ${issues.length - 1} more)` : ''}`
      : 'Invalid campaign',
    details: { issues, fieldErrors },
  });
}

function parseOrThrow(input: unknown): CampaignDefinition {
  const parsed = parseCampaignDefinition(input);
  if (!parsed.ok) throw createDefinitionInvalidError(parsed.issues);
  return {
    ...parsed.definition,
    // Instants are kept in one spelling (UTC), so an unchanged field never shows as a change.
    registerFrom: new Date(parsed.definition.registerFrom).toISOString(),
    registerTo: new Date(parsed.definition.registerTo).toISOString(),
  };
}

function rowValues(definition: CampaignDefinition) {
  return {
    ...definition,
    registerFrom: new Date(definition.registerFrom),
    registerTo: new Date(definition.registerTo),
    rules: definition.rules as unknown as Record<string, unknown>,
    rewards: definition.rewards as unknown as Record<string, unknown>,
  };
}

async function translateSlugConflict<T>(slug: string, work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    if (isUniqueViolation(error, 'campaigns_brand_slug_uq'))
      throw createCampaignSlugTakenError({ details: { slug }, cause: error });
    throw error;
  }
}

export async function findCampaignOrThrow(
  repository: Pick<CampaignsRepository, 'findCampaignByRef'>,
  { brandId, ref, forUpdate }: { brandId: string; ref: string; forUpdate?: boolean },
): Promise<Campaign> {
  const campaign = await repository.findCampaignByRef({ brandId, ref, forUpdate });
  if (!campaign) throw createCampaignNotFoundError({ details: { campaign: ref } });
  return campaign;
}

/** A new campaign from its definition: a draft (or `status: 'active'` to publish at once), version 1. */
export async function createCampaignFromDefinition(
  deps: CampaignEditingDeps,
  {
    brandId,
    input,
    createdBy,
    actor,
    audit = { action: 'campaign.created', data: {} },
  }: {
    brandId: string;
    input: unknown;
    createdBy: string | null;
    /** The console user creating it: audited in the creating transaction. */
    actor?: ConsoleAuditActor | undefined;
    /** The audit row's action and extra data (a clone names its source). */
    audit?: { action: string; data: Record<string, unknown> };
  },
): Promise<{ campaign: CampaignWithSettings }> {
  const status = (input as { status?: unknown } | null)?.status;
  if (status !== undefined && status !== 'draft' && status !== 'active')
    throw createDefinitionInvalidError([
      { path: ['status'], message: 'a new campaign is "draft" or "active"' },
    ]);
  const definition = parseOrThrow(input);
  return translateSlugConflict(definition.slug, () =>
    createCampaign({
      db: deps.db,
      generateId: deps.generateId,
      campaign: { ...rowValues(definition), brandId, status: (status as CampaignStatus) ?? 'draft' },
      createdBy,
      afterCreate: (tx, created) =>
        auditCampaign(tx, deps, actor, {
          action: audit.action,
          campaignId: created.id,
          data: { slug: created.slug, status: created.status, ...audit.data },
        }),
    }),
  );
}

export type CampaignEditResult = {
  campaign: Campaign;
  /** The version the campaign is now at. */
  version: number;
  /** True when this edit saved a new version (the campaign had been published). */
  versionCreated: boolean;
  changes: DefinitionChange[];
};

/**
 * Applies the fields given (the campaign's own names; the rest stay) after validating the whole result.
 * `baseVersion`, when given, must still be the current version (someone else's edit is not overwritten).
 */
export async function updateCampaign(
  deps: CampaignEditingDeps,
  {
    brandId,
    ref,
    input,
    baseVersion,
    updatedBy,
    actor,
  }: {
    brandId: string;
    ref: string;
    input: Record<string, unknown>;
    baseVersion?: number;
    updatedBy: string | null;
    /** The console user editing it: audited in the edit's transaction, when something changed. */
    actor?: ConsoleAuditActor | undefined;
  },
): Promise<CampaignEditResult> {
  return deps.db.transaction(async (tx) => {
    const repository = createCampaignsRepository({ db: tx, generateId: deps.generateId });
    const current = await findCampaignOrThrow(repository, { brandId, ref, forUpdate: true });
    if (baseVersion !== undefined && baseVersion !== current.version)
      throw createCampaignVersionConflictError({
        details: { baseVersion, currentVersion: current.version },
      });
    if (input.status !== undefined && input.status !== current.status)
      throw createDefinitionInvalidError([
        { path: ['status'], message: 'change the status with publish, pause or end' },
      ]);
    const before = definitionOfCampaign(current);
    const { status: _status, ...fields } = input;
    const after = parseOrThrow({ ...before, ...fields });
    const changes = diffDefinitions(before, after);
    if (changes.length === 0)
      return { campaign: current, version: current.version, versionCreated: false, changes };
    const now = deps.clock.now();
    const versionCreated = editCreatesVersion(current.status);
    const version = versionCreated ? current.version + 1 : current.version;
    // Parts versioned with the campaign but edited elsewhere (the survey) stay as they were in the new version.
    const stored = await repository.getVersion({ campaignId: current.id, version: current.version });
    const definition = { ...after, ...versionPartsOf(stored?.definition) } as Record<string, unknown>;
    const campaign = await translateSlugConflict(after.slug, () =>
      repository.updateCampaign(current.id, { ...rowValues(after), version, updatedAt: now }),
    );
    const save = { brandId, campaignId: current.id, createdBy: updatedBy, now };
    // A campaign from before versions were kept: its settings until now become the version they were.
    if (versionCreated)
      await repository.saveVersion({
        ...save,
        version: current.version,
        definition: before as unknown as Record<string, unknown>,
        createdBy: null,
        onlyIfMissing: true,
      });
    await repository.saveVersion({ ...save, version, definition });
    await auditCampaign(tx, deps, actor, {
      action: 'campaign.updated',
      campaignId: current.id,
      data: { version, versionCreated, changed: changes.map((change) => change.path) },
    });
    return { campaign, version, versionCreated, changes };
  });
}

/**
 * Parts of a campaign kept in its versions beside the definition, though saved by their own editors: the
 * survey (`{ title, frequency, active, questions }`). The history and diffs show their changes like rules'.
 */
export const CAMPAIGN_VERSION_PARTS = ['survey'] as const;
export type CampaignVersionPart = (typeof CAMPAIGN_VERSION_PARTS)[number];

function versionPartsOf(definition: Record<string, unknown> | undefined): Record<string, unknown> {
  if (!definition) return {};
  return Object.fromEntries(
    CAMPAIGN_VERSION_PARTS.filter((part) => definition[part] !== undefined).map((part) => [
      part,
      definition[part],
    ]),
  );
}

/**
 * Records a change of one version part (the survey) of a campaign locked by the caller's transaction, like
 * an edit of its rules: a draft's version follows it in place; a published campaign gets a new version
 * (the rest of its definition as it was), so the history and the diff show what changed. Saving the same
 * part again changes nothing.
 */
export async function recordCampaignVersionPart(
  { repository, clock }: { repository: CampaignsRepository; clock: Clock },
  {
    campaign,
    part,
    value,
    updatedBy,
  }: {
    campaign: Campaign;
    part: CampaignVersionPart;
    value: Record<string, unknown>;
    updatedBy: string | null;
  },
): Promise<Omit<CampaignEditResult, 'campaign'>> {
  const stored =
    (await repository.getVersion({ campaignId: campaign.id, version: campaign.version }))?.definition ??
    (definitionOfCampaign(campaign) as unknown as Record<string, unknown>);
  const changes = diffDefinitions({ [part]: stored[part] }, { [part]: value });
  if (changes.length === 0) return { version: campaign.version, versionCreated: false, changes };
  const now = clock.now();
  const versionCreated = editCreatesVersion(campaign.status);
  const version = versionCreated ? campaign.version + 1 : campaign.version;
  const save = { brandId: campaign.brandId, campaignId: campaign.id, now };
  if (versionCreated) {
    await repository.saveVersion({
      ...save,
      version: campaign.version,
      definition: stored,
      createdBy: null,
      onlyIfMissing: true,
    });
    await repository.updateCampaign(campaign.id, { version, updatedAt: now });
  }
  await repository.saveVersion({
    ...save,
    version,
    definition: { ...stored, [part]: value },
    createdBy: updatedBy,
  });
  return { version, versionCreated, changes };
}

const CAMPAIGN_STATUS_AUDIT_ACTIONS: Record<CampaignAction, string> = {
  publish: 'campaign.published',
  pause: 'campaign.paused',
  end: 'campaign.ended',
};

/**
 * Publish, pause or end. A campaign already in the target status is left as it is (a retried click
 * changes nothing); an action that does not apply is refused with 409.
 */
export async function changeCampaignStatus(
  deps: CampaignEditingDeps,
  {
    brandId,
    ref,
    action,
    actor,
  }: {
    brandId: string;
    ref: string;
    action: CampaignAction;
    /** The console user asking: audited in the same transaction when the status changed. */
    actor?: ConsoleAuditActor | undefined;
  },
): Promise<{ campaign: Campaign; changed: boolean }> {
  return deps.db.transaction(async (tx) => {
    const repository = createCampaignsRepository({ db: tx, generateId: deps.generateId });
    const current = await findCampaignOrThrow(repository, { brandId, ref, forUpdate: true });
    const next = nextStatus(current.status, action);
    if (next.outcome === 'refused')
      throw createCampaignStatusRefusedError({
        message: `A campaign that is ${current.status} cannot be told to ${action}`,
        details: { status: current.status, action },
      });
    if (next.outcome === 'unchanged') return { campaign: current, changed: false };
    const campaign = await repository.updateCampaign(current.id, {
      status: next.status,
      updatedAt: deps.clock.now(),
    });
    await auditCampaign(tx, deps, actor, {
      action: CAMPAIGN_STATUS_AUDIT_ACTIONS[action],
      campaignId: current.id,
      data: { from: current.status, to: next.status },
    });
    return { campaign, changed: true };
  });
}

/** A draft copy of a campaign's current settings, under `slug` or the next free `<slug>-copy`. */
export async function cloneCampaign(
  deps: CampaignEditingDeps,
  {
    brandId,
    ref,
    slug,
    createdBy,
    actor,
  }: {
    brandId: string;
    ref: string;
    slug?: string;
    createdBy: string | null;
    /** The console user cloning: audited (`campaign.cloned`, naming the source) with the copy. */
    actor?: ConsoleAuditActor | undefined;
  },
): Promise<{ campaign: CampaignWithSettings }> {
  const repository = createCampaignsRepository({ db: deps.db, generateId: deps.generateId });
  const source = await findCampaignOrThrow(repository, { brandId, ref });
  const taken = new Set((await repository.listCampaigns({ brandId })).map((c) => c.slug));
  return createCampaignFromDefinition(deps, {
    brandId,
    input: { ...definitionOfCampaign(source), slug: slug ?? cloneSlug(source.slug, taken), status: 'draft' },
    createdBy,
    actor,
    audit: { action: 'campaign.cloned', data: { from: source.id } },
  });
}

export async function listCampaignVersions(
  deps: Pick<CampaignEditingDeps, 'db' | 'generateId'>,
  { brandId, ref }: { brandId: string; ref: string },
): Promise<{ campaign: Campaign; versions: CampaignVersion[] }> {
  const repository = createCampaignsRepository({ db: deps.db, generateId: deps.generateId });
  const campaign = await findCampaignOrThrow(repository, { brandId, ref });
  const versions = await repository.listVersions({ campaignId: campaign.id });
  // A campaign from before versions were kept still has its current version to show.
  if (!versions.some((row) => row.version === campaign.version))
    versions.unshift({
      id: `${campaign.id}@${campaign.version}`,
      brandId,
      campaignId: campaign.id,
      version: campaign.version,
      definition: definitionOfCampaign(campaign) as unknown as Record<string, unknown>,
      createdBy: null,
      createdAt: campaign.createdAt,
      updatedAt: campaign.updatedAt,
    });
  return { campaign, versions };
}

/** What changed from version `from` to version `to` (default: the one before `to`, and the current). */
export async function diffCampaignVersions(
  deps: Pick<CampaignEditingDeps, 'db' | 'generateId'>,
  { brandId, ref, from, to }: { brandId: string; ref: string; from?: number; to?: number },
): Promise<{ campaign: Campaign; from: number; to: number; changes: DefinitionChange[] }> {
  const repository = createCampaignsRepository({ db: deps.db, generateId: deps.generateId });
  const campaign = await findCampaignOrThrow(repository, { brandId, ref });
  const toVersion = to ?? campaign.version;
  const fromVersion = from ?? Math.max(1, toVersion - 1);
  const load = async (version: number) => {
    const row = await repository.getVersion({ campaignId: campaign.id, version });
    if (row) return row.definition;
    if (version === campaign.version) return definitionOfCampaign(campaign);
    throw createCampaignVersionNotFoundError({ details: { version } });
  };
  const [before, after] = [await load(fromVersion), await load(toVersion)];
  return { campaign, from: fromVersion, to: toVersion, changes: diffDefinitions(before, after) };
}
