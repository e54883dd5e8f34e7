import { type FormEvent, useState } from 'react';
import { type MessageKey, useI18n } from '../i18n/index.tsx';
import { api } from '../lib/api.ts';
import { Link, useRouter } from '../lib/router.tsx';
import {
  Field,
  fieldMessage,
  LoadFailed,
  Loading,
  orgApi,
  orgPath,
  ProblemAlert,
  StatusTag,
  useAction,
  useDebounced,
  useLoad,
} from './shared.tsx';
import type { CredentialStatus, CredentialSummary, DefinitionSummary } from './types.ts';

const STATUSES: CredentialStatus[] = ['active', 'suspended', 'revoked'];
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** One entry per definition (series), named after its newest version, with how many versions it has. */
interface SeriesOption {
  seriesId: string;
  title: string;
  version: number;
  versions: number;
}

function seriesOptions(definitions: DefinitionSummary[], locale: string): SeriesOption[] {
  const bySeries = new Map<string, SeriesOption>();
  for (const entry of definitions) {
    const known = bySeries.get(entry.seriesId);
    if (!known) {
      bySeries.set(entry.seriesId, {
        seriesId: entry.seriesId,
        title: entry.title,
        version: entry.version,
        versions: 1,
      });
      continue;
    }
    known.versions++;
    if (entry.version > known.version) {
      known.title = entry.title;
      known.version = entry.version;
    }
  }
  return [...bySeries.values()].sort((a, b) => a.title.localeCompare(b.title, locale));
}

/**
 * Issued credentials, newest first: search by the recipient's e-mail address, filter by status and by
 * definition (every version of it), all on the server so paging and counts follow the filters; status and
 * definition live in the URL (`?status=…&definition=<seriesId>`) so a filtered list can be shared.
 */
