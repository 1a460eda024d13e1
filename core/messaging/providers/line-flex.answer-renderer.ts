import type {
  Answer,
  AnswerRenderer,
  ProofAnswer,
  ProofQuestionAnswer,
  RenderContext,
  SurveyPrompt,
} from '../../conversations/index.js';
import {
  catalogs,
  describeReason,
  getList,
  getTranslator,
  hasKey,
  LOCALES,
  type Locale,
  type Translate,
} from '../../i18n/index.js';

/**
 * Renders core's answers as LINE Flex cards in the member's language, each with quick replies for the
 * next step (open the LIFF app, points, help). Every word comes from the i18n catalogs.
 */

type Component = Record<string, unknown>;

const COLORS = {
  accepted: '#06c755',
  awaiting_upload: '#f0a500',
  in_review: '#4a7bd0',
  rejected: '#d64545',
  neutral: '#2c3e50',
  survey: '#7b5ea7',
  prize: '#e07a1f',
} as const;

export const renderAnswer: AnswerRenderer = (answer, context) => {
  if (answer.kind === 'help') return renderedHelp(context);
  return render(answer, context);
};

/**
 * The help card depends on nothing but the member's language and the channel's LIFF app: rendered once
 * per pair and shared, frozen (a burst of `help` rendered and translated the same card for every member).
 */
const helpByContext = new Map<string, readonly Record<string, unknown>[]>();

function renderedHelp(context: RenderContext): Record<string, unknown>[] {
  const key = `${context.locale}\n${context.liffId ?? ''}`;
  let messages = helpByContext.get(key);
  if (!messages) {
    messages = deepFreeze(render({ kind: 'help' }, context));
    helpByContext.set(key, messages);
  }
  return [...messages] as Record<string, unknown>[];
}

function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const inner of Object.values(value)) deepFreeze(inner);
  }
  return value;
}

const render: AnswerRenderer = (answer, context) => {
  const t = getTranslator(context.locale);
  const card = cardOf(answer, t, context);
  const flex = { type: 'flex', altText: card.altText.slice(0, 400), contents: bubble(card) };
  // An accepted proof with a chat survey: the card, then the survey's first question. LINE shows the
  // quick replies of the last message only, so they are the question's choices.
  if (answer.kind === 'proof' && answer.survey?.question)
    return [flex, ...render({ kind: 'survey_question', survey: answer.survey }, context)];
  return [{ ...flex, quickReply: quickReplyOf(answer, t, context) }];
};

type Card = { title: string; color: string; lines: Component[]; altText: string; footer?: Component[] };

