import { useI18n } from '../i18n/index.tsx';
import type { IssuerPageProps } from './page-data.ts';

/** An issuer's public page: who they are, how to check their signatures, and what they award. */
export function IssuerPage(props: IssuerPageProps) {
  const { t } = useI18n();
  return (
    <>
      {props.logoUrl ? (
        <img src={props.logoUrl} alt={t('issuer.logoAlt', { name: props.name })} className="org-logo" />
      ) : null}
      <h1>{props.name}</h1>
      <p>
        {t('issuer.issuedCount', { count: props.issuedCount })} ·{' '}
        {t('issuer.activeCount', { count: props.activeCount })}
      </p>
      {props.url ? (
        <p>
          {t('issuer.website')}: <a href={props.url}>{props.url}</a>
        </p>
      ) : null}
      {props.dids.length > 0 ? (
        <>
          <h2>{t('issuer.identifiers')}</h2>
          <ul>
            {props.dids.map((did) => (
              <li key={did}>
                <code>{did}</code>
              </li>
            ))}
          </ul>
        </>
      ) : null}
      <h2>{t('issuer.definitions')}</h2>
      {props.definitions.length === 0 ? (
        <p>{t('issuer.noDefinitions')}</p>
      ) : (
        <ul className="cards">
          {props.definitions.map((definition) => (
            <li key={definition.id} className="card">
              <h3>
                <a href={definition.url}>{definition.name}</a>
              </h3>
              {definition.level || definition.hours ? (
                <p className="small">
                  {[
                    definition.level ? t('issuer.level', { level: definition.level }) : null,
                    definition.hours ? t('issuer.hours', { hours: definition.hours }) : null,
                  ]
                    .filter(Boolean)
                    .join(' · ')}
                </p>
              ) : null}
            </li>
          ))}
        </ul>
      )}
    </>
  );
}
