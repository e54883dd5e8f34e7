import type {
  CredentialVerificationReport,
  PresentationVerificationReport,
  VerificationStep,
} from '../../core/vc/verify.ts';

/** A problem detail in a VC-API verification result (`errors` / `warnings`). */
export interface VerificationProblemDetail {
  type: string;
  title: string;
  detail: string;
  code: string;
  step: string;
  path?: string;
}

function problemsOf(steps: VerificationStep[], outcomes: ReadonlyArray<VerificationStep['outcome']>) {
  const details: VerificationProblemDetail[] = [];
  for (const step of steps) {
    if (!outcomes.includes(step.outcome)) continue;
    const problems =
      step.problems.length > 0 ? step.problems : [{ code: step.outcome, message: step.summary }];
    for (const problem of problems) {
      details.push({
        type: `https://credstack.dev/verification#${problem.code}`,
        title: step.title,
        detail: problem.message,
        code: problem.code,
        step: step.id,
        ...(problem.path ? { path: problem.path } : {}),
      });
    }
  }
  return details;
}

/** Only fields that are safe and useful to a verifier leave the server; the credential itself is echoed. */
function presentSteps(steps: VerificationStep[]) {
  return steps.map((step) => ({
    id: step.id,
    title: step.title,
    outcome: step.outcome,
    summary: step.summary,
    problems: step.problems.map((p) => ({
      code: p.code,
      message: p.message,
      ...(p.path ? { path: p.path } : {}),
    })),
  }));
}

type PresentedCredentialReport = {
  verified: boolean;
  verdict: CredentialVerificationReport['verdict'];
  checkedAt: string;
  format: CredentialVerificationReport['format'];
  issuer: CredentialVerificationReport['issuer'];
  statuses: CredentialVerificationReport['statuses'];
  checks: string[];
  warnings: ReturnType<typeof problemsOf>;
  errors: ReturnType<typeof problemsOf>;
  steps: ReturnType<typeof presentSteps>;
  embedded?: PresentedCredentialReport[];
};

/**
 * The VC-API verification result (`checks`, `warnings`, `errors`) plus Credstack's named step log and
 * verdict, so clients of either convention read the same answer.
 */
export function presentCredentialReport(report: CredentialVerificationReport): PresentedCredentialReport {
  return {
    verified: report.verdict === 'valid',
    verdict: report.verdict,
    checkedAt: report.checkedAt,
    format: report.format,
    issuer: report.issuer,
    statuses: report.statuses,
    checks: report.steps.filter((s) => s.outcome === 'passed').map((s) => s.id),
    warnings: problemsOf(report.steps, ['warning', 'unknown']),
    errors: problemsOf(report.steps, report.verdict === 'valid' ? ['failed'] : ['failed', 'unknown']),
    steps: presentSteps(report.steps),
    ...(report.embedded ? { embedded: report.embedded.map(presentCredentialReport) } : {}),
  };
}

export function presentPresentationReport(report: PresentationVerificationReport) {
  const credentialErrors = report.credentials.flatMap((c) =>
    presentCredentialReport(c).errors.map((e) => ({ ...e, credential: c.credential?.id ?? null })),
  );
  return {
    verified: report.verdict === 'valid',
    verdict: report.verdict,
    checkedAt: report.checkedAt,
    checks: report.steps.filter((s) => s.outcome === 'passed').map((s) => s.id),
    warnings: problemsOf(report.steps, ['warning']),
    errors: [
      ...problemsOf(report.steps, report.verdict === 'valid' ? ['failed'] : ['failed', 'unknown']),
      ...credentialErrors,
    ],
    steps: presentSteps(report.steps),
    credentials: report.credentials.map(presentCredentialReport),
  };
}

/** 200 when valid; 400 when the input is not a credential at all; 422 when it does not verify. */
export function verificationStatus(report: { verdict: string; steps: VerificationStep[] }): 200 | 400 | 422 {
  if (report.verdict === 'valid') return 200;
  const format = report.steps.find((s) => s.id === 'format');
  return format?.outcome === 'failed' ? 400 : 422;
}
