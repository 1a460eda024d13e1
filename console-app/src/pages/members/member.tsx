import type { ComponentChildren } from 'preact';
import { useEffect, useLayoutEffect, useRef, useState } from 'preact/hooks';
import { fetchObjectUrl } from '../../api';
import { formatDate, formatDateTime, formatMoney, formatNumber } from '../../format';
import { createTranslator } from '../../i18n';
import { appLocation, navigate } from '../../router';
import { can } from '../../session';
import { downloadFile } from '../../ui/csv';
import { Banner, ErrorBanner, Loading } from '../../ui/feedback';
import { Link } from '../../ui/link';
import { localized } from '../../ui/localized';
import { membersApi, type MemberPage, type SurveyQuestion } from './members-api';
import { messages as reviewMessages } from '../review/messages';
import { messages } from './messages';
import { isTyping } from './search';

const t = createTranslator(messages);
/** The review page names the proof states; the members page says them the same way. */
const reviewT = createTranslator(reviewMessages);

/** A word of ours for a server code when we have one (`ledger.earn`), else the code itself. */
function label(prefix: string, code: string | null | undefined, translate: (key: never) => string = t) {
  if (!code) return '—';
  const key = `${prefix}.${code}`;
  const text = translate(key as never);
  return text === key ? code : text;
}

