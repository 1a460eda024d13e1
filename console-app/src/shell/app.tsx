import type { ComponentType } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { t } from '../i18n';
import { appLocation } from '../router';
import { loadMe, me, reauthentication } from '../session';
import { ErrorBanner } from '../ui/feedback';
import { Layout } from './layout';
import { SignInOverlay, SignInPage } from './sign-in';

/** The page an invited person opens (`/console/invite#<token>`): before, and without, any session. */
const INVITE_PATH = '/invite';

function InvitePage() {
  const [Page, setPage] = useState<ComponentType | null>(null);
  const [error, setError] = useState<unknown>();
  useEffect(() => {
    import('../pages/team/accept-invite').then((module) => setPage(() => module.default)).catch(setError);
  }, []);
  if (error) return <ErrorBanner error={error} />;
  return Page ? (
    <Page />
  ) : (
    <p class="boot" aria-busy="true">
      {t('app.name')}
    </p>
  );
}

export function App() {
  const [error, setError] = useState<unknown>();
  const load = () => {
    setError(undefined);
    loadMe().catch(setError);
  };
  useEffect(load, []);

  if (appLocation.value.path === INVITE_PATH) return <InvitePage />;
  if (error)
    return (
      <div class="sign-in-page">
        <ErrorBanner error={error} onRetry={load} />
      </div>
    );
  if (me.value === undefined)
    return (
      <p class="boot" aria-busy="true">
        {t('app.name')}
      </p>
    );
  if (me.value === null) return <SignInPage />;
  return (
    <>
      <Layout />
      {reauthentication.value ? <SignInOverlay /> : null}
    </>
  );
}
