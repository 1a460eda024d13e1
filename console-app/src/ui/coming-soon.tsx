import type { ComponentChildren } from 'preact';
import { t } from '../i18n';

/** A page a later issue fills: its title and what it will let the user do. */
export function ComingSoon({ title, children }: { title: string; children: ComponentChildren }) {
  return (
    <section class="page">
      <header class="page-head">
        <h1>{title}</h1>
      </header>
      <div class="card coming" role="note">
        <h2>{t('common.comingTitle')}</h2>
        {children}
      </div>
    </section>
  );
}
