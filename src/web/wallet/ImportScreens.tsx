import { type FormEvent, useRef, useState } from 'react';
import { VerificationResult } from '../components/VerificationResult.tsx';
import { useI18n } from '../i18n/index.tsx';
import { api } from '../lib/api.ts';
import { Link, useRouter } from '../lib/router.tsx';
import { ScreenHeading } from './ScreenHeading.tsx';
import { LoadState, ProblemAlert, useAction, useApiGet } from './shared.tsx';
import type { ImportedDetail, ImportedSummary, ImportVerdict } from './types.ts';

const VERDICT_CLASS: Record<ImportVerdict, string> = {
  verified: 'ok',
  not_verified: 'error',
  unknown: 'unknown',
};
const VERDICT_KEY = {
  verified: 'wallet.import.verdict.verified',
  not_verified: 'wallet.import.verdict.not_verified',
  unknown: 'wallet.import.verdict.unknown',
} as const;

function Verdict(props: { verdict: ImportVerdict }) {
  const { t } = useI18n();
  return (
    <span className={`verdict-flag ${VERDICT_CLASS[props.verdict]}`} data-verdict={props.verdict}>
      {t(VERDICT_KEY[props.verdict])}
    </span>
  );
}

/** Import a credential issued elsewhere (file or pasted JSON); it is verified on import. */
export function ImportScreen() {
  const { t, date } = useI18n();
  const { navigate } = useRouter();
  const loaded = useApiGet<{ importedCredentials: ImportedSummary[] }>('/api/v1/me/imported-credentials');
  const upload = useAction();
  const paste = useAction();
  const fileInput = useRef<HTMLInputElement>(null);
  const [pasted, setPasted] = useState('');
  const [pasteProblem, setPasteProblem] = useState(false);

  async function uploadFile(event: FormEvent) {
    event.preventDefault();
    const file = fileInput.current?.files?.[0];
    if (!file) return;
    const form = new FormData();
    form.append('file', file);
    const made = await upload.run(() =>
      api<{ importedCredential: ImportedDetail }>('POST', '/api/v1/me/imported-credentials/upload', form),
    );
    if (made) navigate(`/wallet/import/${made.importedCredential.id}`);
  }

  async function importPasted(event: FormEvent) {
    event.preventDefault();
    const text = pasted.trim();
    let credential: object | string = text;
    if (text.startsWith('{')) {
      try {
        credential = JSON.parse(text) as object;
      } catch {
        setPasteProblem(true);
        return;
      }
    }
    setPasteProblem(false);
    const made = await paste.run(() =>
      api<{ importedCredential: ImportedDetail }>('POST', '/api/v1/me/imported-credentials', { credential }),
    );
    if (made) navigate(`/wallet/import/${made.importedCredential.id}`);
  }

  return (
    <>
      <ScreenHeading>{t('wallet.import.title')}</ScreenHeading>
      <p>{t('wallet.import.intro')}</p>
      <div className="verify-forms">
        <form onSubmit={uploadFile} className="card">
          <ProblemAlert error={upload.error} />
          <label htmlFor="import-file">{t('wallet.import.file')}</label>
          <input
            id="import-file"
            type="file"
            accept=".json,.jsonld,.png,.svg,application/json,image/png,image/svg+xml"
            ref={fileInput}
          />
          <button type="submit" disabled={upload.busy}>
            {t('wallet.import.upload')}
          </button>
        </form>
        <form onSubmit={importPasted} className="card" noValidate>
          <ProblemAlert error={paste.error} />
          <label htmlFor="import-json">{t('wallet.import.paste')}</label>
          <textarea
            id="import-json"
            rows={6}
            value={pasted}
            aria-invalid={pasteProblem || undefined}
            aria-describedby={pasteProblem ? 'import-json-error' : undefined}
            onChange={(event) => setPasted(event.target.value)}
          />
          {pasteProblem ? (
            <p className="field-error" id="import-json-error" role="alert">
              {t('wallet.import.badJson')}
            </p>
          ) : null}
          <button type="submit" disabled={paste.busy || pasted.trim() === ''}>
            {t('wallet.import.submitPaste')}
          </button>
        </form>
      </div>
      <h2>{t('wallet.import.listTitle')}</h2>
      <LoadState loaded={loaded}>
        {({ importedCredentials }) =>
          importedCredentials.length === 0 ? (
            <p>{t('wallet.import.empty')}</p>
          ) : (
            <ul className="cards">
              {importedCredentials.map((item) => (
                <li key={item.id} className="card">
                  <h3 className="card-title">
                    <Link href={`/wallet/import/${item.id}`}>
                      {item.achievementName ?? item.name ?? item.id}
                    </Link>
                  </h3>
                  <p className="small">
                    {t('wallet.import.from', {
                      issuer: item.issuer.name ?? item.issuer.id ?? '?',
                      date: date(item.importedAt),
                    })}
                  </p>
                  <p>
                    <Verdict verdict={item.verdict} />
                  </p>
                </li>
              ))}
            </ul>
          )
        }
      </LoadState>
    </>
  );
}

