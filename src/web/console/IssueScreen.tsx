import { type FormEvent, useState } from 'react';
import { type MessageKey, useI18n } from '../i18n/index.tsx';
import { api } from '../lib/api.ts';
import { Link } from '../lib/router.tsx';
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
  usePolling,
} from './shared.tsx';
import type { DefinitionDetail, DefinitionSummary, IssueJob, JobRow } from './types.ts';

/** How often a running bulk job is asked for its progress. */
const POLL_MS = 1000;

/**
 * Issue a published, externally assessed definition's credential to one learner (a form) or to many (a
 * CSV upload). Both go through the bulk-issue job, so one learner and ten thousand are checked and
 * recorded the same way; the job's progress bar and row errors follow. Definitions assessed in Credstack
 * (a test, a rubric) are awarded by passing that assessment, never by hand: the screen says so.
 */
export function IssueScreen(props: { slug: string }) {
  const { t } = useI18n();
  const definitions = useLoad<{ definitions: DefinitionSummary[] }>(
    orgApi(props.slug, '/definitions?status=published&limit=200'),
  );
  const [definitionId, setDefinitionId] = useState('');
  const [job, setJob] = useState<IssueJob | null>(null);
  const title = t('console.issue.title');
  if (definitions.error)
    return <LoadFailed error={definitions.error} reload={definitions.reload} title={title} />;
  if (!definitions.data) return <Loading />;
  const published = definitions.data.definitions;
  const chosen = definitionId || published[0]?.id || '';
  const jobsPath = orgApi(props.slug, `/definitions/${chosen}/issue-jobs`);
  return (
    <>
      <h1>{title}</h1>
      {published.length === 0 ? (
        <p>
          {t('console.issue.nonePublished')}{' '}
          <Link href={orgPath(props.slug, '/definitions')}>{t('console.nav.definitions')}</Link>
        </p>
      ) : (
        <>
          <Field label={t('console.issue.definition')}>
            {({ id }) => (
              <select
                id={id}
                value={chosen}
                onChange={(event) => {
                  setDefinitionId(event.target.value);
                  setJob(null);
                }}
              >
                {published.map((definition) => (
                  <option key={definition.id} value={definition.id}>
                    {t('console.credentials.definitionOption', {
                      title: definition.title,
                      version: definition.version,
                    })}
                  </option>
                ))}
              </select>
            )}
          </Field>
          <IssueForms key={chosen} slug={props.slug} definitionId={chosen} path={jobsPath} onJob={setJob} />
          {job ? (
            <JobProgress key={job.id} path={`${jobsPath}/${job.id}`} initial={job} slug={props.slug} />
          ) : null}
        </>
      )}
    </>
  );
}

/** The forms, once the chosen definition is known to be assessed externally. */
function IssueForms(props: { slug: string; definitionId: string; path: string; onJob(job: IssueJob): void }) {
  const { t } = useI18n();
  const detail = useLoad<{ definition: DefinitionDetail }>(
    orgApi(props.slug, `/definitions/${props.definitionId}`),
  );
  if (detail.error) return <ProblemAlert error={detail.error} />;
  if (!detail.data) return <Loading />;
  const type = detail.data.definition.content.assessment?.type;
  if (type !== 'external') {
    return (
      <p className="unknown">
        {t('console.issue.notExternal', {
          type: type ? t(`console.assessmentType.${type}` as MessageKey) : t('common.none'),
        })}
      </p>
    );
  }
  return (
    <div className="issue-forms">
      <OneLearnerForm path={props.path} onJob={props.onJob} />
      <CsvForm path={props.path} onJob={props.onJob} />
    </div>
  );
}

function OneLearnerForm(props: { path: string; onJob(job: IssueJob): void }) {
  const { t } = useI18n();
  const [email, setEmail] = useState('');
  const [name, setName] = useState('');
  const { busy, error, run } = useAction();
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const row = { email: email.trim(), ...(name.trim() ? { name: name.trim() } : {}) };
    const answer = await run(() => api<{ job: IssueJob }>('POST', props.path, { rows: [row] }));
    if (answer) {
      setEmail('');
      setName('');
      props.onJob(answer.job);
    }
  };
  return (
    <form onSubmit={submit} noValidate className="card">
      <h2>{t('console.issue.one')}</h2>
      <Field label={t('console.issue.email')} error={fieldMessage(error, '/rows/0/email')}>
        {({ id, describedBy, invalid }) => (
          <input
            id={id}
            type="email"
            required
            value={email}
            onChange={(event) => setEmail(event.target.value)}
            aria-describedby={describedBy}
            aria-invalid={invalid || undefined}
          />
        )}
      </Field>
      <Field label={t('console.issue.name')}>
        {({ id }) => <input id={id} value={name} onChange={(event) => setName(event.target.value)} />}
      </Field>
      <button type="submit" disabled={busy}>
        {t('console.issue.issueOne')}
      </button>
      <ProblemAlert error={error} />
    </form>
  );
}

