import type { MessageKey } from '../i18n/index.tsx';
import { useI18n } from '../i18n/index.tsx';
import type { VerificationView } from '../pages/page-data.ts';

const VERDICT_CLASS = { valid: 'ok', invalid: 'error', unknown: 'unknown' } as const;
const OUTCOME_MARK = { passed: '✔', failed: '✘', unknown: '?', skipped: '–', warning: '!' } as const;

/**
 * A verification, said plainly: the verdict (revoked, suspended and expired named as such, with the
 * issuer's date and reason), then each step as a question with its answer and the verifier's details.
 */
export function VerificationResult(props: {
  view: VerificationView;
  headingId: string;
  headingLevel?: 2 | 3;
}) {
  const { t, date } = useI18n();
  const { view } = props;
  const Heading = props.headingLevel === 3 ? 'h3' : 'h2';
  const standing = view.standing;
  const verdictText =
    standing !== null ? t(`verdict.${standing.state}`) : t(`verdict.${view.verdict}` as MessageKey);
  return (
    <section aria-labelledby={props.headingId} className="verification">
      <Heading id={props.headingId}>{t('credential.verification')}</Heading>
      <div
        className={`verdict ${standing ? 'error' : VERDICT_CLASS[view.verdict]}`}
        role="status"
        data-verdict={view.verdict}
        data-standing={standing?.state ?? ''}
      >
        <p>
          <strong>{verdictText}</strong>
        </p>
        {standing?.date ? (
          <p>
            {t(
              standing.state === 'expired' ? 'credential.validUntil' : `credential.status.${standing.state}`,
              {
                date: date(standing.date),
              },
            )}
            {standing.state === 'expired' ? `: ${date(standing.date)}` : ''}
          </p>
        ) : null}
        {standing?.reason ? <p>{t('credential.reason', { reason: standing.reason })}</p> : null}
        <p className="small">{t('verdict.checkedAt', { when: date(view.checkedAt, { withTime: true }) })}</p>
      </div>
      <ol className="steps">
        {view.steps.map((step) => (
          <li
            key={step.id}
            data-step={step.id}
            data-outcome={step.outcome}
            className={`step ${step.outcome}`}
          >
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
    </section>
  );
}
