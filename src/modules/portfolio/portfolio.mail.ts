import type { MailMessage } from '../mail/mail.service.ts';

function greeting(name: string | null): string {
  return name ? `Hello ${name},` : 'Hello,';
}

export interface MailedCriterion {
  name: string;
  level: string;
  points: number;
  feedback?: string;
}

function feedbackLines(input: { criteria: MailedCriterion[]; feedback: string }): string[] {
  const lines = ['Feedback from the assessor:', '', input.feedback, ''];
  for (const criterion of input.criteria) {
    lines.push(`- ${criterion.name}: ${criterion.level} (${criterion.points} points)`);
    if (criterion.feedback) lines.push(`  ${criterion.feedback}`);
  }
  return lines;
}

/** The learner passed: their result, the feedback, and that the credential is on its way. */
export function submissionPassedMail(input: {
  to: string;
  learnerName: string | null;
  organisationName: string;
  title: string;
  totalPoints: number;
  maxPoints: number;
  criteria: MailedCriterion[];
  feedback: string;
}): MailMessage {
  return {
    to: input.to,
    subject: `You passed: ${input.title}`,
    text: [
      greeting(input.learnerName),
      '',
      `${input.organisationName} has assessed your work for "${input.title}": you passed with ${input.totalPoints} of ${input.maxPoints} points.`,
      'Your credential has been issued; a separate message links to it.',
      '',
      ...feedbackLines(input),
    ].join('\n'),
  };
}

/** The learner did not pass: the feedback and what they can do next. */
export function submissionFailedMail(input: {
  to: string;
  learnerName: string | null;
  organisationName: string;
  title: string;
  totalPoints: number;
  maxPoints: number;
  criteria: MailedCriterion[];
  feedback: string;
  /** One sentence on resubmitting (when, how many attempts are left), or that no attempts are left. */
  resubmission: string;
}): MailMessage {
  return {
    to: input.to,
    subject: `Your submission for "${input.title}" did not pass yet`,
    text: [
      greeting(input.learnerName),
      '',
      `${input.organisationName} has assessed your work for "${input.title}": it did not pass this time (${input.totalPoints} of ${input.maxPoints} points).`,
      '',
      ...feedbackLines(input),
      '',
      input.resubmission,
    ].join('\n'),
  };
}
