import { type FormEvent, useRef, useState } from 'react';
import { useI18n } from '../i18n/index.tsx';
import { api } from '../lib/api.ts';
import { Link, useRouter } from '../lib/router.tsx';
import { ScreenHeading } from './ScreenHeading.tsx';
import { fieldErrors, LoadState, ProblemAlert, TextField, useAction, useApiGet } from './shared.tsx';
import type { Submission, SubmissionStatus, SubmissionSummary } from './types.ts';

const STATUS_KEY = {
  draft: 'wallet.portfolio.status.draft',
  submitted: 'wallet.portfolio.status.submitted',
  awaiting_second_mark: 'wallet.portfolio.status.marking',
  in_moderation: 'wallet.portfolio.status.marking',
  passed: 'wallet.portfolio.status.passed',
  failed: 'wallet.portfolio.status.failed',
} as const satisfies Record<SubmissionStatus, string>;

/** My practical work: the submissions, and starting one for a definition assessed by a rubric. */
export function PortfolioListScreen() {
  const { t, date } = useI18n();
  const { search, navigate } = useRouter();
  const loaded = useApiGet<{ submissions: SubmissionSummary[] }>('/api/v1/me/portfolio/submissions?limit=50');
  const [definitionId, setDefinitionId] = useState(search.get('definitionId') ?? '');
  const create = useAction();
  const errors = fieldErrors(create.error);

  async function start(event: FormEvent) {
    event.preventDefault();
    const made = await create.run(() =>
      api<{ submission: Submission }>('POST', '/api/v1/me/portfolio/submissions', {
        definitionId: definitionId.trim(),
      }),
    );
    if (made) navigate(`/wallet/portfolio/${made.submission.id}`);
  }

  return (
    <>
      <ScreenHeading>{t('wallet.portfolio.title')}</ScreenHeading>
      <p>{t('wallet.portfolio.intro')}</p>
      <LoadState loaded={loaded}>
        {({ submissions }) =>
          submissions.length === 0 ? (
            <p>{t('wallet.portfolio.empty')}</p>
          ) : (
            <table>
              <caption className="visually-hidden">{t('wallet.portfolio.title')}</caption>
              <thead>
                <tr>
                  <th scope="col">{t('wallet.portfolio.work')}</th>
                  <th scope="col">{t('wallet.portfolio.updated')}</th>
                  <th scope="col">{t('wallet.portfolio.state')}</th>
                </tr>
              </thead>
              <tbody>
                {submissions.map((submission) => (
                  <tr key={submission.id}>
                    <td>
                      <Link href={`/wallet/portfolio/${submission.id}`}>{submission.definitionTitle}</Link>
                    </td>
                    <td>{date(submission.decidedAt ?? submission.submittedAt ?? submission.createdAt)}</td>
                    <td>{t(STATUS_KEY[submission.status])}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          )
        }
      </LoadState>
      <section aria-labelledby="new-work-heading">
        <h2 id="new-work-heading">{t('wallet.portfolio.new')}</h2>
        <form onSubmit={start} noValidate>
          <ProblemAlert error={create.error} />
          <TextField
            id="definitionId"
            label={t('wallet.portfolio.definitionId')}
            hint={t('wallet.portfolio.definitionHint')}
            value={definitionId}
            onChange={setDefinitionId}
            error={errors.definitionId}
            required
          />
          <button type="submit" disabled={create.busy}>
            {t('wallet.portfolio.start')}
          </button>
        </form>
      </section>
    </>
  );
}

function linksToText(links: Submission['links']): string {
  return links.map((link) => link.url).join('\n');
}

export function SubmissionScreen(props: { id: string }) {
  const loaded = useApiGet<{ submission: Submission }>(
    `/api/v1/me/portfolio/submissions/${encodeURIComponent(props.id)}`,
  );
  return (
    <LoadState loaded={loaded}>
      {({ submission }) =>
        submission.status === 'draft' ? (
          <DraftSubmission
            submission={submission}
            onChange={(next) => loaded.setData({ submission: next })}
            reload={loaded.reload}
          />
        ) : (
          <HandedIn submission={submission} />
        )
      }
    </LoadState>
  );
}

function DraftSubmission(props: {
  submission: Submission;
  onChange(next: Submission): void;
  reload(): Promise<void>;
}) {
  const { t, number } = useI18n();
  const { submission } = props;
  const [text, setText] = useState(submission.text ?? '');
  const [links, setLinks] = useState(linksToText(submission.links));
  const [notice, setNotice] = useState('');
  const save = useAction();
  const upload = useAction();
  const remove = useAction();
  const hand = useAction();
  const fileInput = useRef<HTMLInputElement>(null);
  const errors = fieldErrors(save.error);
  const base = `/api/v1/me/portfolio/submissions/${submission.id}`;

  async function saveDraft(event: FormEvent) {
    event.preventDefault();
    const list = links
      .split(/\s+/)
      .map((url) => url.trim())
      .filter(Boolean)
      .map((url) => ({ url }));
    const next = await save.run(() =>
      api<{ submission: Submission }>('PATCH', base, {
        text: text === '' ? null : text,
        links: list.length ? list : null,
      }),
    );
    if (next) {
      props.onChange(next.submission);
      setNotice(t('wallet.portfolio.savedDraft'));
    }
  }

  async function uploadFile(event: FormEvent) {
    event.preventDefault();
    const file = fileInput.current?.files?.[0];
    if (!file) return;
    const form = new FormData();
    form.append('file', file);
    const done = await upload.run(() => api('POST', `${base}/files`, form));
    if (done !== undefined) {
      if (fileInput.current) fileInput.current.value = '';
      await props.reload();
      setNotice(t('wallet.portfolio.uploaded', { name: file.name }));
    }
  }

  return (
    <>
      <ScreenHeading>{submission.definitionTitle}</ScreenHeading>
      <p>{t('wallet.portfolio.draftIntro')}</p>
      <p aria-live="polite" className="small">
        {notice}
      </p>
      <form onSubmit={saveDraft} noValidate>
        <ProblemAlert error={save.error} />
        <TextField
          id="text"
          label={t('wallet.portfolio.text')}
          multiline
          value={text}
          onChange={setText}
          error={errors.text}
        />
        <TextField
          id="links"
          label={t('wallet.portfolio.links')}
          hint={t('wallet.portfolio.linksHint')}
          multiline
          value={links}
          onChange={setLinks}
          error={errors.links}
        />
        <button type="submit" disabled={save.busy}>
          {t('wallet.portfolio.saveDraft')}
        </button>
      </form>

      <section aria-labelledby="files-heading">
        <h2 id="files-heading">{t('wallet.portfolio.files')}</h2>
        {submission.files.length === 0 ? (
          <p>{t('wallet.portfolio.noFiles')}</p>
        ) : (
          <ul>
            {submission.files.map((file) => (
              <li key={file.id}>
                <a href={`${base}/files/${file.id}`}>{file.fileName}</a>{' '}
                <span className="small">
                  ({t('wallet.portfolio.kb', { size: number(Math.ceil(file.sizeBytes / 1024)) })})
                </span>{' '}
                <button
                  type="button"
                  className="secondary"
                  disabled={remove.busy}
                  aria-label={t('wallet.portfolio.removeFile', { name: file.fileName })}
                  onClick={async () => {
                    const done = await remove.run(() => api('DELETE', `${base}/files/${file.id}`));
                    if (done !== undefined) {
                      await props.reload();
                      setNotice(t('wallet.portfolio.removed', { name: file.fileName }));
                    }
                  }}
                >
                  {t('wallet.portfolio.remove')}
                </button>
              </li>
            ))}
          </ul>
        )}
        <ProblemAlert error={remove.error} />
        <form onSubmit={uploadFile}>
          <ProblemAlert error={upload.error} />
          <label htmlFor="portfolio-file">{t('wallet.portfolio.file')}</label>
          <input id="portfolio-file" type="file" ref={fileInput} />
          <button type="submit" disabled={upload.busy}>
            {t('wallet.portfolio.upload')}
          </button>
        </form>
      </section>

      <section aria-labelledby="hand-in-heading">
        <h2 id="hand-in-heading">{t('wallet.portfolio.handIn')}</h2>
        <p>{t('wallet.portfolio.handInHint')}</p>
        <ProblemAlert error={hand.error} />
        <button
          type="button"
          disabled={hand.busy}
          onClick={async () => {
            const next = await hand.run(() => api<{ submission: Submission }>('POST', `${base}/submit`));
            if (next) props.onChange(next.submission);
          }}
        >
          {t('wallet.portfolio.submit')}
        </button>
      </section>
    </>
  );
}

function HandedIn(props: { submission: Submission }) {
  const { t, date } = useI18n();
  const { submission } = props;
  const result = submission.result;
  return (
    <>
      <ScreenHeading>{submission.definitionTitle}</ScreenHeading>
      <p role="status">
        {t(STATUS_KEY[submission.status])}
        {submission.submittedAt
          ? ` — ${t('wallet.portfolio.submittedOn', { date: date(submission.submittedAt) })}`
          : ''}
      </p>
      {result ? (
        <section aria-labelledby="marks-heading" className={result.passed ? 'ok' : 'error'}>
          <h2 id="marks-heading">{t('wallet.portfolio.marks')}</h2>
          <p>
            <strong>{t(result.passed ? 'wallet.result.passed' : 'wallet.result.failed')}</strong>{' '}
            {t('wallet.portfolio.points', { total: result.totalPoints, max: result.maxPoints })}
          </p>
          {result.feedback ? <p>{result.feedback}</p> : null}
          <table>
            <caption>{t('wallet.portfolio.criteria')}</caption>
            <thead>
              <tr>
                <th scope="col">{t('wallet.portfolio.criterion')}</th>
                <th scope="col">{t('wallet.portfolio.level')}</th>
                <th scope="col">{t('wallet.portfolio.criterionPoints')}</th>
                <th scope="col">{t('wallet.portfolio.criterionFeedback')}</th>
              </tr>
            </thead>
            <tbody>
              {result.criteria.map((criterion) => (
                <tr key={criterion.criterionId}>
                  <td>{criterion.criterionName}</td>
                  <td>{criterion.levelName}</td>
                  <td>{criterion.points}</td>
                  <td>{criterion.feedback ?? ''}</td>
                </tr>
              ))}
            </tbody>
          </table>
          {submission.credentialId ? (
            <p>
              <Link href={`/wallet/credentials/${submission.credentialId}`}>
                {t('wallet.result.openCredential')}
              </Link>
            </p>
          ) : null}
        </section>
      ) : null}
      {submission.text ? (
        <section aria-labelledby="work-heading">
          <h2 id="work-heading">{t('wallet.portfolio.yourWork')}</h2>
          <p className="prewrap">{submission.text}</p>
        </section>
      ) : null}
      {submission.files.length > 0 ? (
        <ul>
          {submission.files.map((file) => (
            <li key={file.id}>
              <a href={`/api/v1/me/portfolio/submissions/${submission.id}/files/${file.id}`}>
                {file.fileName}
              </a>
            </li>
          ))}
        </ul>
      ) : null}
    </>
  );
}
