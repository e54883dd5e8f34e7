import { type ComponentType, useEffect } from 'react';
import { Layout } from './components/Layout.tsx';
import { createI18n, I18nProvider, useI18n } from './i18n/index.tsx';
import { CredentialPage } from './pages/CredentialPage.tsx';
import { DefinitionPage } from './pages/DefinitionPage.tsx';
import { HomePage } from './pages/HomePage.tsx';
import { IssuerPage } from './pages/IssuerPage.tsx';
import {
  ClaimPage,
  ConfirmEmailPage,
  InvitationPage,
  LinkInvalidPage,
  ResetPasswordPage,
} from './pages/MailedLinkPages.tsx';
import { NotFoundPage } from './pages/NotFoundPage.tsx';
import { ProfilePage } from './pages/ProfilePage.tsx';
import type { DocumentData } from './pages/page-data.ts';
import { VerifyPage } from './pages/VerifyPage.tsx';

export interface SpaProps {
  area: 'console' | 'wallet';
}

/**
 * The root both sides render: the server to HTML, the browser to hydrate (public pages) or to mount the
 * console and wallet apps (`spa`, loaded only in the browser).
 */
export function App(props: { data: DocumentData; spa?: ComponentType<SpaProps> }) {
  const { data } = props;
  useEffect(() => {
    // Runs only in the browser, once React owns the page: tests and scripts can wait for it.
    document.documentElement.dataset.app = 'ready';
  }, []);
  return (
    <I18nProvider i18n={createI18n(data.locale, data.timeZone)}>
      <Layout path={data.path} returnTo={data.returnTo} wide={data.page === 'app'}>
        <PageBody data={data} spa={props.spa} />
      </Layout>
    </I18nProvider>
  );
}

function PageBody(props: { data: DocumentData; spa: ComponentType<SpaProps> | undefined }) {
  const { data } = props;
  switch (data.page) {
    case 'credential':
      return <CredentialPage {...data.props} />;
    case 'verify':
      return <VerifyPage {...data.props} />;
    case 'profile':
      return <ProfilePage {...data.props} />;
    case 'issuer':
      return <IssuerPage {...data.props} />;
    case 'home':
      return <HomePage />;
    case 'confirmEmail':
      return <ConfirmEmailPage {...data.props} />;
    case 'resetPassword':
      return <ResetPasswordPage {...data.props} />;
    case 'invitation':
      return <InvitationPage {...data.props} />;
    case 'claim':
      return <ClaimPage {...data.props} />;
    case 'linkInvalid':
      return <LinkInvalidPage {...data.props} />;
    case 'definition':
      return <DefinitionPage {...data.props} />;
    case 'notFound':
      return <NotFoundPage />;
    case 'app':
      return props.spa ? <props.spa area={data.props.area} /> : <AppShell />;
  }
}

/** What the server sends for the console and the wallet before the browser app takes over. */
function AppShell() {
  const { t } = useI18n();
  return (
    <div className="app-shell">
      <p aria-live="polite">{t('common.loading')}</p>
      <noscript>
        <p className="unknown">{t('common.needsJavaScript')}</p>
      </noscript>
    </div>
  );
}
