import { recordConsoleAction, type ConsoleAuditActor } from '../audit/index.js';
import {
  createCampaignsRepository,
  findCampaignOrThrow,
  recordCampaignVersionPart,
  type CampaignEditingDeps,
  type CampaignEditResult,
} from '../campaigns/index.js';
import { saveCampaignSurvey, surveyVersionPart, type Survey } from '../surveys/index.js';

/**
 * The survey builder's save: the campaign's survey, and in the same transaction its place in the
 * campaign's versions — on a published campaign a changed survey is a new version (history and diff show
 * it, like a rule change); on a draft the draft's version follows it. Answers already given stay as they were.
 */
export async function saveCampaignSurveyVersioned(
  deps: CampaignEditingDeps,
  {
    brandId,
    ref,
    input,
    updatedBy,
    actor,
  }: {
    brandId: string;
    ref: string;
    input: unknown;
    updatedBy: string | null;
    /** The console user saving: audited (`campaign.survey_saved`) in the same transaction when it changed. */
    actor?: ConsoleAuditActor | undefined;
  },
): Promise<{ survey: Survey; created: boolean } & Omit<CampaignEditResult, 'campaign'>> {
  return deps.db.transaction(async (tx) => {
    const repository = createCampaignsRepository({ db: tx, generateId: deps.generateId });
    // Locked first: two saves of one campaign's survey (or a survey and a rules edit) take turns.
    const campaign = await findCampaignOrThrow(repository, { brandId, ref, forUpdate: true });
    const saved = await saveCampaignSurvey(
      { db: tx, generateId: deps.generateId },
      { brandId, campaignId: campaign.id, input },
    );
    const recorded = await recordCampaignVersionPart(
      { repository, clock: deps.clock },
      { campaign, part: 'survey', value: surveyVersionPart(saved.survey), updatedBy },
    );
    if (actor && recorded.changes.length > 0)
      await recordConsoleAction(tx, deps, actor, {
        action: 'campaign.survey_saved',
        targetType: 'campaign',
        targetId: campaign.id,
        data: {
          surveyId: saved.survey.id,
          version: recorded.version,
          versionCreated: recorded.versionCreated,
        },
      });
    return { ...saved, ...recorded };
  });
}
