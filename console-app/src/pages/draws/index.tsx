import { createTranslator } from '../../i18n';
import { ComingSoon } from '../../ui/coming-soon';
import { messages } from './messages';

const t = createTranslator(messages);

/** Placeholder until the draws (#11, operations) page lands: says what is coming. */
export default function Page() {
  return (
    <ComingSoon title={t('nav.draws')}>
      <p>{t('coming.description')}</p>
    </ComingSoon>
  );
}
