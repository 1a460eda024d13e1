import { t } from '../i18n';
import { appLocation, matchPath } from '../router';
import { currentBrand, me, signOut } from '../session';
import { Banner } from '../ui/feedback';
import { Link } from '../ui/link';
import { PageHost, visibleRoutes } from './page-host';
import { BrandSwitcher, LanguageSwitcher } from './switchers';

function Navigation() {
  const path = appLocation.value.path;
  return (
    <nav class="nav" aria-label={t('nav.label')}>
      <ul>
        {visibleRoutes().map((route) => {
          const active = Boolean(matchPath(route.path, path) || path.startsWith(`${route.path}/`));
          return (
            <li key={route.path}>
              <Link
                to={route.path}
                class={active ? 'active' : undefined}
                aria-current={active ? 'page' : undefined}
              >
                {t(route.nav!)}
              </Link>
            </li>
          );
        })}
      </ul>
    </nav>
  );
}

export function Layout() {
  const user = me.value?.user;
  const brand = currentBrand.value;
  return (
    <div class="shell">
      <aside class="sidebar">
        <p class="app-name">{t('app.name')}</p>
        {brand ? <Navigation /> : null}
      </aside>
      <div class="main">
        <header class="topbar">
          <BrandSwitcher />
          {brand ? (
            <span class="role" data-testid="role">
              {t(`role.${brand.role}`)}
            </span>
          ) : null}
          <span class="spacer" />
          <LanguageSwitcher />
          <span class="user" title={user?.email}>
            {user?.name}
          </span>
          <button type="button" class="ghost" onClick={() => void signOut()}>
            {t('signOut')}
          </button>
        </header>
        <main id="main" class="content" tabIndex={-1}>
          {brand ? <PageHost /> : <Banner kind="warning">{t('brand.none')}</Banner>}
        </main>
      </div>
    </div>
  );
}