function cardOf(answer: Answer, t: Translate, context: RenderContext): Card {
  switch (answer.kind) {
    case 'greeting': {
      const title = answer.name ? t('greeting.title', { name: answer.name }) : t('greeting.titleNoName');
      const intro = answer.campaignName
        ? t('greeting.body', { campaign: answer.campaignName })
        : t('greeting.bodyNoCampaign');
      return {
        title,
        color: COLORS.neutral,
        altText: `${title} ${intro}`,
        lines: [
          text(intro),
          ...bullets(
            answer.proofKinds ? howToSend(answer.proofKinds, t) : getList(context.locale, 'greeting.steps'),
          ),
        ],
      };
    }
    case 'help': {
      const title = t('help.title');
      return {
        title,
        color: COLORS.neutral,
        altText: title,
        lines: [
          ...bullets(getList(context.locale, 'help.steps')),
          separator(),
          text(t('help.commands'), { size: 'sm', color: '#666666' }),
        ],
      };
    }
    case 'points': {
      const title = t('points.title');
      const balance = t('points.balance', { count: answer.balance });
      return {
        title,
        color: COLORS.accepted,
        altText: `${title}: ${balance}`,
        lines: [
          text(balance, { size: 'xxl', weight: 'bold' }),
          ...(answer.balance === 0 ? [text(t('points.none'), { size: 'sm' })] : []),
        ],
      };
    }
    case 'submissions': {
      const title = t('submissions.title');
      const lines =
        answer.items.length === 0
          ? [text(t('submissions.empty'))]
          : answer.items.map((item) =>
              text(
                t('submissions.item', {
                  date: formatDate(item.createdAt, context, false),
                  proof: item.label ?? item.proofKind,
                  state: t(`states.${item.state}`),
                }),
                { size: 'sm' },
              ),
            );
      return { title, color: COLORS.neutral, altText: title, lines };
    }
    case 'language_menu': {
      const title = t('languageMenu.title');
      return {
        title,
        color: COLORS.neutral,
        altText: title,
        lines: [text(LOCALES.map((locale) => catalogs[locale].language.name).join(' / '))],
        footer: LOCALES.map((locale) => ({
          type: 'button',
          style: 'secondary',
          height: 'sm',
          action: {
            type: 'message',
            label: catalogs[locale].language.name,
            text: catalogs[locale].language.name,
          },
        })),
      };
    }
    case 'language_set': {
      const title = t('languageMenu.set');
      return {
        title: catalogs[context.locale].language.name,
        color: COLORS.neutral,
        altText: title,
        lines: [text(title)],
      };
    }
    case 'unsupported':
      return {
        title: t('help.title'),
        color: COLORS.neutral,
        altText: t('unsupported'),
        lines: [text(t('unsupported'))],
      };
    case 'image_unreadable':
      return {
        title: t('result.rejected.title'),
        color: COLORS.rejected,
        altText: t('image.failed'),
        lines: [text(t('image.failed'))],
      };
    case 'proof':
      return proofCard(answer, t, context);
    case 'survey_question':
      return surveyQuestionCard(answer.survey, t, context);
    case 'survey_thanks': {
      const title = t('survey.thanksTitle');
      const body = t('survey.thanksBody');
      return { title, color: COLORS.survey, altText: `${title} ${body}`, lines: [text(body)] };
    }
    case 'survey_closed': {
      const title = t(answer.reason === 'answered' ? 'survey.answeredTitle' : 'survey.unavailableTitle');
      const body = t(answer.reason === 'answered' ? 'survey.answered' : 'survey.unavailable');
      return { title, color: COLORS.neutral, altText: `${title}: ${body}`, lines: [text(body)] };
    }
    case 'proof_question':
      return proofQuestionCard(answer, t, context);
    case 'question_cancelled': {
      const body = answer.invoiceNumber
        ? t('question.cancelled', { number: answer.invoiceNumber })
        : t('question.cancelledLeft');
      return { title: t('question.reminder'), color: COLORS.neutral, altText: body, lines: [text(body)] };
    }
    case 'question_closed': {
      const title = t(answer.reason === 'expired' ? 'question.expiredTitle' : 'question.goneTitle');
      const body = t(answer.reason === 'expired' ? 'question.expired' : 'question.gone');
      return { title, color: COLORS.neutral, altText: `${title}: ${body}`, lines: [text(body)] };
    }
  }
}

/** What the chat asks for: the purchase date of a barcode or printed number, or the left QR code. */
function proofQuestionCard(answer: ProofQuestionAnswer, t: Translate, context: RenderContext): Card {
  const lines: Component[] = [];
  if (answer.reminder) lines.push(text(t('question.reminder'), { size: 'sm', color: '#666666' }));
  if (answer.issue)
    lines.push(
      text(issueText({ field: 'invoiceDate', reason: answer.issue }, t, context.locale), {
        weight: 'bold',
        color: COLORS.rejected,
      }),
    );
  if (answer.ask === 'left_qr') {
    const title = t('question.leftTitle');
    lines.push(text(t('question.leftBody')), text(t('question.keptFor'), { size: 'sm', color: '#666666' }));
    return { title, color: COLORS.awaiting_upload, altText: `${title}: ${t('question.leftBody')}`, lines };
  }
  const title = t('question.dateTitle');
  const body = t('question.dateBody', { number: answer.invoiceNumber });
  lines.push(text(body));
  if (answer.period)
    lines.push(
      text(
        t('question.datePeriod', { from: shortDay(answer.min, context), to: shortDay(answer.max, context) }),
        {
          size: 'sm',
        },
      ),
    );
  if (answer.suggestedDate)
    lines.push(
      text(t('question.dateSuggested', { date: shortDay(answer.suggestedDate, context) }), { size: 'sm' }),
    );
  lines.push(text(t('question.keptFor'), { size: 'sm', color: '#666666' }));
  return { title, color: COLORS.awaiting_upload, altText: `${title} ${body}`, lines };
}

