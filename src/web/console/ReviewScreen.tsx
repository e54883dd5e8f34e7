import { type FormEvent, useState } from 'react';
import { useI18n } from '../i18n/index.tsx';
import { api } from '../lib/api.ts';
import { Link } from '../lib/router.tsx';
import {
  Field,
  LoadFailed,
  Loading,
  orgApi,
  orgPath,
  ProblemAlert,
  StatusTag,
  useAction,
  useLoad,
} from './shared.tsx';
import type { AssessorSubmission, QueueItem } from './types.ts';

/** Portfolio submissions waiting for a mark (submitted, awaiting a second mark, or in moderation). */
export function ReviewQueueScreen(props: { slug: string }) {
  const { t, date } = useI18n();
  const [status, setStatus] = useState('submitted');
  const query = new URLSearchParams({ limit: '100', ...(status ? { status } : {}) });
  const queue = useLoad<{ submissions: QueueItem[] }>(orgApi(props.slug, `/portfolio/submissions?${query}`));
  const title = t('console.review.title');
  if (queue.error) return <LoadFailed error={queue.error} reload={queue.reload} title={title} />;
  return (
    <>
      <h1>{title}</h1>
      <Field label={t('console.review.filterStatus')}>
        {({ id }) => (
          <select id={id} value={status} onChange={(event) => setStatus(event.target.value)}>
            {['submitted', 'awaiting_second_mark', 'in_moderation', 'passed', 'failed'].map((value) => (
              <option key={value} value={value}>
                {t(`console.status.submission.${value}` as 'console.status.submission.submitted')}
              </option>
            ))}
          </select>
        )}
      </Field>
      {!queue.data ? (
        <Loading />
      ) : queue.data.submissions.length === 0 ? (
        <p>{t('console.review.none')}</p>
      ) : (
        <table>
          <caption className="visually-hidden">{title}</caption>
          <thead>
            <tr>
              <th scope="col">{t('console.review.col.learner')}</th>
              <th scope="col">{t('console.review.col.definition')}</th>
              <th scope="col">{t('console.review.col.status')}</th>
              <th scope="col">{t('console.review.col.submitted')}</th>
            </tr>
          </thead>
          <tbody>
            {queue.data.submissions.map((submission) => (
              <tr key={submission.id}>
                <td>
                  <Link href={orgPath(props.slug, `/review/${submission.id}`)}>
                    {submission.learner.name}
                  </Link>
                  <span className="small"> {submission.learner.email}</span>
                </td>
                <td>{submission.definitionTitle}</td>
                <td>
                  <StatusTag prefix="submission" status={submission.status} />
                  {submission.claimedByYou ? (
                    <span className="small"> · {t('console.review.claimedByYou')}</span>
                  ) : null}
                </td>
                <td>{submission.submittedAt ? date(submission.submittedAt, { withTime: true }) : '—'}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </>
  );
}

/** One submission: the learner's work, a level per rubric criterion, written feedback. */
export function ReviewSubmissionScreen(props: { slug: string; id: string }) {
  const { t, number } = useI18n();
  const path = orgApi(props.slug, `/portfolio/submissions/${props.id}`);
  const loaded = useLoad<{ submission: AssessorSubmission }>(path);
  const [levels, setLevels] = useState<Record<string, string>>({});
  const [feedback, setFeedback] = useState('');
  const claim = useAction();
  const mark = useAction();
  const title = t('console.review.submission');
  if (loaded.error) return <LoadFailed error={loaded.error} reload={loaded.reload} title={title} />;
  if (!loaded.data) return <Loading />;
  const submission = loaded.data.submission;
  const markable = ['submitted', 'awaiting_second_mark', 'in_moderation'].includes(submission.status);
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const body = {
      levels: submission.rubric.criteria.map((criterion) => ({
        criterionId: criterion.id,
        levelId: levels[criterion.id] ?? '',
      })),
      feedback: feedback.trim(),
    };
    const answer = await mark.run(() =>
      api<{ submission: AssessorSubmission }>('POST', `${path}/marks`, body),
    );
    if (answer) loaded.setData(answer);
  };
  return (
    <>
      <h1>
        {t('console.review.heading', { name: submission.learner.name, title: submission.definitionTitle })}
      </h1>
      <p>
        <Link href={orgPath(props.slug, '/review')}>{t('console.review.back')}</Link>
      </p>
      <p>
        <StatusTag prefix="submission" status={submission.status} />{' '}
        {submission.totalPoints !== null
          ? t('console.review.points', {
              total: number(submission.totalPoints),
              max: number(submission.maxPoints ?? 0),
            })
          : null}
      </p>
      <h2>{t('console.review.work')}</h2>
      {submission.text ? <p className="submission-text">{submission.text}</p> : null}
      {submission.links.length > 0 ? (
        <ul>
          {submission.links.map((link) => (
            <li key={link.url}>
              <a href={link.url} rel="noopener noreferrer">
                {link.title ?? link.url}
              </a>
            </li>
          ))}
        </ul>
      ) : null}
      {submission.files.length > 0 ? (
        <ul>
          {submission.files.map((file) => (
            <li key={file.id}>
              <a href={file.downloadUrl}>{file.fileName}</a>{' '}
              <span className="small">({number(file.sizeBytes)} B)</span>
            </li>
          ))}
        </ul>
      ) : null}
      {markable ? (
        <>
          {!submission.claimedByYou ? (
            <div>
              <button
                type="button"
                className="secondary"
                disabled={claim.busy}
                onClick={async () => {
                  const answer = await claim.run(() =>
                    api<{ submission: AssessorSubmission }>('POST', `${path}/claim`),
                  );
                  if (answer) loaded.setData(answer);
                }}
              >
                {t('console.review.claim')}
              </button>
              <ProblemAlert error={claim.error} />
            </div>
          ) : null}
          <form onSubmit={submit} noValidate>
            <h2>{t('console.review.mark')}</h2>
            {submission.rubric.criteria.map((criterion) => (
              <fieldset key={criterion.id}>
                <legend>{criterion.name}</legend>
                {criterion.levels.map((level) => (
                  <div key={level.id} className="checkbox">
                    <input
                      type="radio"
                      id={`level-${criterion.id}-${level.id}`}
                      name={`criterion-${criterion.id}`}
                      checked={levels[criterion.id] === level.id}
                      onChange={() => setLevels({ ...levels, [criterion.id]: level.id })}
                    />
                    <label htmlFor={`level-${criterion.id}-${level.id}`}>
                      {t('console.review.level', { name: level.name, points: number(level.points) })}
                      <span className="small"> — {level.descriptor}</span>
                    </label>
                  </div>
                ))}
              </fieldset>
            ))}
            <Field label={t('console.review.feedback')}>
              {({ id }) => (
                <textarea
                  id={id}
                  rows={4}
                  value={feedback}
                  onChange={(event) => setFeedback(event.target.value)}
                />
              )}
            </Field>
            <button type="submit" disabled={mark.busy}>
              {t('console.review.submitMark')}
            </button>
            <ProblemAlert error={mark.error} />
          </form>
        </>
      ) : null}
      {submission.marks.length > 0 ? (
        <>
          <h2>{t('console.review.marks')}</h2>
          <ul>
            {submission.marks.map((entry) => (
              <li key={entry.id}>
                {t('console.review.markLine', {
                  stage: entry.stage,
                  total: number(entry.totalPoints),
                  max: number(entry.maxPoints),
                  result: entry.passed ? t('console.review.passed') : t('console.review.failed'),
                })}
                <br />
                <span className="small">{entry.feedback}</span>
              </li>
            ))}
          </ul>
        </>
      ) : null}
    </>
  );
}
