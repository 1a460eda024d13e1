import { useEffect, useState } from 'preact/hooks';
import { isApiError } from '../../api';
import { formatNumber } from '../../format';
import { createTranslator } from '../../i18n';
import { can, currentBrand } from '../../session';
import { Banner, ErrorBanner } from '../../ui/feedback';
import { Field } from '../../ui/field';
import { fromLocalInput } from '../rewards/shared';
import {
  broadcastsApi,
  type BroadcastBody,
  type BroadcastDefaults,
  type Estimate,
  type Locale,
  type MidSend,
  type Quota,
} from './broadcasts-api';
import { apiMessagesOf, emptyVariant, VariantEditor, type VariantDraft } from './composer';
import { extrasReady } from './extra-messages';
import { flexMessages } from './flex-messages';
import { BroadcastList } from './list';
import { messages } from './messages';
import { narrowcastMessages } from './narrowcast-messages';
import {
  demographicOf,
  emptyNarrowcast,
  NarrowcastFilter,
  NarrowcastWarnings,
  type NarrowcastDraft,
} from './narrowcast-filter';
import { SegmentBuilder, useLiveCount } from './segment-builder';
import { TestSend } from './test-send';
import { conditionOf, emptySegment, type SegmentDraft } from './segment-condition';
import './broadcasts.css';

const t = createTranslator(messages);
const tn = createTranslator(narrowcastMessages);
const tf = createTranslator(flexMessages);

/** Broadcasts: build a segment, compose (languages, A/B, holdout), check quota and send; then the list. */
export default function BroadcastsPage() {
  const [composing, setComposing] = useState(false);
  const [refresh, setRefresh] = useState(0);
  const [opened, setOpened] = useState<string>();
  return (
    <section class="page broadcasts-page">
      <div class="page-head">
        <h1>{t('nav.broadcasts')}</h1>
      </div>
      {can('broadcasts.send') && !composing ? (
        <div class="toolbar">
          <button type="button" class="primary" onClick={() => setComposing(true)}>
            {t('new')}
          </button>
        </div>
      ) : null}
      {composing ? (
        <NewBroadcast
          onClose={(sentId) => {
            setComposing(false);
            setRefresh((n) => n + 1);
            if (sentId) setOpened(sentId);
          }}
        />
      ) : null}
      <BroadcastList refresh={refresh} opened={opened} onOpen={setOpened} />
    </section>
  );
}

/** LINE sends a narrowcast only to a target reach of at least 50. */
const NARROWCAST_MIN = 50;

type Settings = {
  ab: boolean;
  holdout: string;
  when: 'now' | 'later';
  sendAt: string;
  ignoreQuietHours: boolean;
  /** Chosen in the composer; unset: the brand's setting. */
  midSend?: MidSend;
};

type Review = {
  id: string;
  estimate: Estimate;
  quota: Quota;
  body: BroadcastBody;
  /** What the saved broadcast does if quiet hours begin during the send. */
  quietHoursMidSend: MidSend;
};