/**
 * A date question's quick replies: LINE's date picker bounded to the days allowed, then one tap per
 * recent day (the day as the member reads it; the ISO day in the postback). A left-code question
 * offers the camera and the photo roll.
 */
function proofQuestionQuickReplyOf(answer: ProofQuestionAnswer, t: Translate, context: RenderContext) {
  if (answer.ask === 'left_qr')
    return {
      items: [
        { type: 'action', action: { type: 'camera', label: clip(t('question.camera'), 20) } },
        { type: 'action', action: { type: 'cameraRoll', label: clip(t('question.cameraRoll'), 20) } },
      ],
    };
  const items: Component[] = [
    {
      type: 'action',
      action: {
        type: 'datetimepicker',
        label: clip(t('question.pickDate'), 20),
        data: answer.pickerData,
        mode: 'date',
        initial: answer.suggestedDate ?? answer.max,
        min: answer.min,
        max: answer.max,
      },
    },
    ...answer.days.map((day) => ({
      type: 'action',
      action: {
        type: 'postback',
        label: clip(shortDay(day.date, context), 20),
        data: day.data,
        displayText: day.date,
      },
    })),
  ];
  return { items };
}

/** A day as the member reads it, short enough for a quick reply: `11/5 (Tue)`, `11/5（週二）`. */
function shortDay(isoDay: string, context: RenderContext): string {
  try {
    return new Intl.DateTimeFormat(context.locale, {
      timeZone: 'UTC',
      month: 'numeric',
      day: 'numeric',
      weekday: 'short',
    }).format(new Date(`${isoDay}T00:00:00Z`));
  } catch {
    return isoDay;
  }
}

function surveyQuestionCard(survey: SurveyPrompt, t: Translate, context: RenderContext): Card {
  const title = localizedText(survey.title, context.locale) || t('survey.answer');
  const question = survey.question;
  const label = question ? localizedText(question.label, context.locale) : '';
  const lines: Component[] = [];
  if (question && question.count > 1)
    lines.push(
      text(t('survey.question', { number: question.number, count: question.count }), {
        size: 'sm',
        color: '#666666',
      }),
    );
  lines.push(text(label, { size: 'lg', weight: 'bold' }), text(t('survey.tapBelow'), { size: 'sm' }));
  return { title, color: COLORS.survey, altText: `${title}: ${label}`, lines };
}

/** The ways to send a proof the campaign accepts (a photo covers paper invoices and receipts). */
function howToSend(proofKinds: readonly string[], t: Translate): string[] {
  const ways = new Set(proofKinds.map((kind) => (kind === 'paper_invoice' ? 'receipt' : kind)));
  return (['einvoice_text', 'einvoice_qr', 'einvoice_carrier', 'receipt'] as const)
    .filter((way) => ways.has(way))
    .map((way) => t(`howTo.${way}`));
}

/** A page of the LIFF app (the app routes by the URL fragment). */
function liffPageUri(liffId: string, page: 'survey' | 'register' | 'prizes'): string {
  return `https://liff.line.me/${liffId}#/${page}`;
}

function liffButton(label: string, color: string, liffId: string, page: 'survey' | 'register' | 'prizes') {
  return {
    type: 'button',
    style: 'primary',
    height: 'sm',
    color,
    action: { type: 'uri', label: clip(label, 40), uri: liffPageUri(liffId, page) },
  };
}