export function ImportedDetailScreen(props: { id: string }) {
  const { t, date } = useI18n();
  const { navigate } = useRouter();
  const loaded = useApiGet<{ importedCredential: ImportedDetail }>(
    `/api/v1/me/imported-credentials/${encodeURIComponent(props.id)}`,
  );
  const recheck = useAction();
  const remove = useAction();
  const [confirmRemove, setConfirmRemove] = useState(false);
  return (
    <LoadState loaded={loaded}>
      {({ importedCredential: item }) => (
        <>
          <ScreenHeading>{item.achievementName ?? item.name ?? t('wallet.import.untitled')}</ScreenHeading>
          <p>
            <Verdict verdict={item.verdict} />
          </p>
          <dl className="facts">
            <dt>{t('credential.issuedBy')}</dt>
            <dd>{item.issuer.name ?? item.issuer.id ?? '?'}</dd>
            <dt>{t('credential.validFrom')}</dt>
            <dd>{item.validFrom ? date(item.validFrom) : '—'}</dd>
            <dt>{t('credential.validUntil')}</dt>
            <dd>{item.validUntil ? date(item.validUntil) : t('credential.noExpiry')}</dd>
            <dt>{t('wallet.import.importedOn')}</dt>
            <dd>{date(item.importedAt, { withTime: true })}</dd>
          </dl>
          <VerificationResult
            headingId="import-verification"
            view={{
              verdict: item.verification.verdict,
              checkedAt: item.verification.checkedAt,
              steps: item.verification.steps.map((step) => ({
                id: step.id,
                outcome: step.outcome,
                summary: step.summary,
                problems: step.problems.map((problem) => ({ code: problem.code, message: problem.message })),
              })),
              standing: null,
              achievementName: item.achievementName,
              issuerName: item.issuer.name,
            }}
          />
          <ProblemAlert error={recheck.error ?? remove.error} />
          <button
            type="button"
            className="secondary"
            disabled={recheck.busy}
            onClick={async () => {
              const next = await recheck.run(() =>
                api<{ importedCredential: ImportedDetail }>(
                  'POST',
                  `/api/v1/me/imported-credentials/${item.id}/verify`,
                ),
              );
              if (next) loaded.setData(next);
            }}
          >
            {t('wallet.import.recheck')}
          </button>{' '}
          {confirmRemove ? (
            <span className="inline-confirm">
              <span>{t('wallet.import.removeConfirm')}</span>{' '}
              <button
                type="button"
                className="danger"
                disabled={remove.busy}
                onClick={async () => {
                  const done = await remove.run(() =>
                    api('DELETE', `/api/v1/me/imported-credentials/${item.id}`),
                  );
                  if (done !== undefined) navigate('/wallet/import', { replace: true });
                }}
              >
                {t('wallet.import.removeYes')}
              </button>{' '}
              <button type="button" className="secondary" onClick={() => setConfirmRemove(false)}>
                {t('common.cancel')}
              </button>
            </span>
          ) : (
            <button type="button" className="secondary" onClick={() => setConfirmRemove(true)}>
              {t('wallet.import.remove')}
            </button>
          )}
          <p>
            <Link href="/wallet/import">{t('wallet.import.back')}</Link>
          </p>
        </>
      )}
    </LoadState>
  );
}
