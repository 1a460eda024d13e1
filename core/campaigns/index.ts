export {
  campaigns,
  campaignVersions,
  type CampaignStatus,
  type LocalizedText,
  type ProofKind,
} from './campaigns.table.js';
export {
  activeCampaignStamps,
  listActiveCampaignsStamped,
  parseCampaignStamps,
} from './campaigns.row-stamps.js';
export {
  createCampaignsRepository,
  type Campaign,
  type CampaignVersion,
  type CampaignsRepository,
  type NewCampaign,
} from './campaigns.repository.js';
export {
  campaignDrawScheduleSchema,
  campaignRewardsSchema,
  campaignRulesSchema,
  campaignDefinitionSchema,
  DRAW_WEEKDAYS,
  localizedTextSchema,
  parseCampaignDefinition,
  parseCampaignSettings,
  PROOF_KINDS,
  type CampaignDefinition,
  type DefinitionIssue,
  type CampaignDrawSchedule,
  type CampaignRewards,
  type CampaignRewardsInput,
  type CampaignRules,
  type CampaignRulesInput,
  type DrawWeekday,
  type ItemGroup,
  type SettingsIssue,
  type StoreMatcher,
} from './campaigns.schemas.js';
export {
  computeRewards,
  dateRuleVerdicts,
  evaluateCampaignRules,
  firstFailedVerdict,
  isBusinessBuyer,
  normalizeForMatching,
  NO_REWARDS,
  type CampaignForRules,
  type MatchedItem,
  type RewardQuantities,
  type RuleName,
  type RulesContext,
  type RulesDecision,
  type RulesInvoice,
  type RulesInvoiceItem,
  type RuleVerdict,
} from './campaigns.rules.js';
export { addDays, daysBetween, localDateOf, startOfLocalDay } from './campaigns.time.js';
export {
  createCampaign,
  getCampaignWithSettings,
  readCampaignSettings,
  type CampaignWithSettings,
} from './campaigns.usecases.js';
export { getCampaignByRefOrThrow, listCampaignRefs } from './campaigns.refs.js';
export * from './campaigns.errors.js';
export {
  CAMPAIGN_ACTIONS,
  cloneSlug,
  definitionOfCampaign,
  diffDefinitions,
  editCreatesVersion,
  nextStatus,
  type CampaignAction,
  type DefinitionChange,
} from './campaigns.models.js';
export {
  changeCampaignStatus,
  cloneCampaign,
  createCampaignFromDefinition,
  createDefinitionInvalidError,
  diffCampaignVersions,
  findCampaignOrThrow,
  listCampaignVersions,
  recordCampaignVersionPart,
  updateCampaign,
  CAMPAIGN_VERSION_PARTS,
  type CampaignEditingDeps,
  type CampaignEditResult,
  type CampaignVersionPart,
} from './campaigns.editing.usecases.js';
export {
  CHECKED_RULE_OF,
  CHECKED_RULES,
  explainDecision,
  formatAmount,
  type CheckedRule,
  type CheckedRuleKey,
} from './campaigns.explain.js';
export {
  EXPLAIN_FORMATS,
  EXPLAIN_TEMPLATES,
  type ExplainFormat,
  type ExplainTemplates,
} from './campaigns.explain.messages.js';