/** One member: profile, consents and their history, points, proofs with photos, redemptions, prizes, surveys. */
export function MemberDetail({ memberId }: { memberId: string }) {
  const [page, setPage] = useState<MemberPage>();
  const [error, setError] = useState<unknown>();
  const [photo, setPhoto] = useState<{ url: string; alt: string }>();

  const load = () =>
    membersApi
      .get(memberId)
      .then((answer) => {
        setPage(answer);
        setError(undefined);
      })
      .catch(setError);
  useEffect(() => {
    void load();
  }, [memberId]);

  // The search it came from (`?q=` rides along in the member's URL).
  const searchPath = `/members${appLocation.value.search}`;
  // Escape (outside a field, with no photo open) goes back to the search. The photo is read from a ref set
  // as the page renders: an effect re-registered with the new `photo` runs only after the next frame, and an
  // Escape pressed as soon as the viewer shows would otherwise leave the member as well as close the photo.
  const photoOpen = useRef(photo);
  photoOpen.current = photo;
  useEffect(() => {
    const onKey = (event: KeyboardEvent) => {
      if (photoOpen.current || isTyping(event.target) || event.defaultPrevented) return;
      if (event.key === 'Escape') {
        event.preventDefault();
        navigate(searchPath);
      }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [searchPath]);

  const back = (
    <Link to={searchPath} class="back-link">
      ← {t('member.back')}
    </Link>
  );
  if (error && !page)
    return (
      <section class="page members-page">
        {back}
        <ErrorBanner error={error} onRetry={() => void load()} />
      </section>
    );
  if (!page)
    return (
      <section class="page members-page">
        {back}
        <Loading />
      </section>
    );

  const { member } = page;
  const title = member.erasedAt ? t('member.erased') : (member.name ?? member.displayName ?? member.id);
  return (
    <section class="page members-page member-page" data-member={member.id}>
      {back}
      <div class="page-head">
        <h1>{title}</h1>
        {member.erasedAt ? <span class="badge badge-warn">{t('member.erased')}</span> : null}
        {!member.erasedAt && !member.following ? <span class="badge">{t('member.notFollowing')}</span> : null}
        <span class="spacer" />
        <MemberActions page={page} onErased={() => void load()} />
      </div>
      <ErrorBanner error={error} />
      <div class="member-grid">
        <Card title={t('section.profile')}>
          <dl class="facts">
            <Fact term={t('profile.displayName')}>{member.displayName}</Fact>
            <Fact term={t('profile.name')}>{member.name}</Fact>
            <Fact term={t('profile.phone')}>{member.phone}</Fact>
            <Fact term={t('profile.email')}>{member.email}</Fact>
            <Fact term={t('profile.memberNo')}>{member.memberNo}</Fact>
            <Fact term={t('profile.birthday')}>{member.birthday ? formatDate(member.birthday) : null}</Fact>
            <Fact term={t('profile.gender')}>{member.gender ? label('gender', member.gender) : null}</Fact>
            <Fact term={t('profile.region')}>{member.region}</Fact>
            <Fact term={t('profile.language')}>{label('lang', member.locale)}</Fact>
            <Fact term={t('profile.registered')}>{formatDateTime(member.registeredAt)}</Fact>
            <Fact term={t('profile.lastActive')}>{formatDateTime(member.lastActiveAt)}</Fact>
            <Fact term={t('profile.id')}>
              <span class="mono">{member.id}</span>
            </Fact>
          </dl>
        </Card>
        <Consents consents={page.consents} />
      </div>
      <Card title={t('section.proofs', { count: page.proofs.length })} class="member-proofs">
        {page.proofs.length === 0 ? (
          <p class="muted">{t('common.empty')}</p>
        ) : (
          <table class="data">
            <thead>
              <tr>
                <th>{t('col.photo')}</th>
                <th>{t('col.sent')}</th>
                <th>{t('col.proof')}</th>
                <th class="num">{t('col.amount')}</th>
                <th>{t('col.state')}</th>
                <th>{t('col.decision')}</th>
              </tr>
            </thead>
            <tbody>
              {page.proofs.map((proof) => (
                <tr key={proof.id} data-proof={proof.id}>
                  <td>
                    {proof.imageUrl ? (
                      <Thumbnail
                        url={proof.imageUrl}
                        alt={t('photo.alt', { date: formatDateTime(proof.createdAt) })}
                        onOpen={setPhoto}
                      />
                    ) : (
                      <span class="muted">—</span>
                    )}
                  </td>
                  <td>
                    {formatDateTime(proof.createdAt)}
                    <div class="muted small">{localized(proof.campaignName)}</div>
                  </td>
                  <td>
                    {label('kind', proof.kind)}
                    {proof.invoiceNumber ? <div class="mono">{proof.invoiceNumber}</div> : null}
                    {proof.sellerName ? <div class="muted small">{proof.sellerName}</div> : null}
                  </td>
                  <td class="num">
                    {proof.totalMinor === null
                      ? '—'
                      : formatMoney(proof.totalMinor, proof.currency ?? undefined)}
                  </td>
                  <td>
                    <span class={`badge ${stateBadge(proof.state)}`}>
                      {label('state', proof.state, reviewT)}
                    </span>
                  </td>
                  <td>
                    {proof.reasonCode ? <div>{label('reason', proof.reasonCode)}</div> : null}
                    {proof.decidedAt ? (
                      <div class="muted small">
                        {formatDateTime(proof.decidedAt)}
                        {proof.reviewedBy ? ` · ${proof.reviewedBy}` : ''}
                      </div>
                    ) : null}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </Card>
      <div class="member-grid">
        <Card title={t('section.points')} class="member-points">
          <p class="balance">
            {t('points.balance')}{' '}
            <strong data-testid="points-balance">{formatNumber(page.points.balance)}</strong>
          </p>
          {page.points.ledger.length === 0 ? (
            <p class="muted">{t('common.empty')}</p>
          ) : (
            <table class="data compact">
              <thead>
                <tr>
                  <th>{t('col.when')}</th>
                  <th>{t('col.entry')}</th>
                  <th class="num">{t('col.points')}</th>
                </tr>
              </thead>
              <tbody>
                {page.points.ledger.map((entry) => (
                  <tr key={entry.id}>
                    <td>{formatDateTime(entry.createdAt)}</td>
                    <td>
                      {label('ledger', entry.kind)}
                      {entry.reason ? (
                        <span class="muted"> · {label('ledgerReason', entry.reason)}</span>
                      ) : null}
                    </td>
                    <td class={`num ${entry.points < 0 ? 'negative' : 'positive'}`}>
                      {entry.points > 0 ? '+' : ''}
                      {formatNumber(entry.points)}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
        </Card>
        <div class="stack">
          <Card title={t('section.redemptions')}>
            {page.redemptions.length === 0 ? (
              <p class="muted">{t('common.empty')}</p>
            ) : (
              <table class="data compact">
                <tbody>
                  {page.redemptions.map((redemption) => (
                    <tr key={redemption.id}>
                      <td>{formatDateTime(redemption.createdAt)}</td>
                      <td>
                        {localized(redemption.rewardName)}
                        {redemption.couponCode ? <div class="mono">{redemption.couponCode}</div> : null}
                      </td>
                      <td class="num">{formatNumber(-redemption.points)}</td>
                      <td>{label('redemption', redemption.state)}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            )}
          </Card>
          <Card title={t('section.prizes')}>
            {page.prizes.length === 0 ? (
              <p class="muted">{t('common.empty')}</p>
            ) : (
              <table class="data compact">
                <tbody>
                  {page.prizes.map((prize) => (
                    <tr key={prize.id}>
                      <td>{formatDateTime(prize.at)}</td>
                      <td>
                        {localized(prize.name) || t('prize.reserveName')}
                        <div class="muted small">
                          {prize.source === 'draw' ? localized(prize.drawName) : t('prize.instant')}
                        </div>
                      </td>
                      <td class="num">{prize.valueMinor ? formatMoney(prize.valueMinor) : ''}</td>
                      <td>
                        {label('prize', prize.status)}
                        {prize.notifiedAt ? <div class="muted small">{t('prize.told')}</div> : null}
                        {prize.paperwork !== 'not_needed' ? (
                          <span class={`badge ${prize.paperwork === 'received' ? 'badge-ok' : 'badge-warn'}`}>
                            {t(`prize.tax.${prize.paperwork}`)}
                          </span>
                        ) : null}
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            )}
          </Card>
        </div>
      </div>
      <Card title={t('section.surveys')}>
        {page.surveyAnswers.length === 0 ? (
          <p class="muted">{t('common.empty')}</p>
        ) : (
          page.surveyAnswers.map((answer) => (
            <div key={answer.id} class="survey-answer">
              <h3>
                {localized(answer.surveyTitle)}{' '}
                <span class="muted small">{formatDateTime(answer.createdAt)}</span>
              </h3>
              <dl class="facts">
                {answer.questions.map((question) => (
                  <Fact key={question.key} term={localized(question.label) || question.key}>
                    {answerText(question, answer.answers[question.key])}
                  </Fact>
                ))}
              </dl>
            </div>
          ))
        )}
      </Card>
      {photo ? <PhotoViewer photo={photo} onClose={() => setPhoto(undefined)} /> : null}
    </section>
  );
}

function stateBadge(state: string) {
  if (state === 'rewarded' || state === 'accepted') return 'badge-ok';
  if (state === 'rejected') return 'badge-warn';
  return '';
}

function answerText(question: SurveyQuestion, value: string | string[] | number | undefined): string | null {
  if (value === undefined || value === '') return null;
  const option = (key: string) => localized(question.options?.find((o) => o.key === key)?.label) || key;
  if (Array.isArray(value)) return value.map(option).join(', ');
  if (typeof value === 'number') return formatNumber(value);
  return question.options ? option(value) : value;
}

function Card({
  title,
  class: className,
  children,
}: {
  title: string;
  class?: string;
  children: ComponentChildren;
}) {
  return (
    <section class={`card member-card${className ? ` ${className}` : ''}`}>
      <h2>{title}</h2>
      {children}
    </section>
  );
}

function Fact({ term, children }: { term: string; children: ComponentChildren }) {
  return (
    <>
      <dt>{term}</dt>
      <dd>{children === null || children === undefined || children === '' ? '—' : children}</dd>
    </>
  );
}

function Consents({ consents }: { consents: MemberPage['consents'] }) {
  return (
    <Card title={t('section.consents')} class="member-consents">
      <dl class="facts">
        {(['data_processing', 'marketing'] as const).map((kind) => {
          const current = consents.current[kind];
          return (
            <Fact key={kind} term={t(`consent.${kind}`)}>
              {current ? (
                <>
                  <span class={`badge ${current.granted ? 'badge-ok' : 'badge-warn'}`}>
                    {current.granted ? t('consent.granted') : t('consent.refused')}
                  </span>{' '}
                  <span class="muted small">{formatDateTime(current.recordedAt)}</span>
                </>
              ) : (
                t('consent.never')
              )}
            </Fact>
          );
        })}
      </dl>
      <h3>{t('consent.history')}</h3>
      {consents.history.length === 0 ? (
        <p class="muted">{t('common.empty')}</p>
      ) : (
        <table class="data compact">
          <tbody>
            {[...consents.history].reverse().map((row) => (
              <tr key={row.id}>
                <td>{formatDateTime(row.recordedAt)}</td>
                <td>{t(`consent.${row.kind}`)}</td>
                <td>{row.granted ? t('consent.granted') : t('consent.refused')}</td>
                <td class="muted small">
                  {label('source', row.source)} · <span class="mono">{row.textVersion}</span>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </Card>
  );
}

/** A proof photo's thumbnail (its bytes fetched with the brand named); a click opens it larger. */
function Thumbnail({
  url,
  alt,
  onOpen,
}: {
  url: string;
  alt: string;
  onOpen: (photo: { url: string; alt: string }) => void;
}) {
  const [src, setSrc] = useState<string>();
  const [failed, setFailed] = useState(false);
  useEffect(() => {
    let live = true;
    let objectUrl: string | undefined;
    fetchObjectUrl(url)
      .then((loaded) => {
        objectUrl = loaded;
        if (live) setSrc(loaded);
        else URL.revokeObjectURL(loaded);
      })
      .catch(() => live && setFailed(true));
    return () => {
      live = false;
      if (objectUrl) URL.revokeObjectURL(objectUrl);
    };
  }, [url]);
  if (failed) return <span class="muted small">{t('photo.failed')}</span>;
  return (
    <button
      type="button"
      class="thumb"
      // Until its bytes are here there is nothing to open: a disabled button, not a click that does nothing.
      disabled={!src}
      aria-busy={!src}
      onClick={() => src && onOpen({ url: src, alt })}
      aria-label={t('photo.open')}
    >
      {src ? <img src={src} alt={alt} /> : <span class="thumb-wait" aria-busy="true" />}
    </button>
  );
}

/** The photo large, over the page; Escape or the button closes it. */
function PhotoViewer({ photo, onClose }: { photo: { url: string; alt: string }; onClose: () => void }) {
  const close = useRef<HTMLButtonElement>(null);
  // A layout effect: its Escape listener is there as soon as the viewer is (a plain effect waits a frame).
  useLayoutEffect(() => {
    const opener = document.activeElement as HTMLElement | null;
    close.current?.focus();
    const onKey = (event: KeyboardEvent) => {
      if (event.key === 'Escape') {
        event.preventDefault();
        onClose();
      }
    };
    window.addEventListener('keydown', onKey);
    return () => {
      window.removeEventListener('keydown', onKey);
      opener?.focus();
    };
  }, []);
  return (
    <div class="photo-viewer" role="dialog" aria-modal="true" aria-label={photo.alt} onClick={onClose}>
      <img src={photo.url} alt={photo.alt} onClick={(event) => event.stopPropagation()} />
      <button type="button" ref={close} onClick={onClose}>
        {t('common.close')}
      </button>
    </div>
  );
}

/** Export ("my data", a JSON file) for who may run exports; erasure for owners, after typing the member id. */
function MemberActions({ page, onErased }: { page: MemberPage; onErased: () => void }) {
  const [busy, setBusy] = useState<'export' | 'erase'>();
  const [error, setError] = useState<unknown>();
  const [confirming, setConfirming] = useState(false);
  const [typed, setTyped] = useState('');
  const [done, setDone] = useState<string>();
  const typedInput = useRef<HTMLInputElement>(null);
  const { member } = page;
  useEffect(() => {
    if (confirming) typedInput.current?.focus();
  }, [confirming]);

  const exportData = async () => {
    setBusy('export');
    setError(undefined);
    try {
      const document = await membersApi.export(member.id);
      downloadFile(`member-${member.id}.json`, JSON.stringify(document, null, 2), 'application/json');
      setDone(t('export.done'));
    } catch (failure) {
      setError(failure);
    } finally {
      setBusy(undefined);
    }
  };
  const erase = async () => {
    if (typed.trim() !== member.id) return;
    setBusy('erase');
    setError(undefined);
    try {
      await membersApi.erase(member.id);
      setConfirming(false);
      setDone(t('erase.done'));
      onErased();
    } catch (failure) {
      setError(failure);
    } finally {
      setBusy(undefined);
    }
  };

  return (
    <div class="member-actions">
      {can('exports.run') ? (
        <button type="button" onClick={() => void exportData()} disabled={busy !== undefined}>
          {busy === 'export' ? t('export.working') : t('export.button')}
        </button>
      ) : null}
      {can('members.erase') && !member.erasedAt ? (
        <button
          type="button"
          class="danger"
          onClick={() => setConfirming(true)}
          disabled={busy !== undefined}
        >
          {t('erase.button')}
        </button>
      ) : null}
      {done ? <Banner kind="success">{done}</Banner> : null}
      <ErrorBanner error={error} />
      {confirming ? (
        <div class="modal-backdrop" role="alertdialog" aria-modal="true" aria-labelledby="erase-title">
          <form
            class="card erase-confirm"
            onSubmit={(event) => {
              event.preventDefault();
              void erase();
            }}
          >
            <h2 id="erase-title">{t('erase.title')}</h2>
            <p>{t('erase.explain')}</p>
            <label for="erase-typed">{t('erase.type', { id: member.id })}</label>
            <input
              id="erase-typed"
              autoComplete="off"
              value={typed}
              onInput={(event) => setTyped((event.target as HTMLInputElement).value)}
              onKeyDown={(event) => {
                if (event.key === 'Escape') {
                  event.preventDefault();
                  setConfirming(false);
                }
              }}
              ref={typedInput}
            />
            <div class="form-actions">
              <button
                type="submit"
                class="danger"
                disabled={typed.trim() !== member.id || busy !== undefined}
              >
                {busy === 'erase' ? t('erase.working') : t('erase.confirm')}
              </button>
              <button type="button" onClick={() => setConfirming(false)}>
                {t('common.cancel')}
              </button>
            </div>
          </form>
        </div>
      ) : null}
    </div>
  );
}
