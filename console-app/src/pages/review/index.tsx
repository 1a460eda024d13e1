import { createTranslator } from '../../i18n';
import { ComingSoon } from '../../ui/coming-soon';
import { messages } from './messages';

const t = createTranslator(messages);

/** Placeholder until the review page lands: says what is coming. */
export default function Page() {
  return (
    <ComingSoon title={t('nav.review')}>
      <p>{t('coming.description')}</p>
    </ComingSoon>
  );
}
