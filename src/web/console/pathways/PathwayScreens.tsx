import { type FormEvent, useState } from 'react';
import { type MessageKey, useI18n } from '../../i18n/index.tsx';
import { api } from '../../lib/api.ts';
import { Link } from '../../lib/router.tsx';
import { Field, LoadFailed, Loading, orgApi, orgPath, ProblemAlert, useAction, useLoad } from '../shared.tsx';
import { GroupsPanel } from './GroupsPanel.tsx';
import { PathwayBuilder } from './PathwayBuilder.tsx';
import type { CohortLearner, PathwaySummary, Recognition } from './types.ts';

/** The console's pathway screens under /console/orgs/:slug/pathways…, for ConsoleApp's route table. */
export const PATHWAY_SCREENS = [
  { pattern: '/pathways', render: (p: Record<string, string>) => <PathwayListScreen slug={p.slug!} /> },
  { pattern: '/pathways/new', render: (p: Record<string, string>) => <PathwayBuilder slug={p.slug!} /> },
  {
    pattern: '/pathways/:id',
    render: (p: Record<string, string>) => <PathwayBuilder slug={p.slug!} id={p.id!} />,
  },
  {
    pattern: '/pathways/:id/learners',
    render: (p: Record<string, string>) => <CohortScreen slug={p.slug!} id={p.id!} />,
  },
  {
    pattern: '/pathways/:id/recognitions',
    render: (p: Record<string, string>) => <RecognitionQueueScreen slug={p.slug!} id={p.id!} />,
  },
];

