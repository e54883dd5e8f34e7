import { type FormEvent, useState } from 'react';
import { useI18n } from '../i18n/index.tsx';
import { api } from '../lib/api.ts';
import { Link, useRouter } from '../lib/router.tsx';
import { ScreenHeading } from './ScreenHeading.tsx';
import { fieldErrors, ProblemAlert, TextField, useAction, useSession } from './shared.tsx';

/** Where to go after signing in: the `return` address when it is a wallet one, else the wallet. */
function returnTarget(search: URLSearchParams): string {
  const wanted = search.get('return') ?? '';
  return /^\/wallet(\/|$|\?)/.test(wanted) ? wanted : '/wallet';
}

/**
 * Sign in. `stay`: shown in place of a screen that needs a session, which then shows once signed in.
 */
export function SignInScreen(props: { stay?: boolean }) {
  const { t } = useI18n();
  const { search, navigate, path } = useRouter();
  const { refresh } = useSession();
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const action = useAction();
  const errors = fieldErrors(action.error);
  const here = `${path}${search.size > 0 ? `?${search}` : ''}`;

  async function submit(event: FormEvent) {
    event.preventDefault();
    const done = await action.run(() => api('POST', '/api/v1/auth/login', { email, password }));
    if (done === undefined) return;
    await refresh();
    if (!props.stay) navigate(returnTarget(search), { replace: true });
  }

  return (
    <section className="wallet-auth">
      <ScreenHeading>{t('wallet.signIn.title')}</ScreenHeading>
      {props.stay ? <p>{t('wallet.signIn.needed')}</p> : null}
      <form onSubmit={submit} noValidate>
        <ProblemAlert error={action.error} />
        <TextField
          id="email"
          label={t('wallet.field.email')}
          type="email"
          autoComplete="email"
          value={email}
          onChange={setEmail}
          error={errors.email}
          required
        />
        <TextField
          id="password"
          label={t('wallet.field.password')}
          type="password"
          autoComplete="current-password"
          value={password}
          onChange={setPassword}
          error={errors.password}
          required
        />
        <button type="submit" disabled={action.busy}>
          {t('wallet.signIn.submit')}
        </button>
      </form>
      <p>
        <Link href="/wallet/forgot-password">{t('wallet.signIn.forgot')}</Link>
      </p>
      <p>
        {t('wallet.signIn.noAccount')}{' '}
        <Link href={`/wallet/sign-up${props.stay ? `?return=${encodeURIComponent(here)}` : ''}`}>
          {t('wallet.signUp.link')}
        </Link>
      </p>
    </section>
  );
}

export function SignUpScreen() {
  const { t } = useI18n();
  const { search, navigate } = useRouter();
  const { refresh } = useSession();
  const [name, setName] = useState('');
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const action = useAction();
  const errors = fieldErrors(action.error);

  async function submit(event: FormEvent) {
    event.preventDefault();
    const done = await action.run(async () => {
      await api('POST', '/api/v1/auth/signup', { name, email, password });
      // Signed up is not signed in: sign in with the same details so the learner lands in the wallet.
      return api('POST', '/api/v1/auth/login', { email, password });
    });
    if (done === undefined) return;
    await refresh();
    navigate(returnTarget(search), { replace: true });
  }

  return (
    <section className="wallet-auth">
      <ScreenHeading>{t('wallet.signUp.title')}</ScreenHeading>
      <p>{t('wallet.signUp.intro')}</p>
      <form onSubmit={submit} noValidate>
        <ProblemAlert error={action.error} />
        <TextField
          id="name"
          label={t('wallet.field.name')}
          autoComplete="name"
          value={name}
          onChange={setName}
          error={errors.name}
          required
        />
        <TextField
          id="email"
          label={t('wallet.field.email')}
          type="email"
          autoComplete="email"
          value={email}
          onChange={setEmail}
          error={errors.email}
          required
        />
        <TextField
          id="password"
          label={t('wallet.field.newPassword')}
          type="password"
          autoComplete="new-password"
          value={password}
          onChange={setPassword}
          error={errors.password}
          hint={t('wallet.signUp.passwordHint')}
          required
        />
        <button type="submit" disabled={action.busy}>
          {t('wallet.signUp.submit')}
        </button>
      </form>
      <p>
        {t('wallet.signUp.haveAccount')} <Link href="/wallet/sign-in">{t('wallet.signIn.link')}</Link>
      </p>
    </section>
  );
}

