import { useState } from 'preact/hooks';
import { isApiError } from '../api';
import { t } from '../i18n';
import { me, signIn } from '../session';
import { Banner, errorText } from '../ui/feedback';
import { LanguageSwitcher } from './switchers';

function signInError(error: unknown): string {
  if (isApiError(error, 401)) return t('signIn.failed');
  if (isApiError(error, 429)) return t('signIn.throttled');
  if (isApiError(error, 403) && error.code === 'console.user_disabled') return t('signIn.disabled');
  return errorText(error);
}

/** Email + password. `resuming`: the overlay shown when a session ended while the user was working. */
export function SignInForm({ resuming = false }: { resuming?: boolean }) {
  const [email, setEmail] = useState(resuming ? (me.value?.user.email ?? '') : '');
  const [password, setPassword] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string>();
  const [notice, setNotice] = useState<string>();

  const submit = async (event: Event) => {
    event.preventDefault();
    setBusy(true);
    setError(undefined);
    try {
      const outcome = await signIn(email, password);
      if (outcome === 'other-user') {
        setNotice(t('signIn.otherUser'));
        location.reload();
      }
    } catch (caught) {
      setError(signInError(caught));
      setPassword('');
    } finally {
      setBusy(false);
    }
  };

  return (
    <form class="sign-in-form" onSubmit={submit} noValidate>
      <h1 id="sign-in-title">{t('signIn.title')}</h1>
      {resuming ? <Banner kind="warning">{t('signIn.expired')}</Banner> : null}
      {notice ? <Banner>{notice}</Banner> : null}
      {error ? <Banner kind="error">{error}</Banner> : null}
      <div class="field">
        <label for="sign-in-email">{t('signIn.email')}</label>
        <input
          id="sign-in-email"
          name="email"
          type="email"
          autocomplete="username"
          required
          value={email}
          onInput={(e) => setEmail(e.currentTarget.value)}
          autofocus={!resuming}
        />
      </div>
      <div class="field">
        <label for="sign-in-password">{t('signIn.password')}</label>
        <input
          id="sign-in-password"
          name="password"
          type="password"
          autocomplete="current-password"
          required
          value={password}
          onInput={(e) => setPassword(e.currentTarget.value)}
          autofocus={resuming}
        />
      </div>
      <button type="submit" class="primary" disabled={busy || !email || !password}>
        {busy ? t('signIn.working') : t('signIn.submit')}
      </button>
    </form>
  );
}

export function SignInPage() {
  return (
    <div class="sign-in-page">
      <div class="sign-in-card card">
        <p class="app-name">{t('app.name')}</p>
        <SignInForm />
        <LanguageSwitcher />
      </div>
    </div>
  );
}

/** Over the page that was being worked on, which stays mounted underneath with its edits. */
export function SignInOverlay() {
  return (
    <div class="overlay" role="dialog" aria-modal="true" aria-labelledby="sign-in-title">
      <div class="sign-in-card card">
        <SignInForm resuming />
      </div>
    </div>
  );
}
