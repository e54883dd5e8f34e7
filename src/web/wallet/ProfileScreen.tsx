import { type FormEvent, useEffect, useState } from 'react';
import { useI18n } from '../i18n/index.tsx';
import { ApiError, api } from '../lib/api.ts';
import { ScreenHeading } from './ScreenHeading.tsx';
import { fieldErrors, ProblemAlert, TextField, useAction, useSession } from './shared.tsx';
import type { HeldCredential, ImportedSummary, MyProfile } from './types.ts';

interface Choices {
  issued: HeldCredential[];
  imported: ImportedSummary[];
}

/** The public profile editor: handle, name, bio, whether it is public, and which credentials it shows. */
export function ProfileScreen() {
  const { t } = useI18n();
  const { user } = useSession();
  const [profile, setProfile] = useState<MyProfile | null>(null);
  const [choices, setChoices] = useState<Choices | null>(null);
  const [loadError, setLoadError] = useState<unknown>(null);
  const [handle, setHandle] = useState('');
  const [displayName, setDisplayName] = useState(user?.name ?? '');
  const [bio, setBio] = useState('');
  const [isPublic, setIsPublic] = useState(true);
  const [chosen, setChosen] = useState<Set<string>>(new Set());
  const [saved, setSaved] = useState(false);
  const action = useAction();
  const errors = fieldErrors(action.error);

  useEffect(() => {
    void (async () => {
      try {
        const existing = await api<{ profile: MyProfile }>('GET', '/api/v1/me/profile').catch(
          (error: unknown) => {
            // No profile yet: the form starts empty.
            if (error instanceof ApiError && error.status === 404) return null;
            throw error;
          },
        );
        // Unverified addresses hold nothing yet (403): the profile can still be written.
        const issued = await api<{ credentials: HeldCredential[] }>(
          'GET',
          '/api/v1/me/credentials?limit=100',
        ).catch(() => ({ credentials: [] }));
        const imported = await api<{ importedCredentials: ImportedSummary[] }>(
          'GET',
          '/api/v1/me/imported-credentials',
        );
        setChoices({ issued: issued.credentials, imported: imported.importedCredentials });
        if (existing) {
          setProfile(existing.profile);
          setHandle(existing.profile.handle);
          setDisplayName(existing.profile.displayName);
          setBio(existing.profile.bio ?? '');
          setIsPublic(existing.profile.public);
          setChosen(new Set(existing.profile.items.map((item) => `${item.kind}:${item.id}`)));
        }
      } catch (error) {
        setLoadError(error);
      }
    })();
  }, []);

  function toggle(key: string, on: boolean) {
    const next = new Set(chosen);
    if (on) next.add(key);
    else next.delete(key);
    setChosen(next);
  }

  async function save(event: FormEvent) {
    event.preventDefault();
    setSaved(false);
    const ids = (kind: string) =>
      [...chosen].filter((key) => key.startsWith(`${kind}:`)).map((key) => key.slice(kind.length + 1));
    const next = await action.run(() =>
      api<{ profile: MyProfile }>('PUT', '/api/v1/me/profile', {
        handle: handle.trim(),
        displayName: displayName.trim(),
        bio: bio.trim() === '' ? null : bio,
        public: isPublic,
        credentialIds: ids('issued'),
        importedCredentialIds: ids('imported'),
      }),
    );
    if (next) {
      setProfile(next.profile);
      setSaved(true);
    }
  }

  return (
    <>
      <ScreenHeading>{t('wallet.profile.title')}</ScreenHeading>
      <p>{t('wallet.profile.intro')}</p>
      <ProblemAlert error={loadError} />
      {profile?.public ? (
        <p>
          <a href={`/u/${encodeURIComponent(profile.handle)}`}>
            {t('wallet.profile.view', { handle: profile.handle })}
          </a>
        </p>
      ) : null}
      {choices === null && !loadError ? (
        <p aria-live="polite" className="small">
          {t('common.loading')}
        </p>
      ) : null}
      {choices ? (
        <form onSubmit={save} noValidate>
          <ProblemAlert error={action.error} />
          <TextField
            id="handle"
            label={t('wallet.profile.handle')}
            hint={t('wallet.profile.handleHint')}
            value={handle}
            onChange={setHandle}
            error={errors.handle}
            required
          />
          <TextField
            id="displayName"
            label={t('wallet.profile.displayName')}
            value={displayName}
            onChange={setDisplayName}
            error={errors.displayName}
            required
          />
          <TextField
            id="bio"
            label={t('wallet.profile.bio')}
            multiline
            value={bio}
            onChange={setBio}
            error={errors.bio}
          />
          <div className="checkbox">
            <input
              id="profile-public"
              type="checkbox"
              checked={isPublic}
              onChange={(event) => setIsPublic(event.target.checked)}
            />
            <label htmlFor="profile-public">{t('wallet.profile.public')}</label>
          </div>
          <fieldset>
            <legend>{t('wallet.profile.shown')}</legend>
            {choices.issued.length + choices.imported.length === 0 ? (
              <p>{t('wallet.profile.nothing')}</p>
            ) : null}
            {choices.issued.map((credential) => (
              <div className="checkbox" key={credential.id}>
                <input
                  id={`show-${credential.id}`}
                  type="checkbox"
                  checked={chosen.has(`issued:${credential.id}`)}
                  onChange={(event) => toggle(`issued:${credential.id}`, event.target.checked)}
                />
                <label htmlFor={`show-${credential.id}`}>
                  {credential.achievementName ?? credential.name ?? credential.id}{' '}
                  <span className="small">({credential.organisation.name})</span>
                </label>
              </div>
            ))}
            {choices.imported
              .filter((item) => item.verdict === 'verified')
              .map((item) => (
                <div className="checkbox" key={item.id}>
                  <input
                    id={`show-${item.id}`}
                    type="checkbox"
                    checked={chosen.has(`imported:${item.id}`)}
                    onChange={(event) => toggle(`imported:${item.id}`, event.target.checked)}
                  />
                  <label htmlFor={`show-${item.id}`}>
                    {item.achievementName ?? item.name ?? item.id}{' '}
                    <span className="small">
                      ({t('wallet.profile.importedFrom', { issuer: item.issuer.name ?? '?' })})
                    </span>
                  </label>
                </div>
              ))}
          </fieldset>
          <button type="submit" disabled={action.busy}>
            {t('wallet.profile.save')}
          </button>
          <p aria-live="polite" className="small">
            {saved ? t('wallet.profile.saved') : ''}
          </p>
        </form>
      ) : null}
    </>
  );
}
