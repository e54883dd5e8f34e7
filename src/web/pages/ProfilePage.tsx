import { useI18n } from '../i18n/index.tsx';
import type { ProfilePageProps } from './page-data.ts';

/** A learner's public profile: only the credentials they chose to show, each with its standing. */
export function ProfilePage(props: ProfilePageProps) {
  const { t, date } = useI18n();
  return (
    <>
      <h1>{props.displayName}</h1>
      {props.bio ? <p>{props.bio}</p> : null}
      <h2>{t('profile.credentials')}</h2>
      {props.credentials.length === 0 ? (
        <p>{t('profile.noCredentials')}</p>
      ) : (
        <ul className="cards">
          {props.credentials.map((credential) => (
            <li key={credential.key} className="card" data-standing={credential.standing}>
              <h3>{credential.name}</h3>
              <p>
                {credential.issuedAt
                  ? t('profile.issuedBy', { issuer: credential.issuerName, date: date(credential.issuedAt) })
                  : credential.issuerName}
              </p>
              {credential.standing !== 'active' ? (
                <p className="error">
                  <strong>{t(`profile.standing.${credential.standing}`)}</strong>
                </p>
              ) : null}
              {credential.imported ? <p className="small">{t('profile.imported')}</p> : null}
              {credential.url ? <a href={credential.url}>{t('profile.view')}</a> : null}
            </li>
          ))}
        </ul>
      )}
    </>
  );
}
