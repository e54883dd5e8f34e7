import type { MessageKey } from '../i18n/index.tsx';
import { useI18n } from '../i18n/index.tsx';
import type { VerificationView } from '../pages/page-data.ts';

const VERDICT_CLASS = { valid: 'ok', invalid: 'error', unknown: 'unknown' } as const;
const OUTCOME_MARK = { passed: '✔', failed: '✘', unknown: '?', skipped: '–', warning: '!' } as const;

type Step = VerificationView['steps'][number];

/**
 * A verification, said plainly: the verdict (revoked, suspended and expired named as such, with the
 * issuer's date and reason), then each step as a question with its answer and the verifier's details.
 */
export function VerificationResult(props: {
  view: VerificationView;
  headingId: string;
  headingLevel?: 2 | 3;
}) {
  const { t } = useI18n();
  const { view } = props;
  const Heading = props.headingLevel === 3 ? 'h3' : 'h2';
  return (
    <section aria-labelledby={props.headingId} className="verification">
      <Heading id={props.headingId}>{t('credential.verification')}</Heading>
      <Verdict view={view} />
      <StepList steps={view.steps} />
    </section>
  );
}

/**
 * The verdict box. The page's own verdict is a status region carrying `data-verdict`; an embedded
 * credential's (`embedded`) is neither, so a transcript of fifty does not announce fifty times and
 * `[data-verdict]` still names the one document that was given.
 */
export function Verdict(props: { view: VerificationView; embedded?: boolean }) {
  const { t, date } = useI18n();
  const { view } = props;
  const standing = view.standing;
  const verdictText =
    standing !== null ? t(`verdict.${standing.state}`) : t(`verdict.${view.verdict}` as MessageKey);
  const marks = props.embedded
    ? { 'data-embedded-verdict': view.verdict, 'data-embedded-standing': standing?.state ?? '' }
    : { role: 'status', 'data-verdict': view.verdict, 'data-standing': standing?.state ?? '' };
  return (
    <div className={`verdict ${standing ? 'error' : VERDICT_CLASS[view.verdict]}`} {...marks}>
      <p>
        <strong>{verdictText}</strong>
      </p>
      {standing?.date ? (
        <p>
          {t(standing.state === 'expired' ? 'credential.validUntil' : `credential.status.${standing.state}`, {
            date: date(standing.date),
          })}
          {standing.state === 'expired' ? `: ${date(standing.date)}` : ''}
        </p>
      ) : null}
      {standing?.reason ? <p>{t('credential.reason', { reason: standing.reason })}</p> : null}
      {props.embedded ? null : (
        <p className="small">{t('verdict.checkedAt', { when: date(view.checkedAt, { withTime: true }) })}</p>
      )}
    </div>
  );
}

/** The step log: each step as a plain question, its outcome in words, the summary and the problems. */
export function StepList(props: { steps: Step[] }) {
  const { t } = useI18n();
  return (
    <ol className="steps">
      {props.steps.map((step) => (
        <li key={step.id} data-step={step.id} data-outcome={step.outcome} className={`step ${step.outcome}`}>
          <span className="outcome">
            <span aria-hidden="true">{OUTCOME_MARK[step.outcome]} </span>
            {t(`outcome.${step.outcome}`)}
          </span>{' '}
          — <strong>{t(`step.${step.id}`)}</strong>
          <p className="small">{step.summary}</p>
          {step.problems.length > 0 ? (
            <ul>
              {step.problems.map((problem) => (
                <li key={`${problem.code}:${problem.message}`}>
                  <code>{problem.code}</code> {problem.message}
                </li>
              ))}
            </ul>
          ) : null}
        </li>
      ))}
    </ol>
  );
}

/**
 * The credentials inside a CLR 2.0 transcript, each with its own verdict, achievement and issuer, the steps
 * that did not pass, and every step behind a disclosure (plain `<details>`: no script needed).
 */
export function EmbeddedCredentials(props: { embedded: VerificationView[]; headingId: string }) {
  const { t } = useI18n();
  const { embedded } = props;
  const valid = embedded.filter((view) => view.verdict === 'valid' && view.standing === null).length;
  return (
    <section aria-labelledby={props.headingId} className="embedded-credentials">
      <h2 id={props.headingId}>{t('verify.transcript.heading', { count: embedded.length })}</h2>
      {embedded.length === 0 ? (
        <p>{t('verify.transcript.noneChecked')}</p>
      ) : (
        <>
          <p>{t('verify.transcript.tally', { valid, count: embedded.length })}</p>
          <ol className="embedded-list">
            {embedded.map((view, index) => {
              const headingId = `${props.headingId}-${index + 1}`;
              const notPassed = view.steps.filter(
                (step) => step.outcome === 'failed' || step.outcome === 'unknown',
              );
              return (
                // biome-ignore lint/suspicious/noArrayIndexKey: the transcript's order is fixed; ids may repeat
                <li key={index} className="card embedded-credential">
                  <h3 id={headingId}>
                    {view.achievementName ?? t('verify.transcript.untitled', { number: index + 1 })}
                  </h3>
                  {view.issuerName ? <p>{t('verify.issuerName', { name: view.issuerName })}</p> : null}
                  <Verdict view={view} embedded />
                  {notPassed.length > 0 ? (
                    <>
                      <h4>{t('verify.transcript.failedSteps')}</h4>
                      <StepList steps={notPassed} />
                    </>
                  ) : null}
                  <details>
                    <summary>{t('verify.transcript.allSteps')}</summary>
                    <StepList steps={view.steps} />
                  </details>
                </li>
              );
            })}
          </ol>
        </>
      )}
    </section>
  );
}
