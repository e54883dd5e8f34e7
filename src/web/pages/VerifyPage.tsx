import { EmbeddedCredentials, VerificationResult } from '../components/VerificationResult.tsx';
import { useI18n } from '../i18n/index.tsx';
import type { VerifyPageProps } from './page-data.ts';

/**
 * The public verifier: paste, upload or give a URL. Three plain forms posting to this page, so it works
 * without JavaScript; the server answers with the same page and the result under the forms. A CLR 2.0
 * transcript is said to be one, and each credential it embeds is listed with its own verdict.
 */
export function VerifyPage(props: VerifyPageProps) {
  const { t } = useI18n();
  return (
    <>
      <h1>{t('verify.title')}</h1>
      <p>{t('verify.intro')}</p>
      {props.error ? (
        <p className="error" role="alert" id="verify-error">
          {t(`verify.error.${props.error}`, { detail: props.errorDetail ?? '' })}
        </p>
      ) : null}
      <div className="verify-forms">
        <form method="post" action="/verify" className="card">
          <fieldset>
            <legend>{t('verify.paste.legend')}</legend>
            <label htmlFor="verify-credential">{t('verify.paste.label')}</label>
            <textarea
              id="verify-credential"
              name="credential"
              rows={8}
              spellCheck={false}
              defaultValue={props.pasted}
            />
            <button type="submit">{t('verify.submit')}</button>
          </fieldset>
        </form>
        <form method="post" action="/verify" encType="multipart/form-data" className="card">
          <fieldset>
            <legend>{t('verify.upload.legend')}</legend>
            <label htmlFor="verify-file">{t('verify.upload.label')}</label>
            <input
              id="verify-file"
              name="file"
              type="file"
              accept=".json,.jsonld,.jwt,.png,.svg,application/json,image/png,image/svg+xml"
            />
            <button type="submit">{t('verify.submit')}</button>
          </fieldset>
        </form>
        <form method="post" action="/verify" className="card">
          <fieldset>
            <legend>{t('verify.url.legend')}</legend>
            <label htmlFor="verify-url">{t('verify.url.label')}</label>
            <input
              id="verify-url"
              name="url"
              type="url"
              inputMode="url"
              aria-describedby="verify-url-hint"
              defaultValue={props.url}
            />
            <p className="small" id="verify-url-hint">
              {t('verify.url.hint')}
            </p>
            <button type="submit">{t('verify.submit')}</button>
          </fieldset>
        </form>
      </div>
      {props.result ? (
        <div id="result" className="result">
          {props.result.embedded ? (
            <>
              <p className="lead">
                {props.result.transcriptName
                  ? t('verify.transcript.name', { name: props.result.transcriptName })
                  : t('verify.transcript.unnamed')}
              </p>
              <p data-transcript-count={props.result.embedded.length}>
                {t('verify.transcript.count', { count: props.result.embedded.length })}
              </p>
            </>
          ) : null}
          {props.result.achievementName ? (
            <p className="lead">{t('verify.achievement', { name: props.result.achievementName })}</p>
          ) : null}
          {props.result.issuerName ? (
            <p>{t('verify.issuerName', { name: props.result.issuerName })}</p>
          ) : null}
          <VerificationResult view={props.result} headingId="result-heading" />
          {props.result.embedded ? (
            <EmbeddedCredentials embedded={props.result.embedded} headingId="embedded-heading" />
          ) : null}
          <p className="small">{t('verify.source', { source: props.result.source.toUpperCase() })}</p>
        </div>
      ) : null}
    </>
  );
}
