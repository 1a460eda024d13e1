import type { ComponentType } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { t } from '../i18n';
import { appLocation, matchPath, navigate } from '../router';
import { routes, type ConsoleRoute, type PageProps } from '../routes';
import { can, currentBrand } from '../session';
import { Banner, Loading } from '../ui/feedback';

const loaded = new Map<ConsoleRoute, ComponentType<PageProps>>();

/** The routes the user's role on the current brand opens, in navigation order. */
export function visibleRoutes(): ConsoleRoute[] {
  return routes.filter((route) => route.nav && can(route.permission));
}

function resolve(path: string): { route: ConsoleRoute; params: Record<string, string> } | undefined {
  for (const route of routes) {
    const params = matchPath(route.path, path);
    if (params) return { route, params };
  }
  return undefined;
}

/** The page of the current URL: loaded on first use, checked against the role, keyed by brand. */
export function PageHost() {
  const { path, search } = appLocation.value;
  const found = resolve(path);
  const allowed = found ? can(found.route.permission) : false;
  const [, setVersion] = useState(0);
  const [failed, setFailed] = useState<ConsoleRoute>();

  const home = path === '/' ? visibleRoutes()[0] : undefined;
  useEffect(() => {
    if (home) navigate(home.path, { replace: true });
  }, [home]);

  const route = found?.route;
  useEffect(() => {
    if (!route || !allowed || loaded.has(route)) return;
    let live = true;
    route
      .load()
      .then((module) => {
        loaded.set(route, module.default);
        if (live) setVersion((v) => v + 1);
      })
      .catch(() => {
        if (live) setFailed(route);
      });
    return () => {
      live = false;
    };
  }, [route, allowed]);

  if (path === '/') return home ? <Loading /> : <Banner>{t('page.forbidden')}</Banner>;
  if (!found) return <Banner kind="warning">{t('page.notFound')}</Banner>;
  if (!allowed) return <Banner kind="warning">{t('page.forbidden')}</Banner>;
  if (failed === found.route) return <Banner kind="error">{t('page.loadFailed')}</Banner>;
  const Page = loaded.get(found.route);
  if (!Page) return <Loading />;
  return (
    <Page
      key={`${currentBrand.value?.slug}:${found.route.path}`}
      params={found.params}
      query={new URLSearchParams(search)}
    />
  );
}
