import { type ReactNode, useCallback, useEffect, useState } from 'react';
import type { SpaProps } from '../App.tsx';
import { useI18n } from '../i18n/index.tsx';
import { api, loadSession } from '../lib/api.ts';
import { Link, matchPath, Router, useRouter } from '../lib/router.tsx';
import {
  ClaimScreen,
  ForgotPasswordScreen,
  SignInScreen,
  SignUpScreen,
  VerifyEmailNotice,
} from './AuthScreens.tsx';
import { CredentialDetailScreen, CredentialListScreen } from './CredentialScreens.tsx';
import { ImportedDetailScreen, ImportScreen } from './ImportScreens.tsx';
import { PathwayProgressScreen, PathwaysScreen } from './PathwayScreens.tsx';
import { PortfolioListScreen, SubmissionScreen } from './PortfolioScreens.tsx';
import { ProfileScreen } from './ProfileScreen.tsx';
import { ScreenHeading } from './ScreenHeading.tsx';
import { PathScreen, SkillsScreen } from './SkillsScreens.tsx';
import { SessionContext, useAction, useSession, type WalletUser } from './shared.tsx';
import { AttemptScreen, StartTestScreen, TestsScreen } from './TestScreens.tsx';
import { TranscriptScreen } from './TranscriptScreen.tsx';

/**
 * The learner's wallet (browser app at /wallet/*): sign up and in, the credentials with their files and
 * share links, CLR transcripts, tests and practical work, imports, the public profile, and skills with a
 * learning path.
 */
export default function WalletApp(_props: SpaProps) {
  return (
    <Router>
      <SessionProvider>
        <WalletRoutes />
      </SessionProvider>
    </Router>
  );
}

function SessionProvider(props: { children: ReactNode }) {
  // undefined while the first answer is on its way.
  const [user, setUser] = useState<WalletUser | null | undefined>(undefined);
  const refresh = useCallback(async () => {
    try {
      const session = await loadSession();
      setUser((session.user as WalletUser | null) ?? null);
    } catch {
      setUser(null);
    }
  }, []);
  useEffect(() => {
    void refresh();
  }, [refresh]);
  const { t } = useI18n();
  if (user === undefined) {
    return (
      <p aria-live="polite" className="small">
        {t('common.loading')}
      </p>
    );
  }
  return <SessionContext.Provider value={{ user, refresh }}>{props.children}</SessionContext.Provider>;
}

const SIGNED_OUT_SCREENS: Record<string, () => ReactNode> = {
  '/wallet/sign-in': () => <SignInScreen />,
  '/wallet/sign-up': () => <SignUpScreen />,
  '/wallet/forgot-password': () => <ForgotPasswordScreen />,
};

function WalletRoutes() {
  const { path } = useRouter();
  const { user } = useSession();
  const signedOutScreen = SIGNED_OUT_SCREENS[path.replace(/\/$/, '')];
  if (signedOutScreen) return <>{signedOutScreen()}</>;
  // Every other wallet screen is the user's own: signed out, the sign-in form takes its place, and the
  // screen shows once signed in (the address stays, so a shared or reloaded link lands where it should).
  if (!user) return <SignInScreen stay />;
  return (
    <div className="app-layout wallet">
      <WalletNav />
      <div className="wallet-content">
        {user.emailVerified ? null : <VerifyEmailNotice />}
        <SignedInScreen path={path} />
      </div>
    </div>
  );
}

function SignedInScreen(props: { path: string }) {
  const path = props.path.replace(/\/$/, '') || '/wallet';
  const routes: Array<[string, (params: Record<string, string>) => ReactNode]> = [
    ['/wallet', () => <CredentialListScreen />],
    ['/wallet/credentials/:id', (p) => <CredentialDetailScreen id={p.id!} />],
    ['/wallet/transcript', () => <TranscriptScreen />],
    ['/wallet/claim', () => <ClaimScreen />],
    ['/wallet/tests', () => <TestsScreen />],
    ['/wallet/tests/:definitionId', (p) => <StartTestScreen definitionId={p.definitionId!} />],
    ['/wallet/attempts/:id', (p) => <AttemptScreen id={p.id!} />],
    ['/wallet/portfolio', () => <PortfolioListScreen />],
    ['/wallet/portfolio/:id', (p) => <SubmissionScreen id={p.id!} />],
    ['/wallet/import', () => <ImportScreen />],
    ['/wallet/import/:id', (p) => <ImportedDetailScreen id={p.id!} />],
    ['/wallet/profile', () => <ProfileScreen />],
    ['/wallet/skills', () => <SkillsScreen />],
    ['/wallet/path', () => <PathScreen />],
    ['/wallet/pathways', () => <PathwaysScreen />],
    ['/wallet/pathways/:id', (p) => <PathwayProgressScreen id={p.id!} />],
  ];
  for (const [pattern, render] of routes) {
    const params = matchPath(pattern, path);
    // Keyed by path: moving between two credentials starts the screen afresh.
    if (params) return <div key={path}>{render(params)}</div>;
  }
  return <WalletNotFound />;
}

function WalletNotFound() {
  const { t } = useI18n();
  return (
    <>
      <ScreenHeading>{t('common.notFound.title')}</ScreenHeading>
      <p>{t('common.notFound.body')}</p>
      <p>
        <Link href="/wallet">{t('wallet.nav.credentials')}</Link>
      </p>
    </>
  );
}

function WalletNav() {
  const { t } = useI18n();
  const { path, navigate } = useRouter();
  const { refresh } = useSession();
  const signOut = useAction();
  const links: Array<[string, string]> = [
    ['/wallet', t('wallet.nav.credentials')],
    ['/wallet/tests', t('wallet.nav.tests')],
    ['/wallet/portfolio', t('wallet.nav.portfolio')],
    ['/wallet/import', t('wallet.nav.import')],
    ['/wallet/profile', t('wallet.nav.profile')],
    ['/wallet/skills', t('wallet.nav.skills')],
    ['/wallet/path', t('wallet.nav.path')],
    ['/wallet/pathways', t('pathways.nav.wallet')],
  ];
  const current = (href: string) =>
    href === '/wallet'
      ? path === '/wallet' ||
        path === '/wallet/' ||
        path.startsWith('/wallet/credentials/') ||
        path.startsWith('/wallet/transcript')
      : path === href || path.startsWith(`${href}/`);
  return (
    <nav aria-label={t('wallet.nav.label')}>
      <ul>
        {links.map(([href, label]) => (
          <li key={href}>
            <Link href={href} aria-current={current(href) ? 'page' : undefined}>
              {label}
            </Link>
          </li>
        ))}
      </ul>
      <button
        type="button"
        className="secondary"
        disabled={signOut.busy}
        onClick={async () => {
          await signOut.run(() => api('POST', '/api/v1/auth/logout'));
          await refresh();
          navigate('/wallet/sign-in');
        }}
      >
        {t('wallet.signOut')}
      </button>
    </nav>
  );
}