/** The organisation's pathways, each at its newest version. */
export function PathwayListScreen(props: { slug: string }) {
  const { t, date, number } = useI18n();
  const list = useLoad<{ pathways: PathwaySummary[] }>(orgApi(props.slug, '/pathways?limit=100'));
  const title = t('pathways.console.title');
  if (list.error) return <LoadFailed error={list.error} reload={list.reload} title={title} />;
  return (
    <>
      <h1>{title}</h1>
      <p>{t('pathways.console.lead')}</p>
      <p>
        <Link className="button" href={orgPath(props.slug, '/pathways/new')}>
          {t('pathways.console.new')}
        </Link>
      </p>
      {!list.data ? (
        <Loading />
      ) : list.data.pathways.length === 0 ? (
        <p>{t('pathways.console.none')}</p>
      ) : (
        <table>
          <caption className="visually-hidden">{title}</caption>
          <thead>
            <tr>
              <th scope="col">{t('pathways.col.title')}</th>
              <th scope="col">{t('pathways.col.version')}</th>
              <th scope="col">{t('pathways.col.status')}</th>
              <th scope="col">{t('pathways.col.updated')}</th>
            </tr>
          </thead>
          <tbody>
            {list.data.pathways.map((pathway) => (
              <tr key={pathway.pathwayId}>
                <td>
                  <Link href={orgPath(props.slug, `/pathways/${pathway.pathwayId}`)}>{pathway.title}</Link>
                </td>
                <td>{number(pathway.version)}</td>
                <td>{t(`pathways.status.${pathway.status}` as MessageKey)}</td>
                <td>{date(pathway.updatedAt)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </>
  );
}

/** Who of the subscribed learners is where on the published pathway. */
export function CohortScreen(props: { slug: string; id: string }) {
  const { t, date, number } = useI18n();
  const cohort = useLoad<{ learners: CohortLearner[] }>(orgApi(props.slug, `/pathways/${props.id}/learners`));
  const title = t('pathways.cohort.title');
  if (cohort.error) return <LoadFailed error={cohort.error} reload={cohort.reload} title={title} />;
  return (
    <>
      <h1>{title}</h1>
      <p>
        <Link href={orgPath(props.slug, `/pathways/${props.id}`)}>{t('pathways.console.backToPathway')}</Link>
      </p>
      {!cohort.data ? (
        <Loading />
      ) : cohort.data.learners.length === 0 ? (
        <p>{t('pathways.cohort.none')}</p>
      ) : (
        <table>
          <caption className="visually-hidden">{title}</caption>
          <thead>
            <tr>
              <th scope="col">{t('pathways.col.learner')}</th>
              <th scope="col">{t('pathways.col.components')}</th>
              <th scope="col">{t('pathways.col.credits')}</th>
              <th scope="col">{t('pathways.col.state')}</th>
            </tr>
          </thead>
          <tbody>
            {cohort.data.learners.map((learner) => (
              <tr key={learner.userId}>
                <td>
                  {learner.name}
                  <br />
                  <span className="small">{learner.email}</span>
                </td>
                <td>
                  {t('pathways.cohort.counted', {
                    counted: learner.componentsCounted,
                    total: learner.components,
                  })}
                </td>
                <td>{number(learner.creditPoints)}</td>
                <td>
                  {learner.completion
                    ? t(`pathways.completion.${learner.completion.status}` as MessageKey, {
                        date: date(learner.completion.completedAt),
                      })
                    : learner.satisfied
                      ? t('pathways.cohort.satisfied')
                      : t('pathways.cohort.inProgress')}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <GroupsPanel slug={props.slug} pathwayId={props.id} />
    </>
  );
}

/** The reviewer queue: learners' submissions of prior learning, each accepted or rejected with a note. */
export function RecognitionQueueScreen(props: { slug: string; id: string }) {
  const { t } = useI18n();
  const queue = useLoad<{ recognitions: Recognition[] }>(
    orgApi(props.slug, `/pathways/${props.id}/recognitions`),
  );
  const [decided, setDecided] = useState<Array<{ id: string; status: Recognition['status'] }>>([]);
  const title = t('pathways.queue.title');
  if (queue.error) return <LoadFailed error={queue.error} reload={queue.reload} title={title} />;
  const pending = (queue.data?.recognitions ?? []).filter(
    (recognition) => !decided.some((entry) => entry.id === recognition.id),
  );
  return (
    <>
      <h1>{title}</h1>
      <p>
        <Link href={orgPath(props.slug, `/pathways/${props.id}`)}>{t('pathways.console.backToPathway')}</Link>
      </p>
      <div role="status">
        {decided.map((entry) => (
          <p key={entry.id} className="ok">
            {t(`pathways.queue.decided.${entry.status}` as MessageKey)}
          </p>
        ))}
      </div>
      {!queue.data ? (
        <Loading />
      ) : pending.length === 0 ? (
        <p>{t('pathways.queue.none')}</p>
      ) : (
        <ul className="cards">
          {pending.map((recognition) => (
            <li key={recognition.id} className="card">
              <RecognitionDecision
                slug={props.slug}
                pathwayId={props.id}
                recognition={recognition}
                onDecided={(status) => setDecided((list) => [...list, { id: recognition.id, status }])}
              />
            </li>
          ))}
        </ul>
      )}
    </>
  );
}

function RecognitionDecision(props: {
  slug: string;
  pathwayId: string;
  recognition: Recognition;
  onDecided(status: Recognition['status']): void;
}) {
  const { t, date } = useI18n();
  const { recognition } = props;
  const [note, setNote] = useState('');
  const { busy, error, run } = useAction();
  const decide = async (decision: 'accept' | 'reject') => {
    const answer = await run(() =>
      api<{ recognition: Recognition }>(
        'POST',
        orgApi(props.slug, `/pathways/${props.pathwayId}/recognitions/${recognition.id}/decision`),
        { decision, note: note.trim() || null },
      ),
    );
    if (answer) props.onDecided(answer.recognition.status);
  };
  const submission = recognition.submission;
  return (
    <form
      onSubmit={(event: FormEvent) => {
        event.preventDefault();
        void decide('accept');
      }}
    >
      <h2 className="card-title">{t('pathways.queue.item', { component: recognition.componentId })}</h2>
      <p className="small">
        {t(`pathways.source.${recognition.source}` as MessageKey)}
        {recognition.submittedAt ? ` · ${date(recognition.submittedAt, { withTime: true })}` : ''}
      </p>
      {submission?.queuedBecause ? (
        <p>{t('pathways.queue.because', { reason: submission.queuedBecause })}</p>
      ) : null}
      {submission?.verdict ? <p>{t(`pathways.verdict.${submission.verdict}` as MessageKey)}</p> : null}
      {submission?.narrative ? <p className="prewrap">{submission.narrative}</p> : null}
      {submission?.url ? (
        <p>
          <a href={submission.url} rel="noopener noreferrer">
            {submission.url}
          </a>
        </p>
      ) : null}
      <ProblemAlert error={error} />
      <Field label={t('pathways.queue.note')}>
        {({ id }) => (
          <textarea
            id={id}
            rows={2}
            maxLength={2000}
            value={note}
            onChange={(event) => setNote(event.target.value)}
          />
        )}
      </Field>
      <div className="actions">
        <button type="submit" disabled={busy}>
          {t('pathways.queue.accept')}
        </button>
        <button type="button" className="danger" disabled={busy} onClick={() => void decide('reject')}>
          {t('pathways.queue.reject')}
        </button>
      </div>
    </form>
  );
}
