import { useEffect, useState } from 'preact/hooks';
import { api, isApiError } from '../../api';
import { formatDateTime } from '../../format';
import { createTranslator } from '../../i18n';
import { hrefOf, navigate } from '../../router';
import { me, type ConsoleRole, type Me } from '../../session';
import { LanguageSwitcher } from '../../shell/switchers';
import { Banner, Loading, errorText } from '../../ui/feedback';
import { Field } from '../../ui/field';
import { messages } from './messages';

const t = createTranslator(messages);

const MIN_PASSWORD_LENGTH = 8;

type Invitation = {
  email: string;
  role: ConsoleRole;
  brand: { id: string; name: string };
  expiresAt: string;
};

function invitationErrorText(error: unknown): string {
  if (isApiError(error)) {
    if (error.code === 'team.invitation_used') return t('accept.used');
    if (error.code === 'team.invitation_expired') return t('accept.expired');
    if (error.code === 'team.invitation_revoked') return t('accept.revoked');
    if (error.code === 'team.invitation_not_found') return t('accept.invalid');
    if (error.code === 'console.email_taken') return t('accept.exists');
    if (error.code === 'console.weak_password') return t('accept.short');
  }
  return errorText(error);
}

/**
 * The page an invited person opens from the owner's one-time link (`/console/invite#<token>`; the token
 * rides in the fragment, so it reaches no server log): their name and a password, then they are signed in.
 */
export default function AcceptInvitePage() {
  const token = decodeURIComponent(location.hash.replace(/^#/, ''));
  const [invitation, setInvitation] = useState<Invitation | null>(null);
  const [refusal, setRefusal] = useState<string | null>(null);
  const [name, setName] = useState('');
  const [password, setPassword] = useState('');
  const [repeat, setRepeat] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    if (!token) {
      setRefusal(t('accept.invalid'));
      return;
    }
    api
      .post<Invitation>('/invitations/lookup', { token }, { reauthenticate: false, brand: null })
      .then(setInvitation)
      .catch((caught: unknown) => setRefusal(invitationErrorText(caught)));
  }, [token]);

  const problem =
    password && password.length < MIN_PASSWORD_LENGTH
      ? t('accept.short')
      : repeat && repeat !== password
        ? t('accept.mismatch')
        : null;

  const submit = async (event: Event) => {
    event.preventDefault();
    if (problem) return;
    setBusy(true);
    setError(null);
    try {
      const signedIn = await api.post<Me>(
        '/invitations/accept',
        { token, name, password },
        { reauthenticate: false, brand: null },
      );
      me.value = signedIn;
      // Off the invitation URL (and its token) before anything else is shown.
      navigate('/', { replace: true });
    } catch (caught) {
      setError(invitationErrorText(caught));
      setBusy(false);
    }
  };

  return (
    <div class="sign-in-page">
      <div class="sign-in-card card">
        <p class="app-name">{t('app.name')}</p>
        {refusal ? (
          <>
            <Banner kind="error">{refusal}</Banner>
            <p>
              <a href={hrefOf('/')}>{t('accept.toSignIn')}</a>
            </p>
          </>
        ) : !invitation ? (
          <Loading />
        ) : (
          <form class="sign-in-form" onSubmit={submit} noValidate>
            <h1>{t('accept.title', { brand: invitation.brand.name })}</h1>
            <p>
              {t('accept.intro', { role: t(`role.${invitation.role}`), email: invitation.email })}{' '}
              <span class="muted">({formatDateTime(invitation.expiresAt)})</span>
            </p>
            {error ? <Banner kind="error">{error}</Banner> : null}
            <input type="email" hidden autocomplete="username" value={invitation.email} readOnly />
            <Field label={t('accept.name')}>
              {(props) => (
                <input
                  {...props}
                  autoFocus
                  autocomplete="name"
                  required
                  value={name}
                  onInput={(event) => setName(event.currentTarget.value)}
                />
              )}
            </Field>
            <Field label={t('accept.password')}>
              {(props) => (
                <input
                  {...props}
                  type="password"
                  autocomplete="new-password"
                  required
                  value={password}
                  onInput={(event) => setPassword(event.currentTarget.value)}
                />
              )}
            </Field>
            <Field label={t('accept.repeat')} error={problem ?? undefined}>
              {(props) => (
                <input
                  {...props}
                  type="password"
                  autocomplete="new-password"
                  required
                  value={repeat}
                  onInput={(event) => setRepeat(event.currentTarget.value)}
                />
              )}
            </Field>
            <button
              type="submit"
              class="primary"
              disabled={busy || !name.trim() || !password || password !== repeat || Boolean(problem)}
            >
              {busy ? t('accept.working') : t('accept.submit')}
            </button>
          </form>
        )}
        <LanguageSwitcher />
      </div>
    </div>
  );
}