export function CredentialsScreen(props: { slug: string }) {
  const { t, date, locale } = useI18n();
  const { search, navigate } = useRouter();
  const status = search.get('status') ?? '';
  const definition = search.get('definition') ?? '';
  const [email, setEmail] = useState(search.get('email') ?? '');
  const settledEmail = useDebounced(email.trim(), 400);
  const [pages, setPages] = useState<string[]>([]);
  const query = new URLSearchParams({ limit: '200' });
  if (status) query.set('status', status);
  if (settledEmail) query.set('recipientEmail', settledEmail);
  // A hand-edited address with something else than an id filters nothing rather than failing the screen.
  if (UUID.test(definition)) query.set('definitionSeriesId', definition);
  const cursor = pages[pages.length - 1];
  if (cursor) query.set('cursor', cursor);
  const list = useLoad<{ credentials: CredentialSummary[]; nextCursor: string | null }>(
    orgApi(props.slug, `/credentials?${query}`),
  );
  const definitions = useLoad<{ definitions: DefinitionSummary[] }>(
    orgApi(props.slug, '/definitions?limit=200&source=own'),
  );
  const setFilter = (name: string, value: string) => {
    const next = new URLSearchParams(search);
    if (value) next.set(name, value);
    else next.delete(name);
    setPages([]);
    navigate(`${orgPath(props.slug, '/credentials')}${next.size ? `?${next}` : ''}`, { replace: true });
  };
  const title = t('console.credentials.title');
  if (list.error) return <LoadFailed error={list.error} reload={list.reload} title={title} />;
  const shown = list.data?.credentials ?? [];
  return (
    <>
      <h1>{title}</h1>
      <form className="filters" onSubmit={(event: FormEvent) => event.preventDefault()}>
        <Field label={t('console.credentials.search')}>
          {({ id }) => (
            <input
              id={id}
              type="search"
              value={email}
              onChange={(event) => {
                setEmail(event.target.value);
                setPages([]);
              }}
            />
          )}
        </Field>
        <Field label={t('console.credentials.filterStatus')}>
          {({ id }) => (
            <select id={id} value={status} onChange={(event) => setFilter('status', event.target.value)}>
              <option value="">{t('console.filter.all')}</option>
              {STATUSES.map((value) => (
                <option key={value} value={value}>
                  {t(`console.status.credential.${value}` as MessageKey)}
                </option>
              ))}
            </select>
          )}
        </Field>
        <Field label={t('console.credentials.filterDefinition')}>
          {({ id }) => (
            <select
              id={id}
              value={definition}
              onChange={(event) => setFilter('definition', event.target.value)}
            >
              <option value="">{t('console.filter.all')}</option>
              {seriesOptions(definitions.data?.definitions ?? [], locale).map((entry) => (
                <option key={entry.seriesId} value={entry.seriesId}>
                  {t('console.credentials.seriesOption', { title: entry.title, count: entry.versions })}
                </option>
              ))}
            </select>
          )}
        </Field>
      </form>
      {!list.data ? (
        <Loading />
      ) : (
        <>
          <p aria-live="polite" className="small">
            {t('console.credentials.count', { count: shown.length })}
          </p>
          {shown.length > 0 ? (
            <table>
              <caption className="visually-hidden">{title}</caption>
              <thead>
                <tr>
                  <th scope="col">{t('console.credentials.col.recipient')}</th>
                  <th scope="col">{t('console.credentials.col.achievement')}</th>
                  <th scope="col">{t('console.credentials.col.status')}</th>
                  <th scope="col">{t('console.credentials.col.issued')}</th>
                </tr>
              </thead>
              <tbody>
                {shown.map((credential) => (
                  <tr key={credential.id}>
                    <td>
                      <Link href={orgPath(props.slug, `/credentials/${credential.id}`)}>
                        {credential.recipient.email ?? credential.recipient.did ?? credential.id}
                      </Link>
                      {credential.recipient.name ? (
                        <span className="small"> ({credential.recipient.name})</span>
                      ) : null}
                    </td>
                    <td>{credential.achievementName ?? credential.name ?? '—'}</td>
                    <td>
                      <StatusTag prefix="credential" status={credential.status} />
                    </td>
                    <td>{date(credential.issuedAt)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          ) : null}
          <p>
            {pages.length > 0 ? (
              <button type="button" className="secondary" onClick={() => setPages(pages.slice(0, -1))}>
                {t('console.credentials.newer')}
              </button>
            ) : null}{' '}
            {list.data.nextCursor ? (
              <button
                type="button"
                className="secondary"
                onClick={() => setPages([...pages, list.data!.nextCursor!])}
              >
                {t('console.credentials.older')}
              </button>
            ) : null}
          </p>
        </>
      )}
    </>
  );
}

type StatusAction = 'revoke' | 'suspend' | 'reinstate';

/** One credential: its facts and the status changes, each with a required reason (revoking asks twice). */
export function CredentialDetailScreen(props: { slug: string; id: string }) {
  const { t, date } = useI18n();
  const path = orgApi(props.slug, `/credentials/${props.id}`);
  const loaded = useLoad<{ credential: CredentialSummary }>(path);
  const [reason, setReason] = useState('');
  const [confirming, setConfirming] = useState(false);
  const [done, setDone] = useState('');
  const [reasonMissing, setReasonMissing] = useState(false);
  const { busy, error, setError, run } = useAction();
  const title = t('console.credential.title');
  if (loaded.error) return <LoadFailed error={loaded.error} reload={loaded.reload} title={title} />;
  if (!loaded.data) return <Loading />;
  const credential = loaded.data.credential;
  const actions: StatusAction[] =
    credential.status === 'active'
      ? ['suspend', 'revoke']
      : credential.status === 'suspended'
        ? ['reinstate', 'revoke']
        : [];

  const change = async (action: StatusAction) => {
    setDone('');
    if (reason.trim() === '') {
      setError(null);
      setReasonMissing(true);
      return;
    }
    if (action === 'revoke' && !confirming) {
      setConfirming(true);
      return;
    }
    const answer = await run(() =>
      api<{ credential: CredentialSummary }>('POST', `${path}/${action}`, { reason: reason.trim() }),
    );
    setConfirming(false);
    if (answer) {
      loaded.setData(answer);
      setReason('');
      setDone(t(`console.credential.done.${action}` as MessageKey));
    }
  };
  const reasonError =
    reasonMissing && reason.trim() === ''
      ? t('console.credential.reasonRequired')
      : fieldMessage(error, '/reason');

  return (
    <>
      <h1>{credential.achievementName ?? credential.name ?? title}</h1>
      <p>
        <Link href={orgPath(props.slug, '/credentials')}>{t('console.credential.back')}</Link>
      </p>
      <dl className="facts">
        <dt>{t('console.credential.recipient')}</dt>
        <dd>
          {credential.recipient.email ?? '—'}
          {credential.recipient.name ? ` (${credential.recipient.name})` : ''}
        </dd>
        <dt>{t('console.credential.status')}</dt>
        <dd data-status={credential.status}>
          <StatusTag prefix="credential" status={credential.status} />
          {credential.statusReason ? ` — ${credential.statusReason}` : ''}
          {credential.statusChangedAt ? ` (${date(credential.statusChangedAt, { withTime: true })})` : ''}
        </dd>
        <dt>{t('console.credential.issued')}</dt>
        <dd>{date(credential.issuedAt, { withTime: true })}</dd>
        <dt>{t('console.credential.validUntil')}</dt>
        <dd>{credential.validUntil ? date(credential.validUntil) : t('console.credential.noExpiry')}</dd>
        <dt>{t('console.credential.issuer')}</dt>
        <dd>
          <code>{credential.issuer}</code>
        </dd>
        <dt>{t('console.credential.page')}</dt>
        <dd>
          <a href={credential.url}>{credential.url}</a>
        </dd>
      </dl>
      <p aria-live="polite" className={done ? 'ok' : undefined}>
        {done}
      </p>
      {actions.length > 0 ? (
        <section aria-labelledby="status-change-title">
          <h2 id="status-change-title">{t('console.credential.changeStatus')}</h2>
          <form onSubmit={(event) => event.preventDefault()} noValidate>
            <Field
              label={t('console.credential.reason')}
              error={reasonError}
              hint={t('console.credential.reasonHint')}
            >
              {({ id, describedBy, invalid }) => (
                <textarea
                  id={id}
                  rows={2}
                  required
                  value={reason}
                  onChange={(event) => setReason(event.target.value)}
                  aria-describedby={describedBy}
                  aria-invalid={invalid || undefined}
                />
              )}
            </Field>
            {actions.map((action) => (
              <button
                key={action}
                type="button"
                className={action === 'revoke' ? 'danger' : 'secondary'}
                disabled={busy || (confirming && action !== 'revoke')}
                onClick={() => void change(action)}
              >
                {t(`console.credential.action.${action}` as MessageKey)}
              </button>
            ))}
            {confirming ? (
              <div className="confirm error" role="alert">
                <p>{t('console.credential.confirmRevoke')}</p>
                <button
                  type="button"
                  className="danger"
                  disabled={busy}
                  onClick={() => void change('revoke')}
                >
                  {t('console.credential.confirmRevokeButton')}
                </button>{' '}
                <button type="button" className="secondary" onClick={() => setConfirming(false)}>
                  {t('common.cancel')}
                </button>
              </div>
            ) : null}
            <ProblemAlert error={error} />
          </form>
        </section>
      ) : null}
    </>
  );
}