export function ForgotPasswordScreen() {
  const { t } = useI18n();
  const [email, setEmail] = useState('');
  const [sent, setSent] = useState(false);
  const action = useAction();
  const errors = fieldErrors(action.error);

  async function submit(event: FormEvent) {
    event.preventDefault();
    const done = await action.run(() => api('POST', '/api/v1/auth/password/forgot', { email }));
    if (done !== undefined) setSent(true);
  }

  return (
    <section className="wallet-auth">
      <ScreenHeading>{t('wallet.forgot.title')}</ScreenHeading>
      <p>{t('wallet.forgot.intro')}</p>
      <form onSubmit={submit} noValidate>
        <ProblemAlert error={action.error} />
        <TextField
          id="email"
          label={t('wallet.field.email')}
          type="email"
          autoComplete="email"
          value={email}
          onChange={setEmail}
          error={errors.email}
          required
        />
        <button type="submit" disabled={action.busy}>
          {t('wallet.forgot.submit')}
        </button>
      </form>
      <div aria-live="polite">{sent ? <p className="ok">{t('wallet.forgot.sent')}</p> : null}</div>
      <p>
        <Link href="/wallet/sign-in">{t('wallet.signIn.link')}</Link>
      </p>
    </section>
  );
}

/** Shown above every screen until the address is verified: credentials and tests need it. */
export function VerifyEmailNotice() {
  const { t } = useI18n();
  const action = useAction();
  const [sent, setSent] = useState(false);
  return (
    <div className="unknown wallet-notice">
      <p>{t('wallet.verifyEmail.notice')}</p>
      <button
        type="button"
        className="secondary"
        disabled={action.busy}
        onClick={async () => {
          const done = await action.run(() => api('POST', '/api/v1/auth/verify-email/resend'));
          if (done !== undefined) setSent(true);
        }}
      >
        {t('wallet.verifyEmail.resend')}
      </button>
      <ProblemAlert error={action.error} />
      <div aria-live="polite">{sent ? <p>{t('wallet.verifyEmail.sent')}</p> : null}</div>
    </div>
  );
}

interface Claimed {
  claimed: Array<{ credentialId: string; title: string; organisation: { name: string } }>;
}

/**
 * Claims the credential(s) of a mailed claim link (`/wallet/claim?token=…`, linked from the server's
 * /claim page): the token goes in the body, never in a request URL.
 */
export function ClaimScreen() {
  const { t } = useI18n();
  const { search } = useRouter();
  const [token, setToken] = useState(search.get('token') ?? '');
  const [claimed, setClaimed] = useState<Claimed['claimed'] | null>(null);
  const action = useAction();
  const errors = fieldErrors(action.error);

  async function submit(event: FormEvent) {
    event.preventDefault();
    const done = await action.run(() => api<Claimed>('POST', '/api/v1/claims', { token: token.trim() }));
    if (done) setClaimed(done.claimed);
  }

  return (
    <>
      <ScreenHeading>{t('wallet.claim.title')}</ScreenHeading>
      <p>{t('wallet.claim.intro')}</p>
      <form onSubmit={submit} noValidate>
        <ProblemAlert error={action.error} />
        <TextField
          id="token"
          label={t('wallet.claim.token')}
          value={token}
          onChange={setToken}
          error={errors.token}
          required
        />
        <button type="submit" disabled={action.busy || claimed !== null}>
          {t('wallet.claim.submit')}
        </button>
      </form>
      <div aria-live="polite">
        {claimed ? (
          <div className="ok">
            <p>{t('wallet.claim.done', { count: claimed.length })}</p>
            <ul>
              {claimed.map((credential) => (
                <li key={credential.credentialId}>
                  <Link href={`/wallet/credentials/${credential.credentialId}`}>{credential.title}</Link>{' '}
                  <span className="small">({credential.organisation.name})</span>
                </li>
              ))}
            </ul>
          </div>
        ) : null}
      </div>
    </>
  );
}