function NewBroadcast({ onClose }: { onClose: (sentId?: string) => void }) {
  const defaultLocale = (currentBrand.value?.defaultLocale ?? 'zh-TW') as Locale;
  // Narrowcast cannot leave out members without opt-in consent: not offered where it is required.
  const narrowcastAllowed = currentBrand.value?.country !== 'TH';
  const [audience, setAudience] = useState<'segment' | 'line'>('segment');
  const [narrowcast, setNarrowcast] = useState<NarrowcastDraft>(emptyNarrowcast);
  const [narrowcastError, setNarrowcastError] = useState<string>();
  const [notReady, setNotReady] = useState(false);
  const [segment, setSegment] = useState<SegmentDraft>(emptySegment);
  const [savedId, setSavedId] = useState<string>();
  const [variants, setVariants] = useState<VariantDraft[]>(() => [emptyVariant()]);
  const [current, setCurrent] = useState(0);
  const [settings, setSettings] = useState<Settings>({
    ab: false,
    holdout: '0',
    when: 'now',
    sendAt: '',
    ignoreQuietHours: false,
  });
  const [review, setReview] = useState<Review>();
  // The brand's quiet hours, their mid-send setting and cap: what this broadcast starts from.
  const [defaults, setDefaults] = useState<BroadcastDefaults>();
  useEffect(() => {
    broadcastsApi.defaults().then(setDefaults, () => undefined);
  }, []);
  const midSend = settings.midSend ?? defaults?.quietHoursMidSend ?? 'wait';
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>();
  const condition = conditionOf(segment);
  const live = useLiveCount(condition);
  const first = live.preview?.sample?.[0];
  const sample = { displayName: first?.displayName || t('compose.sampleName'), points: 120 };
  const fieldErrors = isApiError(error) ? error.fieldErrors : {};
  const set = <K extends keyof Settings>(key: K, value: Settings[K]) =>
    setSettings((old) => ({ ...old, [key]: value }));

  // A narrowcast sends one body: the first variant's, whichever tab was open before.
  const editing = audience === 'line' ? 0 : current;
  const bodyOf = (): BroadcastBody => {
    if (audience === 'line') {
      // One body for everyone: the first language written.
      const { messages: first } = apiMessagesOf(variants[0] ?? emptyVariant(), defaultLocale);
      return {
        demographic: demographicOf(narrowcast),
        messages: first,
        holdoutPercent: 0,
        ...(settings.when === 'later' && settings.sendAt
          ? { sendAt: fromLocalInput(settings.sendAt) ?? undefined }
          : {}),
        ignoreQuietHours: settings.ignoreQuietHours,
      };
    }
    const [a, ...others] = variants.slice(0, settings.ab ? 2 : 1).map((v) => apiMessagesOf(v, defaultLocale));
    return {
      ...(savedId ? { segmentId: savedId } : { condition }),
      messages: a!.messages,
      ...(a!.languages ? { languages: a!.languages } : {}),
      ...(others.length > 0
        ? {
            variants: others.map((v) => ({
              messages: v.messages,
              ...(v.languages ? { languages: v.languages } : {}),
            })),
          }
        : {}),
      holdoutPercent: Number(settings.holdout || 0),
      ...(settings.when === 'later' && settings.sendAt
        ? { sendAt: fromLocalInput(settings.sendAt) ?? undefined }
        : {}),
      ignoreQuietHours: settings.ignoreQuietHours,
      // Only a choice other than the brand's is sent: left out, the server applies the brand's setting.
      ...(settings.midSend && settings.midSend !== defaults?.quietHoursMidSend
        ? { quietHoursMidSend: settings.midSend }
        : {}),
    };
  };

  const prepare = async (event: Event) => {
    event.preventDefault();
    setNarrowcastError(undefined);
    setNotReady(false);
    // An extra message left empty or a Flex JSON LINE would refuse: said at its field, nothing sent.
    const used = variants.slice(0, audience === 'line' ? 1 : settings.ab ? 2 : 1);
    if (!used.every((variant) => Object.values(variant.texts).every((words) => extrasReady(words.more)))) {
      setNotReady(true);
      requestAnimationFrame(() =>
        (
          document.querySelector<HTMLElement>('.new-broadcast [aria-invalid="true"]') ??
          [...document.querySelectorAll<HTMLTextAreaElement>('.new-broadcast .extra-message textarea')].find(
            (area) => !area.value.trim(),
          )
        )?.focus(),
      );
      return;
    }
    if (audience === 'line' && !demographicOf(narrowcast)) {
      setNarrowcastError(tn('nc.needOne'));
      return;
    }
    setBusy(true);
    setError(undefined);
    try {
      const body = bodyOf();
      const [created, quota] = await Promise.all([broadcastsApi.create(body), broadcastsApi.quota()]);
      setReview({ ...created, quota, body });
    } catch (caught) {
      setError(caught);
    } finally {
      setBusy(false);
    }
  };

  const send = async () => {
    if (!review) return;
    setBusy(true);
    setError(undefined);
    try {
      await broadcastsApi.send(review.id);
      onClose(review.id);
    } catch (caught) {
      setError(caught);
      setBusy(false);
    }
  };

  if (review) {
    const { estimate, quota } = review;
    const isNarrowcast = review.body.demographic !== undefined;
    // A narrowcast's reach is LINE's to know: the quota must at least cover LINE's minimum of 50.
    const short = isNarrowcast
      ? quota.left !== null && quota.left < NARROWCAST_MIN
      : estimate.refusal !== null;
    return (
      <div class="card stack" aria-labelledby="review-title">
        <h2 id="review-title">{t('review.title')}</h2>
        <ErrorBanner error={error} />
        {isNarrowcast ? <NarrowcastWarnings /> : null}
        <dl class="facts">
          <dt>{isNarrowcast ? tn('nc.knownFriends') : t('review.reachable')}</dt>
          <dd data-testid="review-reachable">{formatNumber(estimate.reachable)}</dd>
          {isNarrowcast ? null : (
            <>
              <dt>{t('review.messages')}</dt>
              <dd>{formatNumber(estimate.messages)}</dd>
            </>
          )}
          <dt>{t('review.plan')}</dt>
          <dd data-testid="review-plan">
            {estimate.plan ? estimate.plan.name : <span class="muted">{t('review.noPlan')}</span>}
            {!isNarrowcast && estimate.includedLeft !== null ? (
              <span class="muted">
                {' '}
                {t('review.split', {
                  within: formatNumber(estimate.withinIncluded),
                  left: formatNumber(estimate.includedLeft),
                  overage: formatNumber(estimate.overage),
                })}
              </span>
            ) : null}
          </dd>
          <dt>{isNarrowcast ? tn('nc.costUpTo') : t('review.cost')}</dt>
          <dd data-testid="review-cost">
            {estimate.cost === null ? (
              <span class="muted">
                {t(
                  estimate.refusal
                    ? 'review.costRefused'
                    : estimate.plan
                      ? 'review.costUnknown'
                      : 'review.costNoPlan',
                )}
              </span>
            ) : (
              <>
                {formatNumber(estimate.cost, { style: 'currency', currency: estimate.currency })}
                <span class="muted"> {t('review.costHint')}</span>
              </>
            )}
          </dd>
          <dt>{t('review.quota')}</dt>
          <dd data-testid="review-quota">
            {!quota.known
              ? t('review.quotaUnknown')
              : quota.limit === null
                ? t('review.quotaUnlimited', { used: formatNumber(quota.used ?? 0) })
                : t('review.quotaLeft', {
                    left: formatNumber(quota.left ?? 0),
                    limit: formatNumber(quota.limit),
                  })}
          </dd>
          <dt>{t('review.when')}</dt>
          <dd>
            {review.body.sendAt ? t('review.at', { at: settings.sendAt.replace('T', ' ') }) : t('review.now')}
            {review.body.ignoreQuietHours ? ` · ${t('review.overrideQuiet')}` : ` · ${t('review.quietHint')}`}
            {review.body.ignoreQuietHours || isNarrowcast ? null : (
              <span data-testid="review-mid-send">
                {` · ${t(review.quietHoursMidSend === 'skip' ? 'review.midSkip' : 'review.midWait')}`}
              </span>
            )}
          </dd>
        </dl>
        {short ? (
          <Banner kind="error">
            {isNarrowcast
              ? tn('nc.quotaShort')
              : estimate.refusal?.reason === 'plan_has_no_overage'
                ? t('review.planShort', {
                    needed: formatNumber(estimate.messages),
                    left: formatNumber(estimate.includedLeft ?? 0),
                    plan: estimate.plan?.name ?? '',
                  })
                : t('review.quotaShort', {
                    needed: formatNumber(estimate.messages),
                    left: formatNumber(estimate.limit !== null ? estimate.limit - (estimate.used ?? 0) : 0),
                  })}
          </Banner>
        ) : null}
        <div class="form-actions">
          <button type="button" class="primary" disabled={busy || short} onClick={send}>
            {review.body.sendAt ? t('review.schedule') : t('review.send')}
          </button>
          <button type="button" disabled={busy} onClick={() => setReview(undefined)}>
            {t('review.back')}
          </button>
        </div>
        <p class="muted">{t('review.draftKept')}</p>
      </div>
    );
  }

  return (
    <form class="stack new-broadcast" onSubmit={prepare} noValidate>
      <ErrorBanner error={error} />
      {notReady ? <Banner kind="error">{tf('flex.notReady')}</Banner> : null}
      <fieldset class="card radio-group audience">
        <legend>{tn('aud.title')}</legend>
        <label>
          <input
            type="radio"
            name="audience"
            value="segment"
            checked={audience === 'segment'}
            onChange={() => setAudience('segment')}
          />{' '}
          {tn('aud.segment')}
          <span class="muted small"> — {tn('aud.segmentHint')}</span>
        </label>
        <label>
          <input
            type="radio"
            name="audience"
            value="line"
            disabled={!narrowcastAllowed}
            checked={audience === 'line'}
            onChange={() => {
              setAudience('line');
              set('ab', false);
              set('holdout', '0');
              setCurrent(0);
            }}
          />{' '}
          {tn('aud.line')}
          <span class="muted small"> — {tn('aud.lineHint')}</span>
        </label>
        {narrowcastAllowed ? null : <p class="muted">{tn('aud.thUnavailable')}</p>}
      </fieldset>
      {audience === 'line' ? (
        <NarrowcastFilter
          draft={narrowcast}
          onChange={setNarrowcast}
          error={narrowcastError ?? fieldErrors.demographic}
        />
      ) : (
        <SegmentBuilder draft={segment} onChange={setSegment} savedId={savedId} onSavedId={setSavedId} />
      )}
      <fieldset class="card">
        <legend>{t('compose.title')}</legend>
        {settings.ab && audience !== 'line' ? (
          <div class="tabs" role="tablist" aria-label={t('ab.variants')}>
            {['A', 'B'].map((key, index) => (
              <button
                type="button"
                role="tab"
                key={key}
                aria-selected={current === index}
                onClick={() => setCurrent(index)}
              >
                {t('ab.variant', { key })}
              </button>
            ))}
          </div>
        ) : null}
        <VariantEditor
          key={editing}
          idPrefix={`variant-${editing}`}
          variant={variants[editing] ?? emptyVariant()}
          onChange={(next) => setVariants((old) => old.map((v, index) => (index === editing ? next : v)))}
          defaultLocale={defaultLocale}
          sample={sample}
          errors={fieldErrors}
          plain={audience === 'line'}
        />
        <TestSend composed={() => apiMessagesOf(variants[editing] ?? emptyVariant(), defaultLocale)} />
      </fieldset>
      <fieldset class="card">
        <legend>{t('settings.title')}</legend>
        <div class="form-grid">
          {audience === 'line' ? null : (
            <>
              <label class="check-line">
                <input
                  type="checkbox"
                  checked={settings.ab}
                  onChange={(event) => {
                    const on = event.currentTarget.checked;
                    set('ab', on);
                    if (on && variants.length < 2) setVariants((old) => [...old, emptyVariant()]);
                    if (!on) setCurrent(0);
                  }}
                />{' '}
                {t('ab.toggle')}
              </label>
              <Field label={t('ab.holdout')} hint={t('ab.holdoutHint')} error={fieldErrors.holdoutPercent}>
                {(props) => (
                  <input
                    {...props}
                    type="number"
                    min={0}
                    max={50}
                    value={settings.holdout}
                    onInput={(event) => set('holdout', event.currentTarget.value)}
                  />
                )}
              </Field>
              <div />
            </>
          )}
          <fieldset class="radio-group">
            <legend>{t('settings.when')}</legend>
            <label>
              <input
                type="radio"
                name="when"
                checked={settings.when === 'now'}
                onChange={() => set('when', 'now')}
              />{' '}
              {t('settings.now')}
            </label>
            <label>
              <input
                type="radio"
                name="when"
                checked={settings.when === 'later'}
                onChange={() => set('when', 'later')}
              />{' '}
              {t('settings.later')}
            </label>
          </fieldset>
          {settings.when === 'later' ? (
            <Field label={t('settings.sendAt')} error={fieldErrors.sendAt}>
              {(props) => (
                <input
                  {...props}
                  type="datetime-local"
                  value={settings.sendAt}
                  onInput={(event) => set('sendAt', event.currentTarget.value)}
                />
              )}
            </Field>
          ) : (
            <div />
          )}
          <label class="check-line">
            <input
              type="checkbox"
              checked={settings.ignoreQuietHours}
              onChange={(event) => set('ignoreQuietHours', event.currentTarget.checked)}
            />{' '}
            {t('settings.ignoreQuiet')}
          </label>
          {audience === 'line' ? null : (
            <div class="mid-send">
              <Field
                label={t('settings.midSend')}
                hint={t(settings.ignoreQuietHours ? 'settings.midSendOverridden' : 'settings.midSendHint')}
                error={fieldErrors.quietHoursMidSend}
              >
                {(props) => (
                  <select
                    {...props}
                    value={midSend}
                    disabled={settings.ignoreQuietHours}
                    onChange={(event) => set('midSend', event.currentTarget.value as MidSend)}
                  >
                    {(['wait', 'skip'] as const).map((choice) => {
                      const label = t(choice === 'wait' ? 'settings.midWait' : 'settings.midSkip');
                      return (
                        <option key={choice} value={choice}>
                          {choice === defaults?.quietHoursMidSend
                            ? t('settings.brandSetting', { choice: label })
                            : label}
                        </option>
                      );
                    })}
                  </select>
                )}
              </Field>
            </div>
          )}
        </div>
        {defaults ? <Rules defaults={defaults} narrowcast={audience === 'line'} /> : null}
      </fieldset>
      <div class="form-actions">
        <button type="submit" class="primary" disabled={busy}>
          {t('compose.review')}
        </button>
        <button type="button" onClick={() => onClose()}>
          {t('common.cancel')}
        </button>
      </div>
    </form>
  );
}

/** The brand's quiet hours and cap, as this broadcast will meet them. */
function Rules({ defaults, narrowcast }: { defaults: BroadcastDefaults; narrowcast: boolean }) {
  const hours = { start: defaults.quietHours.start, end: defaults.quietHours.end };
  const { messages: capped, days } = defaults.frequencyCap;
  return (
    <p class="muted" data-testid="send-rules">
      {narrowcast
        ? tn('nc.rules', hours)
        : capped === 0
          ? t('settings.rulesNoCap', hours)
          : t('settings.rules', { ...hours, messages: capped, days })}
    </p>
  );
}
