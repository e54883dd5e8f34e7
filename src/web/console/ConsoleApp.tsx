import { type FormEvent, type ReactElement, useCallback, useEffect, useState } from 'react';
import type { SpaProps } from '../App.tsx';
import { type MessageKey, useI18n } from '../i18n/index.tsx';
import { type ApiError, api, loadSession, type SessionInfo, setCsrfToken } from '../lib/api.ts';
import { Link, matchPath, Router, useRouter } from '../lib/router.tsx';
import { AnalyticsScreen } from './AnalyticsScreen.tsx';
import { AssessmentBuilder } from './AssessmentBuilder.tsx';
import { CredentialDetailScreen, CredentialsScreen } from './CredentialsScreen.tsx';
import { DefinitionEditor } from './DefinitionEditor.tsx';
import { DefinitionsScreen, NewDefinitionScreen } from './DefinitionsScreen.tsx';
import { IssueScreen } from './IssueScreen.tsx';
import { MembersScreen } from './MembersScreen.tsx';
import { PATHWAY_SCREENS } from './pathways/PathwayScreens.tsx';
import { ReviewQueueScreen, ReviewSubmissionScreen } from './ReviewScreen.tsx';
import { SettingsScreen } from './SettingsScreen.tsx';
import {
  asApiError,
  Field,
  fieldMessage,
  LoadFailed,
  Loading,
  orgApi,
  orgPath,
  ProblemAlert,
  useAction,
  useLoad,
} from './shared.tsx';
import { TokensScreen } from './TokensScreen.tsx';
import type { OrganisationWithRole } from './types.ts';

/**
 * The issuer console (browser only): sign in, pick an organisation, then its screens under
 * /console/orgs/:slug/… with a side navigation. Every screen has one h1; the router focuses it.
 */
export default function ConsoleApp(_props: SpaProps) {
  return (
    <Router>
      <ConsoleRoot />
    </Router>
  );
}

function ConsoleRoot() {
  const [session, setSession] = useState<SessionInfo | null>(null);
  const [failure, setFailure] = useState<ApiError | null>(null);
  const refresh = useCallback(() => {
    setFailure(null);
    loadSession().then(setSession, (error: unknown) => setFailure(asApiError(error)));
  }, []);
  useEffect(refresh, [refresh]);
  const { t } = useI18n();
  if (failure) return <LoadFailed error={failure} reload={refresh} title={t('console.title')} />;
  if (!session) return <Loading />;
  if (!session.user) return <SignIn onSignedIn={refresh} />;
  return (
    <>
      <SignOut email={session.user.email} onSignedOut={refresh} />
      <ConsoleRoutes />
    </>
  );
}

/** Who is signed in, and the way out: ends the session on the server, then shows the sign-in form. */
function SignOut(props: { email: string; onSignedOut(): void }) {
  const { t } = useI18n();
  const { busy, error, run } = useAction();
  const signOut = async () => {
    const answer = await run(() => api('POST', '/api/v1/auth/logout'));
    if (answer === undefined) return;
    setCsrfToken(null);
    props.onSignedOut();
  };
  return (
    <div className="console-account">
      <p className="small">{t('console.account.signedInAs', { email: props.email })}</p>
      <button type="button" className="secondary" disabled={busy} onClick={() => void signOut()}>
        {t('console.account.signOut')}
      </button>
      <ProblemAlert error={error} />
    </div>
  );
}

function SignIn(props: { onSignedIn(): void }) {
  const { t } = useI18n();
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const { busy, error, run } = useAction();
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const result = await run(() =>
      api<{ csrfToken: string }>('POST', '/api/v1/auth/login', { email, password }),
    );
    if (result) {
      setCsrfToken(result.csrfToken);
      props.onSignedIn();
    }
  };
  return (
    <section className="console-signin">
      <h1>{t('console.signIn.title')}</h1>
      <p>{t('console.signIn.lead')}</p>
      <form onSubmit={submit} noValidate>
        <ProblemAlert error={error} />
        <Field label={t('console.signIn.email')} error={fieldMessage(error, '/email')}>
          {({ id, describedBy, invalid }) => (
            <input
              id={id}
              type="email"
              autoComplete="username"
              required
              value={email}
              onChange={(event) => setEmail(event.target.value)}
              aria-describedby={describedBy}
              aria-invalid={invalid || undefined}
            />
          )}
        </Field>
        <Field label={t('console.signIn.password')} error={fieldMessage(error, '/password')}>
          {({ id, describedBy, invalid }) => (
            <input
              id={id}
              type="password"
              autoComplete="current-password"
              required
              value={password}
              onChange={(event) => setPassword(event.target.value)}
              aria-describedby={describedBy}
              aria-invalid={invalid || undefined}
            />
          )}
        </Field>
        <button type="submit" disabled={busy}>
          {t('console.signIn.submit')}
        </button>
      </form>
    </section>
  );
}

type Screen = { pattern: string; render(params: Record<string, string>): ReactElement };

