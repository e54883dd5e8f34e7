import { type FormEvent, useEffect, useMemo, useState } from 'react';
import { useI18n } from '../i18n/index.tsx';
import { api, apiDownload, saveFile } from '../lib/api.ts';
import { Link, useRouter } from '../lib/router.tsx';
import { ScreenHeading } from './ScreenHeading.tsx';
import { type Loaded, LoadState, ProblemAlert, TextField, useAction } from './shared.tsx';
import type { HeldCredential } from './types.ts';

/** The server's limit (MAX_TRANSCRIPT_CREDENTIALS in src/modules/transcripts). */
const MAX_CREDENTIALS = 50;
/** Pages of 100 read for the choice; a wallet larger than this shows its newest credentials. */
const MAX_PAGES = 20;

interface ListBody {
  credentials: HeldCredential[];
  nextCursor: string | null;
}

interface IssuerGroup {
  slug: string;
  name: string;
  /** Data Integrity credentials: these can go into a transcript. */
  choosable: HeldCredential[];
  /** vc+jwt credentials: a CLR embeds credential objects, so these cannot. */
  jwt: HeldCredential[];
}

function titleOf(credential: HeldCredential): string {
  return credential.achievementName ?? credential.name ?? credential.id;
}

/** Every credential the learner holds (page after page), for choosing among all of them at once. */
function useAllCredentials(): Loaded<HeldCredential[]> {
  const [data, setData] = useState<HeldCredential[] | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [loading, setLoading] = useState(true);
  const [round, setRound] = useState(0);
  useEffect(() => {
    let live = true;
    void round;
    (async () => {
      setLoading(true);
      try {
        const all: HeldCredential[] = [];
        let cursor: string | null = null;
        for (let page = 0; page < MAX_PAGES; page++) {
          const query: string = cursor ? `&cursor=${encodeURIComponent(cursor)}` : '';
          const body: ListBody = await api<ListBody>('GET', `/api/v1/me/credentials?limit=100${query}`);
          all.push(...body.credentials);
          cursor = body.nextCursor;
          if (!cursor) break;
        }
        if (live) {
          setData(all);
          setError(null);
        }
      } catch (caught) {
        if (live) setError(caught);
      } finally {
        if (live) setLoading(false);
      }
    })();
    return () => {
      live = false;
    };
  }, [round]);
  return {
    data,
    error,
    loading,
    reload: async () => setRound((value) => value + 1),
    setData,
  };
}

/** Groups by issuing organisation (one transcript = one issuer), in the order the list gives them. */
function groupByIssuer(credentials: HeldCredential[]): IssuerGroup[] {
  const groups = new Map<string, IssuerGroup>();
  for (const credential of credentials) {
    const { slug, name } = credential.organisation;
    let group = groups.get(slug);
    if (!group) {
      group = { slug, name, choosable: [], jwt: [] };
      groups.set(slug, group);
    }
    (credential.format === 'vc+jwt' ? group.jwt : group.choosable).push(credential);
  }
  return [...groups.values()];
}

/**
 * "Make a transcript (CLR)": the learner chooses credentials from one issuer and downloads them as one
 * signed CLR 2.0 ClrCredential (POST /me/transcripts). The issuing organisation signs the transcript, so
 * the choice is grouped by issuer and choosing from another issuer starts a new choice, said so aloud.
 */
export function TranscriptScreen() {
  const { t } = useI18n();
  const loaded = useAllCredentials();
  return (
    <>
      <ScreenHeading>{t('wallet.transcript.title')}</ScreenHeading>
      <p className="lead">{t('wallet.transcript.lead')}</p>
      <p>{t('wallet.transcript.oneIssuer')}</p>
      <p>
        <Link href="/wallet">{t('wallet.transcript.back')}</Link>
      </p>
      <LoadState loaded={loaded}>{(credentials) => <TranscriptForm credentials={credentials} />}</LoadState>
    </>
  );
}

