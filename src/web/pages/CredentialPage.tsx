import { VerificationResult } from '../components/VerificationResult.tsx';
import { useI18n } from '../i18n/index.tsx';
import type { CredentialPageProps } from './page-data.ts';

/** A credential's public page: what was achieved, by whom, from whom, and a live verification. */
export function CredentialPage(props: CredentialPageProps) {
  const { t, date } = useI18n();
  const statusText =
    props.status !== 'active'
      ? t(`credential.status.${props.status}`, {
          date: props.statusChangedAt ? date(props.statusChangedAt) : '',
        })
      : props.expired
        ? t('credential.status.expired')
        : t('credential.status.active');
  return (
    <article className="credential">
      <h1>{props.achievementName}</h1>
      {props.description ? <p>{props.description}</p> : null}
      <dl className="facts">
        <dt>{t('credential.issuedBy')}</dt>
        <dd>
          <a href={`/issuers/${props.organisation.slug}`}>{props.organisation.name}</a>
          <br />
          <code className="small">{props.issuer}</code>
        </dd>
        {props.holderName ? (
          <>
            <dt>{t('credential.awardedTo')}</dt>
            <dd>{props.holderName}</dd>
          </>
        ) : null}
        <dt>{t('credential.issued')}</dt>
        <dd>
          <time dateTime={props.issuedAt}>{date(props.issuedAt)}</time>
        </dd>
        {props.awardedDate ? (
          <>
            <dt>{t('credential.awarded')}</dt>
            <dd>{props.awardedDate}</dd>
          </>
        ) : null}
        {props.validFrom ? (
          <>
            <dt>{t('credential.validFrom')}</dt>
            <dd>
              <time dateTime={props.validFrom}>{date(props.validFrom)}</time>
            </dd>
          </>
        ) : null}
        <dt>{t('credential.validUntil')}</dt>
        <dd>
          {props.validUntil ? (
            <>
              <time dateTime={props.validUntil}>{date(props.validUntil)}</time>
              {props.expired ? ` ${t('credential.expiredSuffix')}` : ''}
            </>
          ) : (
            t('credential.noExpiry')
          )}
        </dd>
        <dt>{t('credential.status')}</dt>
        <dd data-status={props.status}>
          {props.status === 'active' ? statusText : <strong>{statusText}</strong>}
          {props.statusReason ? (
            <>
              <br />
              {t('credential.reason', { reason: props.statusReason })}
            </>
          ) : null}
        </dd>
        <dt>{t('credential.format')}</dt>
        <dd>{props.formatLabel}</dd>
      </dl>
      {props.skills.length > 0 ? (
        <>
          <h2>{t('credential.skills')}</h2>
          <ul className="tags">
            {props.skills.map((skill) => (
              <li key={skill}>{skill}</li>
            ))}
          </ul>
        </>
      ) : null}
      {props.criteria ? (
        <>
          <h2>{t('credential.criteria')}</h2>
          <p>{props.criteria}</p>
        </>
      ) : null}
      <VerificationResult view={props.verification} headingId="verification" />
      <h2>{t('credential.download')}</h2>
      <ul>
        <li>
          <a href="?format=json" download={`credential-${props.id}.json`}>
            {t('credential.downloadJson')}
          </a>
        </li>
        {props.isJwt ? (
          <li>
            <a href="?format=jwt" download={`credential-${props.id}.jwt`}>
              {t('credential.downloadJwt')}
            </a>
          </li>
        ) : null}
      </ul>
      <p className="small">
        {t('credential.checkYourself')} <a href="/verify">{t('credential.verifyAgain')}</a> ·{' '}
        <code>credstack verify {props.url}</code>
      </p>
    </article>
  );
}
