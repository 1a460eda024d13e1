import { useEffect, useRef, useState } from 'preact/hooks';
import { api, isApiError } from '../../api';
import { formatDateTime } from '../../format';
import { createTranslator } from '../../i18n';
import { currentBrand, type ConsoleRole } from '../../session';
import { Banner, ErrorBanner, Loading, errorText } from '../../ui/feedback';
import { Field } from '../../ui/field';
import '../../ui/admin.css';
import { messages } from './messages';

const t = createTranslator(messages);

const ROLES: ConsoleRole[] = ['owner', 'marketer', 'reviewer', 'viewer'];

type TeamMember = {
  userId: string;
  email: string;
  name: string;
  role: ConsoleRole;
  status: 'active' | 'disabled';
  lastSignInAt: string | null;
  joinedAt: string;
};
type TeamInvitation = {
  id: string;
  email: string;
  role: ConsoleRole;
  state: 'pending' | 'expired' | 'accepted' | 'revoked';
  expiresAt: string;
  createdAt: string;
  invitedBy: { name: string; email: string } | null;
};
type Team = { members: TeamMember[]; invitations: TeamInvitation[]; you: string };

/** The words for a refused team change: the known rules in the user's language, else the server's. */
function teamErrorText(error: unknown): string {
  if (isApiError(error) && error.code === 'team.last_owner') return t('error.lastOwner');
  if (isApiError(error) && error.code === 'team.already_member') return t('error.alreadyMember');
  return errorText(error);
}