function CsvForm(props: { path: string; onJob(job: IssueJob): void }) {
  const { t } = useI18n();
  const [file, setFile] = useState<File | null>(null);
  const [skipInvalid, setSkipInvalid] = useState(false);
  const { busy, error, run } = useAction();
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (!file) return;
    const csv = await file.text();
    const answer = await run(() =>
      api<{ job: IssueJob }>('POST', props.path, { csv, ...(skipInvalid ? { skipInvalid: true } : {}) }),
    );
    if (answer) props.onJob(answer.job);
  };
  return (
    <form onSubmit={submit} noValidate className="card">
      <h2>{t('console.issue.many')}</h2>
      <Field label={t('console.issue.csv')} hint={t('console.issue.csvHint')}>
        {({ id, describedBy }) => (
          <input
            id={id}
            type="file"
            accept=".csv,text/csv"
            onChange={(event) => setFile(event.target.files?.[0] ?? null)}
            aria-describedby={describedBy}
          />
        )}
      </Field>
      <div className="checkbox">
        <input
          id="csv-skip-invalid"
          type="checkbox"
          checked={skipInvalid}
          onChange={(event) => setSkipInvalid(event.target.checked)}
        />
        <label htmlFor="csv-skip-invalid">{t('console.issue.skipInvalid')}</label>
      </div>
      <button type="submit" disabled={busy || !file}>
        {t('console.issue.upload')}
      </button>
      <ProblemAlert error={error} />
    </form>
  );
}

function JobProgress(props: { path: string; initial: IssueJob; slug: string }) {
  const { t, number } = useI18n();
  const [job, setJob] = useState(props.initial);
  const [rows, setRows] = useState<JobRow[] | null>(null);
  const finished = job.status === 'completed' || job.status === 'rejected';
  const refresh = async () => {
    const answer = await api<{ job: IssueJob }>('GET', props.path);
    setJob(answer.job);
    if (answer.job.status === 'completed' || answer.job.status === 'rejected') {
      const [invalid, failed] = await Promise.all(
        (['invalid', 'failed'] as const).map((status) =>
          api<{ rows: JobRow[] }>('GET', `${props.path}/rows?status=${status}&limit=100`),
        ),
      );
      setRows([...(invalid?.rows ?? []), ...(failed?.rows ?? [])].sort((a, b) => a.row - b.row));
    }
  };
  usePolling(!finished, POLL_MS, () => void refresh().catch(() => undefined));
  const settled = job.issued + job.alreadyIssued + job.failed;
  return (
    <section aria-labelledby="job-title" className="job">
      <h2 id="job-title">{t('console.issue.progress')}</h2>
      <label htmlFor="job-progress">
        <StatusTag prefix="job" status={job.status} />
      </label>
      <progress
        id="job-progress"
        max={Math.max(job.valid, 1)}
        value={job.status === 'completed' ? Math.max(job.valid, 1) : settled}
      />
      <p aria-live="polite" data-job-status={job.status}>
        {t('console.issue.counts', {
          issued: number(job.issued),
          already: number(job.alreadyIssued),
          failed: number(job.failed),
          invalid: number(job.invalid),
          total: number(job.total),
        })}
      </p>
      {finished && job.issued > 0 ? (
        <p>
          <Link href={orgPath(props.slug, '/credentials')}>{t('console.issue.seeCredentials')}</Link>
        </p>
      ) : null}
      {rows && rows.length > 0 ? (
        <table>
          <caption>{t('console.issue.rowErrors')}</caption>
          <thead>
            <tr>
              <th scope="col">{t('console.issue.col.row')}</th>
              <th scope="col">{t('console.issue.col.email')}</th>
              <th scope="col">{t('console.issue.col.status')}</th>
              <th scope="col">{t('console.issue.col.problems')}</th>
            </tr>
          </thead>
          <tbody>
            {rows.map((row) => (
              <tr key={row.row}>
                <td>{number(row.row)}</td>
                <td>{row.data.email ?? '—'}</td>
                <td>{t(`console.status.row.${row.status}` as MessageKey)}</td>
                <td>{row.errors.map((problem) => `${problem.column}: ${problem.message}`).join('; ')}</td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : null}
    </section>
  );
}
