import { Fragment, type ReactNode } from 'react';
import { type MessageKey, type MessageParams, useI18n } from '../i18n/index.tsx';
import type {
  ClaimPageProps,
  ConfirmEmailPageProps,
  LinkInvalidPageProps,
  ResetPasswordPageProps,
} from './page-data.ts';

/**
 * The pages the links we mail land on. Plain forms posting the token back, so they work without
 * JavaScript; the server answers each post with the same page in its new state.
 */

/** Confirming the account's address (/verify-email) or a further address (/confirm-email). */
export function ConfirmEmailPage(props: ConfirmEmailPageProps) {
  const { t } = useI18n();
  const prefix = props.address === 'account' ? 'pages.verifyEmail' : 'pages.confirmEmail';
  if (props.confirmed) {
    return (
      <>
        <h1>{t(`${prefix}.doneTitle`)}</h1>
        <p className="ok" role="status">
          {t(`${prefix}.done`)}
        </p>
      </>
    );
  }
  return (
    <>
      <h1>{t(`${prefix}.title`)}</h1>
      <p>{t(`${prefix}.intro`)}</p>
      <form method="post" action={props.address === 'account' ? '/verify-email' : '/confirm-email'}>
        <input type="hidden" name="token" value={props.token} />
        <button type="submit">{t(`${prefix}.submit`)}</button>
      </form>
    </>
  );
}

export function ResetPasswordPage(props: ResetPasswordPageProps) {
  const { t } = useI18n();
  if (props.done) {
    return (
      <>
        <h1>{t('pages.reset.doneTitle')}</h1>
        <p className="ok" role="status">
          {t('pages.reset.done')}
        </p>
      </>
    );
  }
  const problem =
    props.problem === 'mismatch'
      ? t('pages.reset.mismatch')
      : props.problem === 'rejected'
        ? t('pages.reset.rejected', { detail: props.problemDetail ?? '' })
        : null;
  return (
    <>
      <h1>{t('pages.reset.title')}</h1>
      {problem ? (
        <p className="error" role="alert" id="reset-problem">
          {problem}
        </p>
      ) : null}
      <form method="post" action="/reset-password">
        <input type="hidden" name="token" value={props.token} />
        <label htmlFor="password">{t('pages.reset.password', { min: props.minLength })}</label>
        <input
          id="password"
          name="password"
          type="password"
          autoComplete="new-password"
          required
          minLength={props.minLength}
          aria-describedby={problem ? 'reset-problem' : undefined}
          aria-invalid={problem ? true : undefined}
        />
        <label htmlFor="confirm">{t('pages.reset.confirm')}</label>
        <input
          id="confirm"
          name="confirm"
          type="password"
          autoComplete="new-password"
          required
          minLength={props.minLength}
          aria-describedby={problem ? 'reset-problem' : undefined}
          aria-invalid={problem ? true : undefined}
        />
        <button type="submit">{t('pages.reset.submit')}</button>
      </form>
    </>
  );
}

export function InvitationPage(props: { token: string }) {
  const { t } = useI18n();
  return (
    <>
      <h1>{t('pages.invitation.title')}</h1>
      <p>{t('pages.invitation.intro')}</p>
      <label htmlFor="invitation-token">{t('pages.invitation.tokenLabel')}</label>
      <input id="invitation-token" type="text" readOnly value={props.token} spellCheck={false} />
      <p className="small">{apiHint(t, 'pages.invitation.api', '/api/v1/invitations/accept')}</p>
    </>
  );
}

export function ClaimPage(props: ClaimPageProps) {
  const { t, date } = useI18n();
  return (
    <>
      <h1>{t('pages.claim.title')}</h1>
      <p className="ok">
        {withElements(t, 'pages.claim.issued', {
          organisation: props.organisationName,
          title: <strong>{props.title}</strong>,
        })}{' '}
        <a href={props.credentialUrl}>{t('pages.claim.see')}</a>
      </p>
      <p>
        <a className="button" href={props.walletClaimUrl}>
          {t('pages.claim.toWallet')}
        </a>
      </p>
      <p className="small">{apiHint(t, 'pages.claim.how', '/api/v1/claims')}</p>
      <p>{t('pages.claim.expires', { date: date(props.expiresAt) })}</p>
    </>
  );
}

export function LinkInvalidPage(props: LinkInvalidPageProps) {
  const { t } = useI18n();
  return (
    <>
      <h1>{t('pages.linkInvalid.title')}</h1>
      <p className="error">
        {t(`pages.linkInvalid.${props.reason}`, { detail: props.detail })}{' '}
        {props.reason === 'token_invalid' ? t(`pages.linkInvalid.advice.${props.link}`) : null}
      </p>
    </>
  );
}

type Translate = (key: MessageKey, params?: MessageParams) => string;

/** A sentence naming an API request and its JSON body, both set as code. */
function apiHint(t: Translate, key: MessageKey, path: string): ReactNode {
  return withElements(t, key, {
    request: <code>POST {path}</code>,
    body: <code>{'{"token": "…"}'}</code>,
  });
}

/**
 * A translated message with elements (links, emphasis, code) in place of some of its placeholders: the
 * message is formatted with markers, then split around them, so translators keep the word order.
 */
function withElements(t: Translate, key: MessageKey, values: Record<string, ReactNode>): ReactNode {
  const params: MessageParams = {};
  for (const [name, value] of Object.entries(values)) {
    params[name] = typeof value === 'string' || typeof value === 'number' ? value : `\uE000${name}\uE000`;
  }
  const parts = t(key, params).split(/\uE000(\w+)\uE000/);
  return parts.map((part, index) => (
    // Odd parts are the names captured by the split.
    // biome-ignore lint/suspicious/noArrayIndexKey: the parts never move
    <Fragment key={index}>{index % 2 === 1 ? values[part] : part}</Fragment>
  ));
}