function TranscriptForm(props: { credentials: HeldCredential[] }) {
  const { t, date } = useI18n();
  const { search } = useRouter();
  const groups = useMemo(() => groupByIssuer(props.credentials), [props.credentials]);
  const bySlugOf = useMemo(
    () => new Map(props.credentials.map((credential) => [credential.id, credential.organisation.slug])),
    [props.credentials],
  );
  // `?credential=<id>` (from a credential's page) starts with that one chosen.
  const [chosen, setChosen] = useState<string[]>(() => {
    const wanted = search.get('credential');
    const credential = props.credentials.find((entry) => entry.id === wanted);
    return credential && credential.format !== 'vc+jwt' ? [credential.id] : [];
  });
  const [name, setName] = useState('');
  const [switched, setSwitched] = useState('');
  const [done, setDone] = useState<{ fileName: string; count: number; issuer: string } | null>(null);
  const [localProblem, setLocalProblem] = useState<string | null>(null);
  const download = useAction();

  const chosenSlug = chosen.length > 0 ? bySlugOf.get(chosen[0]!) : undefined;
  const chosenGroup = groups.find((group) => group.slug === chosenSlug);

  if (groups.every((group) => group.choosable.length === 0)) {
    return (
      <>
        <p>{t('wallet.transcript.none')}</p>
        {groups.length > 0 ? <JwtOnly groups={groups} /> : null}
      </>
    );
  }

  const toggle = (credential: HeldCredential, checked: boolean) => {
    setDone(null);
    setLocalProblem(null);
    download.setError(null);
    const slug = credential.organisation.slug;
    if (!checked) {
      setChosen((current) => current.filter((id) => id !== credential.id));
      setSwitched('');
      return;
    }
    if (chosenSlug && chosenSlug !== slug && chosenGroup) {
      // Another issuer: one transcript holds one issuer's credentials, so the choice starts again there.
      setChosen([credential.id]);
      setSwitched(
        t('wallet.transcript.switched', { issuer: credential.organisation.name, previous: chosenGroup.name }),
      );
      return;
    }
    setChosen((current) => [...current, credential.id]);
    setSwitched('');
  };

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setDone(null);
    setSwitched('');
    if (chosen.length === 0) {
      setLocalProblem(t('wallet.transcript.chooseOne'));
      return;
    }
    if (chosen.length > MAX_CREDENTIALS) {
      setLocalProblem(t('wallet.transcript.tooMany', { max: MAX_CREDENTIALS }));
      return;
    }
    setLocalProblem(null);
    const trimmed = name.trim();
    const file = await download.run(() =>
      apiDownload(
        'POST',
        '/api/v1/me/transcripts',
        { credentialIds: chosen, ...(trimmed ? { name: trimmed } : {}) },
        'transcript-clr.json',
      ),
    );
    if (!file) return;
    saveFile(file);
    setDone({ fileName: file.fileName, count: chosen.length, issuer: chosenGroup?.name ?? '' });
  };

  return (
    <form onSubmit={submit} noValidate className="transcript-form">
      {groups.map((group) => {
        const other = chosenGroup !== undefined && chosenGroup.slug !== group.slug;
        const hintId = `issuer-${group.slug}-hint`;
        return (
          <fieldset
            key={group.slug}
            className="transcript-issuer"
            aria-describedby={other && group.choosable.length > 0 ? hintId : undefined}
          >
            <legend>{t('wallet.transcript.issuer', { issuer: group.name })}</legend>
            {other && group.choosable.length > 0 ? (
              <p className="small" id={hintId}>
                {t('wallet.transcript.otherIssuer', {
                  issuer: group.name,
                  previous: chosenGroup?.name ?? '',
                })}
              </p>
            ) : null}
            {group.choosable.map((credential) => {
              const id = `transcript-${credential.id}`;
              const standing =
                credential.status === 'revoked'
                  ? t('wallet.status.revoked')
                  : credential.status === 'suspended'
                    ? t('wallet.status.suspended')
                    : null;
              return (
                <div key={credential.id} className="checkbox">
                  <input
                    id={id}
                    type="checkbox"
                    checked={chosen.includes(credential.id)}
                    onChange={(event) => toggle(credential, event.target.checked)}
                  />
                  <label htmlFor={id}>
                    {t('wallet.transcript.option', {
                      title: titleOf(credential),
                      date: date(credential.issuedAt),
                    })}
                    {standing ? ` — ${standing}` : ''}
                  </label>
                </div>
              );
            })}
            {group.jwt.length > 0 ? (
              <>
                <p className="small">{t('wallet.transcript.jwtIntro')}</p>
                <ul className="small">
                  {group.jwt.map((credential) => (
                    <li key={credential.id}>{titleOf(credential)}</li>
                  ))}
                </ul>
              </>
            ) : null}
          </fieldset>
        );
      })}

      <p role="status" className="small">
        {switched}
      </p>

      <TextField
        id="transcript-name"
        label={t('wallet.transcript.name')}
        hint={t('wallet.transcript.nameHint', {
          default: t('wallet.transcript.defaultName', { issuer: chosenGroup?.name ?? '…' }),
        })}
        value={name}
        onChange={setName}
        maxLength={200}
      />

      <p>
        {chosenGroup
          ? t('wallet.transcript.chosen', { count: chosen.length, issuer: chosenGroup.name })
          : t('wallet.transcript.nothingChosen')}
      </p>
      {localProblem ? (
        <p className="error" role="alert">
          {localProblem}
        </p>
      ) : null}
      <ProblemAlert error={download.error} />
      <button type="submit" disabled={download.busy}>
        {t('wallet.transcript.download')}
      </button>
      <div role="status">
        {done ? (
          <p className="ok">
            {t('wallet.transcript.done', { count: done.count, issuer: done.issuer, file: done.fileName })}{' '}
            <a href="/verify">{t('wallet.transcript.verifyLink')}</a>
          </p>
        ) : null}
      </div>
    </form>
  );
}

/** Only vc+jwt credentials: say which, and why they cannot go into a transcript. */
function JwtOnly(props: { groups: IssuerGroup[] }) {
  const { t } = useI18n();
  return (
    <>
      <p className="small">{t('wallet.transcript.jwtIntro')}</p>
      <ul className="small">
        {props.groups.flatMap((group) =>
          group.jwt.map((credential) => <li key={credential.id}>{titleOf(credential)}</li>),
        )}
      </ul>
    </>
  );
}