function proofCard(answer: ProofAnswer, t: Translate, context: RenderContext): Card {
  const prefix = answer.later
    ? [
        text(t(answer.outcome === 'accepted' ? 'result.later.accepted' : 'result.later.rejected'), {
          size: 'sm',
          color: '#666666',
        }),
      ]
    : [];
  switch (answer.outcome) {
    case 'accepted': {
      const title = t('result.accepted.title');
      const held = answer.heldForRegistration === true;
      const earned = held
        ? (answer.pointsEarned ?? 0) > 0
          ? t('result.accepted.held', { count: answer.pointsEarned })
          : t('result.accepted.heldRewards')
        : (answer.pointsEarned ?? 0) > 0
          ? t('result.accepted.earned', { count: answer.pointsEarned })
          : t('result.accepted.earnedNothing');
      const lines = [...prefix, text(earned, { size: 'lg', weight: 'bold' })];
      if ((answer.entries ?? 0) > 0)
        lines.push(text(t('result.accepted.entries', { count: answer.entries })));
      if (held) lines.push(text(t('result.accepted.registerFirst'), { size: 'sm' }));
      else if (answer.balance !== undefined)
        lines.push(
          separator(),
          text(t('result.accepted.balance', { count: answer.balance }), { size: 'sm' }),
        );
      if (answer.instantPlay) lines.push(text(t('result.accepted.scratch'), { size: 'sm', weight: 'bold' }));
      const footer: Component[] = [];
      if (context.liffId) {
        if (held)
          footer.push(liffButton(t('result.accepted.register'), COLORS.accepted, context.liffId, 'register'));
        if (answer.instantPlay)
          footer.push(liffButton(t('result.accepted.scratchNow'), COLORS.prize, context.liffId, 'prizes'));
        // A survey only the LIFF app can take: invite the member there.
        if (answer.survey && !answer.survey.question) {
          lines.push(separator(), text(t('survey.invite'), { size: 'sm' }));
          footer.push(liffButton(t('survey.answer'), COLORS.survey, context.liffId, 'survey'));
        }
      }
      return {
        title,
        color: COLORS.accepted,
        altText: `${title} ${earned}`,
        lines,
        ...(footer.length > 0 ? { footer } : {}),
      };
    }
    case 'queued': {
      const title = t('result.queued.title');
      const minutes = Math.max(1, Math.ceil((answer.queue?.etaMs ?? 0) / 60_000));
      const lines = [...prefix, text(t('result.queued.body', { minutes }))];
      if (answer.queue)
        lines.push(
          text(t('result.queued.position', { position: answer.queue.position }), {
            size: 'sm',
            weight: 'bold',
          }),
        );
      return { title, color: COLORS.awaiting_upload, altText: title, lines };
    }
    case 'being_checked':
    case 'awaiting_upload': {
      const { outcome } = answer;
      const title = t(`result.${outcome}.title`);
      const lines = [...prefix, text(t(`result.${outcome}.body`))];
      if (answer.nextCheckAt)
        lines.push(
          text(t(`result.${outcome}.nextCheck`, { when: formatDate(answer.nextCheckAt, context, true) }), {
            size: 'sm',
            weight: 'bold',
          }),
        );
      return { title, color: COLORS.awaiting_upload, altText: title, lines };
    }
    case 'in_review': {
      const title = t('result.in_review.title');
      return {
        title,
        color: COLORS.in_review,
        altText: title,
        lines: [...prefix, text(t('result.in_review.body'))],
      };
    }
    case 'rejected': {
      const title = t('result.rejected.title');
      const reasons = (answer.reasons ?? []).map((reason) =>
        describeReason(context.locale, reason.key, reason.params),
      );
      const shown = reasons.length > 0 ? reasons : [t('result.rejected.reasonUnknown')];
      return {
        title,
        color: COLORS.rejected,
        altText: `${title}: ${shown.join('; ')}`,
        lines: [...prefix, text(t('result.rejected.body')), ...bullets(shown)],
      };
    }
    case 'duplicate_self':
    case 'duplicate_other': {
      const title = t(`result.${answer.outcome}.title`);
      const body = t(`result.${answer.outcome}.body`);
      return { title, color: COLORS.in_review, altText: `${title} ${body}`, lines: [text(body)] };
    }
    case 'invalid': {
      const title = t('result.invalid.title');
      const issues = (answer.issues ?? []).map((issue) => issueText(issue, t, context.locale));
      return {
        title,
        color: COLORS.awaiting_upload,
        altText: `${title}: ${issues.join('; ')}`,
        lines: [
          text(t('result.invalid.body')),
          ...bullets(issues),
          text(t('result.invalid.example'), { size: 'sm', color: '#666666' }),
        ],
      };
    }
    case 'no_active_campaign': {
      const title = t('result.no_active_campaign.title');
      return {
        title,
        color: COLORS.neutral,
        altText: title,
        lines: [text(t('result.no_active_campaign.body'))],
      };
    }
  }
}

