import { useI18n } from '../i18n/index.tsx';

export function HomePage() {
  const { t } = useI18n();
  const cards: Array<[string, string, string, string]> = [
    ['/wallet', t('home.learners'), t('home.learnersText'), t('nav.wallet')],
    ['/console', t('home.issuers'), t('home.issuersText'), t('nav.console')],
    ['/verify', t('home.verifiers'), t('home.verifiersText'), t('nav.verify')],
  ];
  return (
    <>
      <h1>{t('home.title')}</h1>
      <p className="lead">{t('home.intro')}</p>
      <ul className="cards">
        {cards.map(([href, title, text, action]) => (
          <li key={href} className="card">
            <h2>{title}</h2>
            <p>{text}</p>
            <a href={href}>{action}</a>
          </li>
        ))}
      </ul>
      <p className="small">
        {t('home.developers')} <a href="/api/docs">{t('common.apiDocs')}</a>
      </p>
    </>
  );
}
