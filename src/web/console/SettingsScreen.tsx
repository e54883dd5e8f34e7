import { type FormEvent, useState } from 'react';
import { type MessageKey, useI18n } from '../i18n/index.tsx';
import { api } from '../lib/api.ts';
import {
  Field,
  fieldMessage,
  LoadFailed,
  Loading,
  orgApi,
  ProblemAlert,
  useAction,
  useLoad,
} from './shared.tsx';
import type { IssuerKey, Organisation, OrganisationWithRole } from './types.ts';

interface IssuerInfo {
  issuer: { logo: string | null; dids: { web: string; key: string | null } };
}

/** Organisation settings: name, web address, description; its DIDs; the signing keys and their rotation. */
export function SettingsScreen(props: { slug: string }) {
  const { t } = useI18n();
  const org = useLoad<OrganisationWithRole>(orgApi(props.slug));
  const title = t('console.settings.title');
  if (org.error) return <LoadFailed error={org.error} reload={org.reload} title={title} />;
  if (!org.data) return <Loading />;
  return (
    <>
      <h1>{title}</h1>
      <ProfileForm slug={props.slug} organisation={org.data.organisation} />
      <Identity slug={props.slug} />
      <Keys slug={props.slug} />
    </>
  );
}

function ProfileForm(props: { slug: string; organisation: Organisation }) {
  const { t } = useI18n();
  const [name, setName] = useState(props.organisation.name);
  const [url, setUrl] = useState(props.organisation.url ?? '');
  const [description, setDescription] = useState(props.organisation.description ?? '');
  const [saved, setSaved] = useState(false);
  const { busy, error, run } = useAction();
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setSaved(false);
    const answer = await run(() =>
      api('PATCH', orgApi(props.slug), {
        name: name.trim(),
        url: url.trim() === '' ? null : url.trim(),
        description: description.trim() === '' ? null : description.trim(),
      }),
    );
    if (answer) setSaved(true);
  };
  return (
    <form onSubmit={submit} noValidate aria-labelledby="settings-profile">
      <h2 id="settings-profile">{t('console.settings.profile')}</h2>
      <Field label={t('console.settings.name')} error={fieldMessage(error, '/name')}>
        {({ id, describedBy }) => (
          <input
            id={id}
            required
            value={name}
            onChange={(event) => setName(event.target.value)}
            aria-describedby={describedBy}
          />
        )}
      </Field>
      <Field label={t('console.settings.url')} error={fieldMessage(error, '/url')}>
        {({ id, describedBy }) => (
          <input
            id={id}
            type="url"
            value={url}
            onChange={(event) => setUrl(event.target.value)}
            aria-describedby={describedBy}
          />
        )}
      </Field>
      <Field label={t('console.settings.description')} error={fieldMessage(error, '/description')}>
        {({ id, describedBy }) => (
          <textarea
            id={id}
            rows={3}
            value={description}
            onChange={(event) => setDescription(event.target.value)}
            aria-describedby={describedBy}
          />
        )}
      </Field>
      <button type="submit" disabled={busy}>
        {t('common.save')}
      </button>
      <p aria-live="polite" className="small">
        {saved ? t('console.settings.saved') : ''}
      </p>
      <ProblemAlert error={error} />
    </form>
  );
}

function Identity(props: { slug: string }) {
  const { t } = useI18n();
  const issuer = useLoad<IssuerInfo>(`/api/v1/issuers/${encodeURIComponent(props.slug)}`);
  return (
    <section aria-labelledby="settings-identity">
      <h2 id="settings-identity">{t('console.settings.identity')}</h2>
      {issuer.error ? <ProblemAlert error={issuer.error} /> : null}
      {issuer.data ? (
        <dl className="facts">
          <dt>{t('console.settings.didWeb')}</dt>
          <dd>
            <code>{issuer.data.issuer.dids.web}</code>
          </dd>
          <dt>{t('console.settings.didKey')}</dt>
          <dd>
            {issuer.data.issuer.dids.key ? <code>{issuer.data.issuer.dids.key}</code> : t('common.none')}
          </dd>
          <dt>{t('console.settings.logo')}</dt>
          <dd>
            {issuer.data.issuer.logo ? (
              <img src={issuer.data.issuer.logo} alt={t('console.settings.logoAlt')} className="org-logo" />
            ) : (
              t('common.none')
            )}
          </dd>
        </dl>
      ) : null}
    </section>
  );
}

function Keys(props: { slug: string }) {
  const { t, date } = useI18n();
  const keys = useLoad<{ keys: IssuerKey[] }>(orgApi(props.slug, '/keys'));
  const [confirming, setConfirming] = useState(false);
  const [rotated, setRotated] = useState(false);
  const { busy, error, run } = useAction();
  const rotate = async () => {
    const answer = await run(() => api('POST', orgApi(props.slug, '/keys/rotate')));
    setConfirming(false);
    if (answer) {
      setRotated(true);
      keys.reload();
    }
  };
  return (
    <section aria-labelledby="settings-keys">
      <h2 id="settings-keys">{t('console.settings.keys')}</h2>
      {keys.error ? <ProblemAlert error={keys.error} /> : null}
      {keys.data ? (
        <table>
          <thead>
            <tr>
              <th scope="col">{t('console.settings.key.method')}</th>
              <th scope="col">{t('console.settings.key.status')}</th>
              <th scope="col">{t('console.settings.key.created')}</th>
              <th scope="col">{t('console.settings.key.retired')}</th>
            </tr>
          </thead>
          <tbody>
            {keys.data.keys.map((key) => (
              <tr key={key.id}>
                <td>
                  <code>{key.verificationMethod}</code>
                </td>
                <td>{t(`console.settings.key.${key.status}` as MessageKey)}</td>
                <td>{date(key.createdAt, { withTime: true })}</td>
                <td>{key.retiredAt ? date(key.retiredAt, { withTime: true }) : '—'}</td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : (
        <Loading />
      )}
      <p className="small">{t('console.settings.rotateHint')}</p>
      {confirming ? (
        <div className="confirm unknown" role="alert">
          <p>{t('console.settings.rotateConfirm')}</p>
          <button type="button" disabled={busy} onClick={() => void rotate()}>
            {t('console.settings.rotateYes')}
          </button>{' '}
          <button type="button" className="secondary" onClick={() => setConfirming(false)}>
            {t('common.cancel')}
          </button>
        </div>
      ) : (
        <button type="button" className="secondary" onClick={() => setConfirming(true)}>
          {t('console.settings.rotate')}
        </button>
      )}
      <p aria-live="polite" className="small">
        {rotated ? t('console.settings.rotated') : ''}
      </p>
      <ProblemAlert error={error} />
    </section>
  );
}