function issueText(issue: { field: string; reason: string }, t: Translate, locale: Locale): string {
  if (hasKey(locale, `issues.${issue.reason}`)) return t(`issues.${issue.reason}`);
  if (hasKey(locale, `fields.${issue.field}`)) return t(`fields.${issue.field}`);
  return issue.field;
}

/**
 * A survey question's quick replies: one postback per choice (the choice's label shown as what the
 * member said), "skip" for an optional question, and the app when the survey has more than the chat asks.
 * At most 11 + 1 + 1 items (core asks no question with more choices), within LINE's 13.
 */
function surveyQuickReplyOf(survey: SurveyPrompt, t: Translate, context: RenderContext) {
  const items: Component[] = (survey.question?.options ?? []).map((option) => {
    const label = localizedText(option.label, context.locale) || '?';
    return postbackAction(label, option.data);
  });
  if (survey.question?.skipData) items.push(postbackAction(t('survey.skip'), survey.question.skipData));
  if (survey.offerApp && context.liffId)
    items.push({
      type: 'action',
      action: {
        type: 'uri',
        label: clip(t('survey.openApp'), 20),
        uri: liffPageUri(context.liffId, 'survey'),
      },
    });
  return { items };
}

function postbackAction(label: string, data: string): Component {
  return {
    type: 'action',
    action: { type: 'postback', label: clip(label, 20), data, displayText: clip(label, 300) },
  };
}

/** At most `max` characters (code points, not UTF-16 units: an emoji is not cut in half). */
function clip(value: string, max: number): string {
  return [...value].slice(0, max).join('');
}

function localizedText(value: Partial<Record<Locale, string>> | undefined, locale: Locale): string {
  if (!value) return '';
  return value[locale] ?? value.en ?? Object.values(value).find(Boolean) ?? '';
}

function quickReplyOf(answer: Answer, t: Translate, context: RenderContext) {
  if (answer.kind === 'survey_question') return surveyQuickReplyOf(answer.survey, t, context);
  if (answer.kind === 'proof_question') return proofQuestionQuickReplyOf(answer, t, context);
  const items: Component[] = [];
  if (context.liffId)
    items.push({
      type: 'action',
      action: {
        type: 'uri',
        label: t('quick.openLiff').slice(0, 20),
        uri: `https://liff.line.me/${context.liffId}`,
      },
    });
  const keyword = (name: string) => getList(context.locale, `keywords.${name}`)[0] ?? name;
  if (answer.kind !== 'points') items.push(messageAction(t('quick.points'), keyword('points')));
  if (answer.kind !== 'submissions')
    items.push(messageAction(t('quick.submissions'), keyword('submissions')));
  if (answer.kind !== 'help') items.push(messageAction(t('quick.help'), keyword('help')));
  return { items };
}

function messageAction(label: string, messageText: string): Component {
  return { type: 'action', action: { type: 'message', label: label.slice(0, 20), text: messageText } };
}

function bubble(card: Card): Component {
  return {
    type: 'bubble',
    size: 'kilo',
    header: {
      type: 'box',
      layout: 'vertical',
      backgroundColor: card.color,
      contents: [
        { type: 'text', text: card.title, weight: 'bold', size: 'lg', color: '#ffffff', wrap: true },
      ],
    },
    body: { type: 'box', layout: 'vertical', spacing: 'sm', contents: card.lines },
    ...(card.footer
      ? { footer: { type: 'box', layout: 'vertical', spacing: 'sm', contents: card.footer } }
      : {}),
  };
}

function text(value: string, style: { size?: string; weight?: string; color?: string } = {}): Component {
  return { type: 'text', text: value || ' ', wrap: true, ...style };
}

function separator(): Component {
  return { type: 'separator', margin: 'md' };
}

function bullets(lines: string[]): Component[] {
  return lines.map((line) => text(`• ${line}`, { size: 'sm' }));
}

function formatDate(iso: string, context: RenderContext, withTime: boolean): string {
  const date = new Date(iso);
  try {
    return new Intl.DateTimeFormat(context.locale, {
      timeZone: context.timezone,
      dateStyle: 'medium',
      ...(withTime ? { timeStyle: 'short' } : {}),
    }).format(date);
  } catch {
    return iso.slice(0, withTime ? 16 : 10).replace('T', ' ');
  }
}
