import { useEffect, useState } from 'preact/hooks';
import { t } from '../i18n';
import { loadMe, me, reauthentication } from '../session';
import { ErrorBanner } from '../ui/feedback';
import { Layout } from './layout';
import { SignInOverlay, SignInPage } from './sign-in';

export function App() {
  const [error, setError] = useState<unknown>();
  const load = () => {
    setError(undefined);
    loadMe().catch(setError);
  };
  useEffect(load, []);

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
