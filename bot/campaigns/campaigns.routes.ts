import { Router } from 'express';
import { z } from 'zod';
import {
  CAMPAIGN_ACTIONS,
  changeCampaignStatus,
  cloneCampaign,
  createCampaignFromDefinition,
  createCampaignsRepository,
  definitionOfCampaign,
  diffCampaignVersions,
  findCampaignOrThrow,
  listCampaignVersions,
  updateCampaign,
  type Campaign,
  type CampaignAction,
  type CampaignEditingDeps,
} from '../../core/campaigns/index.js';
import type { OcrEngine } from '../../core/ocr/index.js';
import { checkCampaignProofs } from '../../core/app/campaign-check.js';
import { previewCampaignTexts } from '../../core/app/campaign-preview.js';
import { saveCampaignSurveyVersioned } from '../../core/app/campaign-survey.js';
import { createSubmissionsRepository, type SubmissionsDeps } from '../../core/submissions/index.js';
import { getCampaignReplay, replayView, requestCampaignReplay } from '../../core/replays/index.js';
import { getCampaignSurvey, listSurveyAnswers } from '../../core/surveys/index.js';
import { checkBodySchema, checkLocale, rawMultipart, readCheckRequest } from './campaigns.check.js';
import { consoleActorOf, type ConsoleGuard } from '../console/index.js';
import { requireJsonForMutations } from '../middlewares/csrf.js';

export const CAMPAIGNS_PATH = '/api/console/campaigns';

const bodySchema = z.record(z.string(), z.unknown());
const updateBodySchema = bodySchema.and(z.object({ baseVersion: z.number().int().positive().optional() }));
const cloneBodySchema = z.object({ slug: z.string().optional() }).default({});
const diffQuerySchema = z.object({
  from: z.coerce.number().int().positive().optional(),
  to: z.coerce.number().int().positive().optional(),
});
const versionParamSchema = z.coerce.number().int().positive();
/** A name or description as the form holds it: any of the three languages (zod's record over an enum
 * would ask for all three, and a campaign named in zh-TW and English could not be previewed). */
const localizedSchema = z
  .strictObject({ 'zh-TW': z.string().optional(), th: z.string().optional(), en: z.string().optional() })
  .nullable()
  .optional();
const previewBodySchema = z.object({
  name: localizedSchema,
  description: localizedSchema,
  timezone: z.string().optional(),
  rules: z.unknown().optional(),
  rewards: z.unknown().optional(),
});

/** A campaign as the console reads it (the stored row; instants as ISO strings). */
export function campaignView(campaign: Campaign) {
  return {
    id: campaign.id,
    status: campaign.status,
    version: campaign.version,
    ...definitionOfCampaign(campaign),
    createdAt: campaign.createdAt.toISOString(),
    updatedAt: campaign.updatedAt.toISOString(),
  };
}

/**
 * The campaign editor's API: list, create, read, edit (versioned once published), publish / pause / end,
 * clone, and the version history with diffs. `campaigns.read` to read, `campaigns.write` to change.
 */