/** Team (owners): who works on the brand, with which role; invite, change roles, disable and enable. */
export default function TeamPage() {
  const [team, setTeam] = useState<Team | null>(null);
  const [loadError, setLoadError] = useState<unknown>(null);
  const [notice, setNotice] = useState<{ kind: 'success' | 'error'; text: string } | null>(null);
  const [inviting, setInviting] = useState(false);

  const load = () =>
    api
      .get<Team>('/team')
      .then((answer) => {
        setTeam(answer);
        setLoadError(null);
      })
      .catch(setLoadError);
  useEffect(() => {
    void load();
  }, []);

  const act = async (work: () => Promise<string>) => {
    setNotice(null);
    try {
      setNotice({ kind: 'success', text: await work() });
    } catch (error) {
      setNotice({ kind: 'error', text: teamErrorText(error) });
    }
    await load();
  };

  if (loadError && !team) return <ErrorBanner error={loadError} onRetry={load} />;
  if (!team) return <Loading />;
  return (
    <section class="page">
      <div class="page-head">
        <h1>{t('nav.team')}</h1>
        <span class="spacer" />
        <button type="button" class="primary" onClick={() => setInviting(true)}>
          {t('invite.open')}
        </button>
      </div>
      {notice ? <Banner kind={notice.kind}>{notice.text}</Banner> : null}
      {inviting ? (
        <InviteDialog
          onClose={(changed) => {
            setInviting(false);
            if (changed) void load();
          }}
        />
      ) : null}
      <section class="admin-section" aria-labelledby="team-people">
        <h2 id="team-people">{t('people.title')}</h2>
        <MembersTable team={team} act={act} />
      </section>
      <section class="admin-section" aria-labelledby="team-invitations">
        <h2 id="team-invitations">{t('invitations.title')}</h2>
        {team.invitations.length === 0 ? (
          <p class="muted">{t('noInvitations')}</p>
        ) : (
          <table class="data" data-testid="invitations">
            <thead>
              <tr>
                <th>{t('col.email')}</th>
                <th>{t('col.role')}</th>
                <th>{t('col.status')}</th>
                <th>{t('col.expires')}</th>
                <th>{t('col.invitedBy')}</th>
                <th>{t('col.actions')}</th>
              </tr>
            </thead>
            <tbody>
              {team.invitations.map((invitation) => (
                <tr key={invitation.id}>
                  <td>{invitation.email}</td>
                  <td>{t(`role.${invitation.role}`)}</td>
                  <td>
                    <span class={`pill ${invitation.state === 'pending' ? 'pill-warn' : ''}`}>
                      {t(`state.${invitation.state}`)}
                    </span>
                  </td>
                  <td>{formatDateTime(invitation.expiresAt)}</td>
                  <td>{invitation.invitedBy?.name || invitation.invitedBy?.email || '—'}</td>
                  <td>
                    <button
                      type="button"
                      onClick={() =>
                        act(async () => {
                          await api.delete(`/team/invitations/${encodeURIComponent(invitation.id)}`);
                          return t('saved.withdrawn', { email: invitation.email });
                        })
                      }
                    >
                      {t('withdraw')}
                    </button>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </section>
    </section>
  );
}

function MembersTable({ team, act }: { team: Team; act: (work: () => Promise<string>) => Promise<void> }) {
  const [confirming, setConfirming] = useState<string | null>(null);
  const update = (member: TeamMember, change: { role?: ConsoleRole; disabled?: boolean }) =>
    act(async () => {
      await api.patch(`/team/users/${encodeURIComponent(member.userId)}`, change);
      const name = member.name || member.email;
      if (change.role) return t('saved.role', { name, role: t(`role.${change.role}`) });
      return t(change.disabled ? 'saved.disabled' : 'saved.enabled', { name });
    });

  return (
    <table class="data" data-testid="members">
      <thead>
        <tr>
          <th>{t('col.person')}</th>
          <th>{t('col.role')}</th>
          <th>{t('col.status')}</th>
          <th>{t('col.lastSignIn')}</th>
          <th>{t('col.joined')}</th>
          <th>{t('col.actions')}</th>
        </tr>
      </thead>
      <tbody>
        {team.members.map((member) => {
          const name = member.name || member.email;
          return (
            <tr key={member.userId} data-email={member.email}>
              <td>
                {name} {member.userId === team.you ? <span class="muted">{t('you')}</span> : null}
                <div class="muted small">{member.email}</div>
              </td>
              <td>
                <select
                  aria-label={t('roleFor', { name })}
                  value={member.role}
                  onChange={(event) => {
                    const role = event.currentTarget.value as ConsoleRole;
                    if (role !== member.role) void update(member, { role });
                  }}
                >
                  {ROLES.map((role) => (
                    <option key={role} value={role}>
                      {t(`role.${role}`)}
                    </option>
                  ))}
                </select>
              </td>
              <td>
                <span class={`pill ${member.status === 'active' ? 'pill-ok' : 'pill-danger'}`}>
                  {t(`status.${member.status}`)}
                </span>
              </td>
              <td>{member.lastSignInAt ? formatDateTime(member.lastSignInAt) : t('never')}</td>
              <td>{formatDateTime(member.joinedAt)}</td>
              <td>
                <div class="row-actions">
                  {member.status === 'disabled' ? (
                    <button type="button" onClick={() => update(member, { disabled: false })}>
                      {t('enable')}
                    </button>
                  ) : confirming === member.userId ? (
                    <>
                      <span class="small">{t('disable.confirm', { name })}</span>
                      <button
                        type="button"
                        class="danger"
                        autoFocus
                        onClick={() => {
                          setConfirming(null);
                          void update(member, { disabled: true });
                        }}
                      >
                        {t('disable.yes')}
                      </button>
                      <button type="button" onClick={() => setConfirming(null)}>
                        {t('common.cancel')}
                      </button>
                    </>
                  ) : (
                    <button type="button" onClick={() => setConfirming(member.userId)}>
                      {t('disable')}
                    </button>
                  )}
                </div>
              </td>
            </tr>
          );
        })}
      </tbody>
    </table>
  );
}

type InviteAnswer =
  | { outcome: 'invited'; link: string; invitation: TeamInvitation }
  | { outcome: 'added'; member: { userId: string; email: string; role: ConsoleRole } };

/** A modal dialog (Escape closes it, focus stays inside): email + role → the one-time link to copy. */
function InviteDialog({ onClose }: { onClose: (changed: boolean) => void }) {
  const dialog = useRef<HTMLDialogElement>(null);
  const [email, setEmail] = useState('');
  const [role, setRole] = useState<ConsoleRole>('reviewer');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [answer, setAnswer] = useState<InviteAnswer | null>(null);
  const [copied, setCopied] = useState(false);
  const linkInput = useRef<HTMLInputElement>(null);

  useEffect(() => {
    const element = dialog.current;
    if (element && !element.open) element.showModal();
  }, []);
  useEffect(() => {
    if (answer?.outcome === 'invited') linkInput.current?.select();
  }, [answer]);

  const close = () => {
    dialog.current?.close();
    onClose(answer !== null);
  };

  const submit = async (event: Event) => {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      setAnswer(await api.post<InviteAnswer>('/team/invitations', { email, role }));
    } catch (caught) {
      setError(caught);
    } finally {
      setBusy(false);
    }
  };

  const copy = async () => {
    if (answer?.outcome !== 'invited') return;
    try {
      await navigator.clipboard.writeText(answer.link);
    } catch {
      // Without clipboard access (plain http, permissions), the link is selected for Ctrl+C.
      linkInput.current?.select();
    }
    setCopied(true);
  };

  const fieldErrors = isApiError(error) ? error.fieldErrors : {};
  return (
    <dialog
      ref={dialog}
      class="admin-dialog"
      aria-labelledby="invite-title"
      onCancel={(event) => {
        event.preventDefault();
        close();
      }}
    >
      <h2 id="invite-title">{t('invite.title', { brand: currentBrand.value?.name ?? '' })}</h2>
      {answer?.outcome === 'invited' ? (
        <div class="admin-form">
          <p>
            {t('invite.linkHelp', {
              email: answer.invitation.email,
              expires: formatDateTime(answer.invitation.expiresAt),
            })}
          </p>
          <div class="copy-row">
            <input
              ref={linkInput}
              readOnly
              value={answer.link}
              aria-label={t('invite.linkTitle')}
              data-testid="invite-link"
            />
            <button type="button" class="primary" onClick={() => void copy()}>
              {copied ? t('invite.copied') : t('invite.copy')}
            </button>
          </div>
          <div class="buttons">
            <button
              type="button"
              onClick={() => {
                setAnswer(null);
                setEmail('');
                setCopied(false);
              }}
            >
              {t('invite.another')}
            </button>
            <button type="button" onClick={close}>
              {t('common.close')}
            </button>
          </div>
        </div>
      ) : answer?.outcome === 'added' ? (
        <div class="admin-form">
          <Banner kind="success">
            {t('invite.added', { email: answer.member.email, role: t(`role.${answer.member.role}`) })}
          </Banner>
          <div class="buttons">
            <button type="button" onClick={close}>
              {t('common.close')}
            </button>
          </div>
        </div>
      ) : (
        <form class="admin-form" onSubmit={submit} noValidate>
          {error && !Object.keys(fieldErrors).length ? (
            <Banner kind="error">{teamErrorText(error)}</Banner>
          ) : null}
          <div class="form-row">
            <Field label={t('invite.email')} error={fieldErrors.email}>
              {(props) => (
                <input
                  {...props}
                  type="email"
                  autoFocus
                  autocomplete="off"
                  value={email}
                  onInput={(event) => setEmail(event.currentTarget.value)}
                />
              )}
            </Field>
            <Field label={t('invite.role')} error={fieldErrors.role}>
              {(props) => (
                <select
                  {...props}
                  value={role}
                  onChange={(event) => setRole(event.currentTarget.value as ConsoleRole)}
                >
                  {ROLES.map((option) => (
                    <option key={option} value={option}>
                      {t(`role.${option}`)}
                    </option>
                  ))}
                </select>
              )}
            </Field>
          </div>
          <div class="buttons">
            <button type="button" onClick={close}>
              {t('common.cancel')}
            </button>
            <button type="submit" class="primary" disabled={busy || !email.trim()}>
              {busy ? t('invite.working') : t('invite.submit')}
            </button>
          </div>
        </form>
      )}
    </dialog>
  );
}
