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
  useLoad,
} from './shared.tsx';
import type { DefinitionDetail, DefinitionStatus, DefinitionSummary } from './types.ts';

const STATUSES: DefinitionStatus[] = ['draft', 'in_review', 'published', 'retired'];

/** The organisation's credential definitions, filterable by status. */
export function DefinitionsScreen(props: { slug: string }) {
  const { t, date, number } = useI18n();
  const [status, setStatus] = useState('');
  const query = new URLSearchParams({ limit: '200', source: 'own', ...(status ? { status } : {}) });
  const list = useLoad<{ definitions: DefinitionSummary[]; total: number }>(
    orgApi(props.slug, `/definitions?${query}`),
  );
  const title = t('console.definitions.title');
  if (list.error) return <LoadFailed error={list.error} reload={list.reload} title={title} />;
  return (
    <>
      <h1>{title}</h1>
      <p>
        <Link className="button" href={orgPath(props.slug, '/definitions/new')}>
          {t('console.definitions.new')}
        </Link>
      </p>
      <Field label={t('console.definitions.filterStatus')}>
        {({ id }) => (
          <select
            id={id}
            value={status}
            onChange={(event) => setStatus(event.target.value)}
            className="narrow"
          >
            <option value="">{t('console.filter.all')}</option>
            {STATUSES.map((value) => (
              <option key={value} value={value}>
                {t(`console.status.definition.${value}` as MessageKey)}
              </option>
            ))}
          </select>
        )}
      </Field>
      {!list.data ? (
        <Loading />
      ) : list.data.definitions.length === 0 ? (
        <p>{t('console.definitions.none')}</p>
      ) : (
        <table>
          <caption className="visually-hidden">{title}</caption>
          <thead>
            <tr>
              <th scope="col">{t('console.definitions.col.title')}</th>
              <th scope="col">{t('console.definitions.col.version')}</th>
              <th scope="col">{t('console.definitions.col.status')}</th>
              <th scope="col">{t('console.definitions.col.quality')}</th>
              <th scope="col">{t('console.definitions.col.updated')}</th>
            </tr>
          </thead>
          <tbody>
            {list.data.definitions.map((definition) => (
              <tr key={definition.id}>
                <td>
                  <Link href={orgPath(props.slug, `/definitions/${definition.id}`)}>{definition.title}</Link>
                </td>
                <td>{number(definition.version)}</td>
                <td>
                  <StatusTag prefix="definition" status={definition.status} />
                </td>
                <td>{definition.quality.score === null ? '—' : number(definition.quality.score)}</td>
                <td>{date(definition.updatedAt)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </>
  );
}

/** A new draft needs only its title; the editor takes it from there. */
export function NewDefinitionScreen(props: { slug: string }) {
  const { t } = useI18n();
  const { navigate } = useRouter();
  const [title, setTitle] = useState('');
  const { busy, error, run } = useAction();
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const created = await run(() =>
      api<{ definition: DefinitionDetail }>('POST', orgApi(props.slug, '/definitions'), {
        title: title.trim(),
        stackability: { standalone: true },
      }),
    );
    if (created) navigate(orgPath(props.slug, `/definitions/${created.definition.id}`));
  };
  return (
    <>
      <h1>{t('console.definitions.new')}</h1>
      <p>{t('console.definitions.newLead')}</p>
      <form onSubmit={submit} noValidate>
        <ProblemAlert error={error} />
        <Field label={t('console.editor.field.title')} error={fieldMessage(error, '/title')}>
          {({ id, describedBy, invalid }) => (
            <input
              id={id}
              required
              value={title}
              onChange={(event) => setTitle(event.target.value)}
              aria-describedby={describedBy}
              aria-invalid={invalid || undefined}
            />
          )}
        </Field>
        <button type="submit" disabled={busy}>
          {t('console.definitions.create')}
        </button>
      </form>
    </>
  );
}