export function createCampaignsConsoleRouter({
  deps,
  guard,
  check,
}: {
  deps: CampaignEditingDeps;
  guard: ConsoleGuard;
  /** What the rule checker looks proofs up with (the MoF platform, built on first use) and reads photos with. */
  check: { platform: () => SubmissionsDeps['platform']; ocrEngine?: () => OcrEngine | undefined };
}): Router {
  const router = Router();
  const read = guard.require('campaigns.read');
  const write = guard.require('campaigns.write');
  const repository = () => createCampaignsRepository({ db: deps.db, generateId: deps.generateId });
  router.use(CAMPAIGNS_PATH, requireJsonForMutations);

  router.get(CAMPAIGNS_PATH, read, async (_req, res) => {
    const { brandId } = consoleActorOf(res);
    const campaigns = await repository().listCampaigns({ brandId });
    res.json({ campaigns: campaigns.map(campaignView) });
  });

  router.post(CAMPAIGNS_PATH, write, async (req, res) => {
    const actor = consoleActorOf(res);
    const { campaign } = await createCampaignFromDefinition(deps, {
      brandId: actor.brandId,
      input: bodySchema.parse(req.body ?? {}),
      createdBy: actor.userId,
      actor,
    });
    res.status(201).json({ campaign: campaignView(campaign) });
  });

  router.get(`${CAMPAIGNS_PATH}/:ref`, read, async (req, res) => {
    const { brandId } = consoleActorOf(res);
    const campaign = await findCampaignOrThrow(repository(), { brandId, ref: String(req.params.ref) });
    res.json({ campaign: campaignView(campaign) });
  });

  router.put(`${CAMPAIGNS_PATH}/:ref`, write, async (req, res) => {
    const actor = consoleActorOf(res);
    const { baseVersion, ...input } = updateBodySchema.parse(req.body ?? {});
    const result = await updateCampaign(deps, {
      brandId: actor.brandId,
      ref: String(req.params.ref),
      input,
      baseVersion,
      updatedBy: actor.userId,
      actor,
    });
    const decisions = await createSubmissionsRepository({ db: deps.db }).summarizeCampaignDecisions({
      campaignId: result.campaign.id,
    });
    res.json({
      campaign: campaignView(result.campaign),
      version: result.version,
      versionCreated: result.versionCreated,
      changes: result.changes,
      decisions,
      notice: editNotice(result, decisions),
    });
  });

  for (const action of Object.keys(CAMPAIGN_ACTIONS) as CampaignAction[]) {
    router.post(`${CAMPAIGNS_PATH}/:ref/${action}`, write, async (req, res) => {
      const actor = consoleActorOf(res);
      const { campaign, changed } = await changeCampaignStatus(deps, {
        brandId: actor.brandId,
        ref: String(req.params.ref),
        action,
        actor,
      });
      res.json({ campaign: campaignView(campaign), changed });
    });
  }

  router.post(`${CAMPAIGNS_PATH}/:ref/clone`, write, async (req, res) => {
    const actor = consoleActorOf(res);
    const { slug } = cloneBodySchema.parse(req.body ?? {});
    const { campaign } = await cloneCampaign(deps, {
      brandId: actor.brandId,
      ref: String(req.params.ref),
      slug,
      createdBy: actor.userId,
      actor,
    });
    res.status(201).json({ campaign: campaignView(campaign) });
  });

  router.get(`${CAMPAIGNS_PATH}/:ref/versions`, read, async (req, res) => {
    const { brandId } = consoleActorOf(res);
    const { campaign, versions } = await listCampaignVersions(deps, { brandId, ref: String(req.params.ref) });
    res.json({
      campaign: { id: campaign.id, slug: campaign.slug, version: campaign.version, status: campaign.status },
      versions: versions.map((version) => ({
        version: version.version,
        current: version.version === campaign.version,
        createdBy: version.createdBy,
        createdAt: version.createdAt.toISOString(),
        updatedAt: version.updatedAt.toISOString(),
      })),
    });
  });

  router.get(`${CAMPAIGNS_PATH}/:ref/versions/:version`, read, async (req, res) => {
    const { brandId } = consoleActorOf(res);
    const version = versionParamSchema.parse(req.params.version);
    const { versions } = await listCampaignVersions(deps, { brandId, ref: String(req.params.ref) });
    const row = versions.find((v) => v.version === version);
    if (!row) {
      res.status(404).json({ error: { code: 'campaign.version_not_found', message: 'No such version' } });
      return;
    }
    res.json({ version: row.version, definition: row.definition, createdAt: row.createdAt.toISOString() });
  });

  router.get(`${CAMPAIGNS_PATH}/:ref/diff`, read, async (req, res) => {
    const { brandId } = consoleActorOf(res);
    const { from, to } = diffQuerySchema.parse(req.query);
    const diff = await diffCampaignVersions(deps, { brandId, ref: String(req.params.ref), from, to });
    res.json({ from: diff.from, to: diff.to, changes: diff.changes });
  });

  // The rule checker: what the rules (the campaign's, or draft ones) make of proofs; nothing is stored.
  router.post(`${CAMPAIGNS_PATH}/:ref/check`, write, rawMultipart, async (req, res) => {
    const actor = consoleActorOf(res);
    const { body, photos } = await readCheckRequest(req);
    const parsed = checkBodySchema.parse(body);
    const answer = await checkCampaignProofs(
      { ...deps, ...check },
      {
        brandId: actor.brandId,
        ref: String(req.params.ref),
        proofs: [...parsed.proofs, ...photos],
        rules: parsed.rules,
        rewards: parsed.rewards,
        registeredAt: parsed.registeredAt ? new Date(parsed.registeredAt) : undefined,
        locale: checkLocale(req, parsed.lang),
      },
    );
    res.vary('accept-language').json(answer);
  });

  // What-if replay: the brand's decided proofs of the last N days through draft rules (a background job).
  router.post(`${CAMPAIGNS_PATH}/:ref/what-if`, write, async (req, res) => {
    const actor = consoleActorOf(res);
    const { replay } = await requestCampaignReplay(deps, {
      brandId: actor.brandId,
      ref: String(req.params.ref),
      input: req.body ?? {},
      requestedBy: actor.userId,
    });
    res.status(202).json({ replay: replayView(replay) });
  });

  router.get(`${CAMPAIGNS_PATH}/:ref/what-if/:replayId`, read, async (req, res) => {
    const { brandId } = consoleActorOf(res);
    const { replay } = await getCampaignReplay(deps, {
      brandId,
      ref: String(req.params.ref),
      replayId: String(req.params.replayId),
    });
    res.json({ replay: replayView(replay) });
  });

  // The campaign's survey (the builder) and its answers (exported by the console as CSV).
  router.get(`${CAMPAIGNS_PATH}/:ref/survey`, read, async (req, res) => {
    const { brandId } = consoleActorOf(res);
    const campaign = await findCampaignOrThrow(repository(), { brandId, ref: String(req.params.ref) });
    res.json({ survey: (await getCampaignSurvey(deps.db, { brandId, campaignId: campaign.id })) ?? null });
  });

  router.put(`${CAMPAIGNS_PATH}/:ref/survey`, write, async (req, res) => {
    const actor = consoleActorOf(res);
    const { survey, created, version, versionCreated, changes } = await saveCampaignSurveyVersioned(deps, {
      brandId: actor.brandId,
      ref: String(req.params.ref),
      input: req.body ?? {},
      updatedBy: actor.userId,
      actor,
    });
    res.status(created ? 201 : 200).json({ survey, version, versionCreated, changes });
  });

  router.get(`${CAMPAIGNS_PATH}/:ref/survey/answers`, guard.require('exports.run'), async (req, res) => {
    const { brandId } = consoleActorOf(res);
    const campaign = await findCampaignOrThrow(repository(), { brandId, ref: String(req.params.ref) });
    const survey = await getCampaignSurvey(deps.db, { brandId, campaignId: campaign.id });
    const answers = survey ? await listSurveyAnswers(deps.db, { surveyId: survey.id }) : [];
    res.json({
      answers: answers.map((answer) => ({ ...answer, createdAt: answer.createdAt.toISOString() })),
    });
  });

  // What members will read (chat answers, LIFF name) in each language, for the saved or draft settings.
  router.post(`${CAMPAIGNS_PATH}/:ref/preview`, read, async (req, res) => {
    const { brandId } = consoleActorOf(res);
    const campaign = await findCampaignOrThrow(repository(), { brandId, ref: String(req.params.ref) });
    const draft = previewBodySchema.parse(req.body ?? {});
    const saved = definitionOfCampaign(campaign);
    const previews = previewCampaignTexts({
      name: draft.name ?? saved.name,
      description: draft.description === undefined ? saved.description : draft.description,
      timezone: draft.timezone ?? saved.timezone,
      rules: draft.rules ?? saved.rules,
      rewards: draft.rewards ?? saved.rewards,
    });
    res.json({ previews });
  });

  return router;
}

/** Says, in words, what an edit does to proofs already decided and to those still waiting. */
function editNotice(
  result: { version: number; versionCreated: boolean; changes: unknown[] },
  decisions: { decided: number; pending: number },
): string {
  if (result.changes.length === 0) return 'Nothing changed.';
  const kept =
    decisions.decided === 0
      ? 'No proof has been decided yet, so nothing already decided is re-judged.'
      : `${decisions.decided} proof(s) already decided keep their decision and the version they were judged under; nothing is re-judged.`;
  const pending =
    decisions.pending > 0
      ? ` ${decisions.pending} proof(s) still waiting will be judged under version ${result.version}.`
      : '';
  return `${result.versionCreated ? `Saved as version ${result.version}.` : `Draft saved (version ${result.version}).`} ${kept}${pending}`;
}