const ORG_SCREENS: Screen[] = [
  { pattern: '', render: (p) => <DefinitionsScreen slug={p.slug!} /> },
  { pattern: '/definitions', render: (p) => <DefinitionsScreen slug={p.slug!} /> },
  { pattern: '/definitions/new', render: (p) => <NewDefinitionScreen slug={p.slug!} /> },
  { pattern: '/definitions/:id', render: (p) => <DefinitionEditor slug={p.slug!} id={p.id!} /> },
  { pattern: '/definitions/:id/assessment', render: (p) => <AssessmentBuilder slug={p.slug!} id={p.id!} /> },
  { pattern: '/credentials', render: (p) => <CredentialsScreen slug={p.slug!} /> },
  { pattern: '/credentials/:id', render: (p) => <CredentialDetailScreen slug={p.slug!} id={p.id!} /> },
  { pattern: '/issue', render: (p) => <IssueScreen slug={p.slug!} /> },
  { pattern: '/review', render: (p) => <ReviewQueueScreen slug={p.slug!} /> },
  { pattern: '/review/:id', render: (p) => <ReviewSubmissionScreen slug={p.slug!} id={p.id!} /> },
  { pattern: '/settings', render: (p) => <SettingsScreen slug={p.slug!} /> },
  { pattern: '/analytics', render: (p) => <AnalyticsScreen slug={p.slug!} /> },
  ...PATHWAY_SCREENS,
  { pattern: '/members', render: (p) => <MembersScreen slug={p.slug!} /> },
  { pattern: '/tokens', render: (p) => <TokensScreen slug={p.slug!} /> },
];

const NAV: Array<[string, MessageKey]> = [
  ['/definitions', 'console.nav.definitions'],
  ['/credentials', 'console.nav.credentials'],
  ['/issue', 'console.nav.issue'],
  ['/review', 'console.nav.review'],
  ['/analytics', 'console.nav.analytics'],
  ['/pathways', 'pathways.nav.console'],
  ['/members', 'console.nav.members'],
  ['/tokens', 'console.nav.tokens'],
  ['/settings', 'console.nav.settings'],
];

function ConsoleRoutes() {
  const { path } = useRouter();
  const normalised = path.replace(/\/+$/, '') || '/console';
  if (normalised === '/console' || normalised === '/console/orgs') return <OrganisationPicker />;
  for (const screen of ORG_SCREENS) {
    const params = matchPath(`/console/orgs/:slug${screen.pattern}`, normalised);
    if (params) return <OrgFrame slug={params.slug!}>{screen.render(params)}</OrgFrame>;
  }
  return <ConsoleNotFound />;
}

function ConsoleNotFound() {
  const { t } = useI18n();
  return (
    <>
      <h1>{t('common.notFound.title')}</h1>
      <p>{t('common.notFound.body')}</p>
      <p>
        <Link href="/console">{t('console.orgs.title')}</Link>
      </p>
    </>
  );
}

function OrganisationPicker() {
  const { t } = useI18n();
  const orgs = useLoad<{ organisations: OrganisationWithRole[] }>('/api/v1/orgs');
  if (orgs.error)
    return <LoadFailed error={orgs.error} reload={orgs.reload} title={t('console.orgs.title')} />;
  if (!orgs.data) return <Loading />;
  const list = orgs.data.organisations;
  return (
    <>
      <h1>{t('console.orgs.title')}</h1>
      {list.length === 0 ? (
        <p>{t('console.orgs.none')}</p>
      ) : (
        <ul className="cards">
          {list.map(({ organisation, role }) => (
            <li key={organisation.id} className="card">
              <h2>
                <Link href={orgPath(organisation.slug, '/definitions')}>{organisation.name}</Link>
              </h2>
              <p className="small">
                {role ? t(`console.role.${role}` as MessageKey) : t('console.role.none')} ·{' '}
                {organisation.slug}
              </p>
            </li>
          ))}
        </ul>
      )}
    </>
  );
}

/** The side navigation of one organisation's screens around the current screen. */
function OrgFrame(props: { slug: string; children: ReactElement }) {
  const { t } = useI18n();
  const { path } = useRouter();
  const org = useLoad<OrganisationWithRole>(orgApi(props.slug));
  const base = orgPath(props.slug);
  const current = (href: string) => path === `${base}${href}` || path.startsWith(`${base}${href}/`);
  if (org.error) {
    return <LoadFailed error={org.error} reload={org.reload} title={t('console.title')} />;
  }
  return (
    <div className="app-layout console">
      <nav aria-label={t('console.nav.label')}>
        <p className="console-org">
          <strong>{org.data?.organisation.name ?? props.slug}</strong>
          <br />
          <Link href="/console" className="small">
            {t('console.nav.switchOrg')}
          </Link>
        </p>
        <ul>
          {NAV.map(([href, key]) => (
            <li key={href}>
              <Link href={`${base}${href}`} aria-current={current(href) ? 'page' : undefined}>
                {t(key)}
              </Link>
            </li>
          ))}
        </ul>
      </nav>
      <div className="console-screen">{props.children}</div>
    </div>
  );
}
