import { type FormEvent, useRef, useState } from 'react';
import { type MessageKey, useI18n } from '../i18n/index.tsx';
import { api } from '../lib/api.ts';
import {
  ActionOutcome,
  ColumnHeads,
  ConfirmBox,
  Field,
  fieldMessage,
  InputField,
  LoadFailed,
  Loading,
  orgApi,
  ProblemAlert,
  useAction,
  useLoad,
} from './shared.tsx';
import type { IssuerKey, Organisation, OrganisationLogo, OrganisationWithRole } from './types.ts';

interface IssuerInfo {
  issuer: { dids: { web: string; key: string | null } };
}

/**
 * Organisation settings: name, web address, description; the logo; its DIDs; the signing keys and their
 * rotation.
 */
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
      <LogoSection slug={props.slug} />
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
      <InputField
        label={t('console.settings.name')}
        error={fieldMessage(error, '/name')}
        required
        value={name}
        onChange={setName}
      />
      <InputField
        label={t('console.settings.url')}
        error={fieldMessage(error, '/url')}
        type="url"
        value={url}
        onChange={setUrl}
      />
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
      <ActionOutcome status={saved ? t('console.settings.saved') : ''} error={error} />
    </form>
  );
}

/** Mirrors the server's limit so a too-large file is refused before it is sent. */
const MAX_LOGO_BYTES = 256 * 1024;
const LOGO_TYPES = 'image/png,image/jpeg,image/svg+xml';

/** The logo: the current one, a file picker with a preview of the new one, upload and remove. */
function LogoSection(props: { slug: string }) {
  const { t } = useI18n();
  const logo = useLoad<{ logo: OrganisationLogo | null }>(orgApi(props.slug, '/logo'));
  const [file, setFile] = useState<File | null>(null);
  const [preview, setPreview] = useState<string | null>(null);
  const [tooLarge, setTooLarge] = useState(false);
  const [confirming, setConfirming] = useState(false);
  const [done, setDone] = useState<'saved' | 'removed' | null>(null);
  const { busy, error, run } = useAction();
  const fileInput = useRef<HTMLInputElement>(null);

  const choose = (chosen: File | null) => {
    setDone(null);
    setFile(chosen);
    setPreview(null);
    setTooLarge(chosen !== null && chosen.size > MAX_LOGO_BYTES);
    if (!chosen) return;
    // A data: URL, because the page's CSP allows images from 'self' and data: only.
    const reader = new FileReader();
    reader.onload = () => setPreview(typeof reader.result === 'string' ? reader.result : null);
    reader.readAsDataURL(chosen);
  };

  const upload = async (event: FormEvent) => {
    event.preventDefault();
    if (!file || tooLarge) return;
    const body = new FormData();
    body.append('file', file);
    const answer = await run(() => api<{ logo: OrganisationLogo }>('PUT', orgApi(props.slug, '/logo'), body));
    if (!answer) return;
    logo.setData(answer);
    choose(null);
    if (fileInput.current) fileInput.current.value = '';
    setDone('saved');
  };

  const remove = async () => {
    const answer = await run(() => api('DELETE', orgApi(props.slug, '/logo')));
    setConfirming(false);
    if (answer === undefined) return;
    logo.setData({ logo: null });
    setDone('removed');
  };

  const fileError = tooLarge ? t('console.logo.tooLarge') : fieldMessage(error, '/file');
  const current = logo.data?.logo ?? null;
  return (
    <section aria-labelledby="settings-logo">
      <h2 id="settings-logo">{t('console.settings.logo')}</h2>
      {logo.error ? <ProblemAlert error={logo.error} /> : null}
      {logo.data ? (
        current ? (
          <p>
            <img src={current.url} alt={t('console.settings.logoAlt')} className="org-logo" />
          </p>
        ) : (
          <p>{t('console.logo.none')}</p>
        )
      ) : (
        <Loading />
      )}
      <form onSubmit={upload} noValidate aria-labelledby="settings-logo">
        <Field label={t('console.logo.file')} hint={t('console.logo.hint')} error={fileError}>
          {({ id, describedBy, invalid }) => (
            <input
              id={id}
              ref={fileInput}
              type="file"
              accept={LOGO_TYPES}
              onChange={(event) => choose(event.target.files?.[0] ?? null)}
              aria-describedby={describedBy}
              aria-invalid={invalid || undefined}
            />
          )}
        </Field>
        {preview ? (
          <p>
            <img src={preview} alt={t('console.logo.previewAlt')} className="org-logo" />
          </p>
        ) : null}
        <button type="submit" disabled={busy || !file || tooLarge}>
          {t('console.logo.upload')}
        </button>
      </form>
      {current ? (
        confirming ? (
          <ConfirmBox
            question={t('console.logo.removeConfirm')}
            yes={t('console.logo.removeYes')}
            danger
            busy={busy}
            onYes={() => void remove()}
            onCancel={() => setConfirming(false)}
          />
        ) : (
          <p>
            <button type="button" className="secondary" onClick={() => setConfirming(true)}>
              {t('console.logo.remove')}
            </button>
          </p>
        )
      ) : null}
      <ActionOutcome
        status={
          done === 'saved' ? t('console.logo.saved') : done === 'removed' ? t('console.logo.removed') : ''
        }
        error={error}
      />
    </section>
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
          <ColumnHeads
            labels={[
              t('console.settings.key.method'),
              t('console.settings.key.status'),
              t('console.settings.key.created'),
              t('console.settings.key.retired'),
            ]}
          />
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
        <ConfirmBox
          question={t('console.settings.rotateConfirm')}
          yes={t('console.settings.rotateYes')}
          busy={busy}
          onYes={() => void rotate()}
          onCancel={() => setConfirming(false)}
        />
      ) : (
        <button type="button" className="secondary" onClick={() => setConfirming(true)}>
          {t('console.settings.rotate')}
        </button>
      )}
      <ActionOutcome status={rotated ? t('console.settings.rotated') : ''} error={error} />
    </section>
  );
}
