import type { ReactNode } from 'react';
import { LOCALE_NAMES, LOCALES, useI18n } from '../i18n/index.tsx';

/**
 * The frame of every page: a skip link, the header with navigation and the language switch, the main
 * region and the footer. The language switch is a plain form, so it works without JavaScript.
 */
export function Layout(props: { path: string; returnTo?: string; children: ReactNode; wide?: boolean }) {
  const { t, locale } = useI18n();
  const links: Array<[string, string]> = [
    ['/verify', t('nav.verify')],
    ['/wallet', t('nav.wallet')],
    ['/console', t('nav.console')],
  ];
  return (
    <>
      <a className="skip-link" href="#main">
        {t('nav.skipToContent')}
      </a>
      <header className="site-header">
        <a className="brand" href="/">
          {t('app.name')}
        </a>
        <nav aria-label={t('nav.label')}>
          <ul>
            {links.map(([href, label]) => (
              <li key={href}>
                <a href={href} aria-current={isCurrent(props.path, href) ? 'page' : undefined}>
                  {label}
                </a>
              </li>
            ))}
          </ul>
        </nav>
        <form
          className="lang-switch"
          method="post"
          action="/lang"
          onSubmit={(event) => {
            // In the console and wallet the address changes without a page load: come back to where we are.
            const field = event.currentTarget.elements.namedItem('return');
            if (field instanceof HTMLInputElement)
              field.value = window.location.pathname + window.location.search;
          }}
        >
          <input type="hidden" name="return" value={props.returnTo ?? props.path} />
          <label htmlFor="lang-select">{t('lang.label')}</label>
          <select id="lang-select" name="lang" defaultValue={locale}>
            {LOCALES.map((code) => (
              <option key={code} value={code} lang={code}>
                {LOCALE_NAMES[code]}
              </option>
            ))}
          </select>
          <button type="submit" className="secondary">
            {t('lang.switch')}
          </button>
        </form>
      </header>
      <main id="main" tabIndex={-1} className={props.wide ? 'wide' : undefined}>
        {props.children}
      </main>
      <footer className="site-footer">
        <p>
          {t('common.footer')} <a href="/api/docs">{t('common.apiDocs')}</a>
        </p>
      </footer>
    </>
  );
}

function isCurrent(path: string, href: string): boolean {
  return path === href || path.startsWith(`${href}/`);
}
