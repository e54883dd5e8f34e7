import type { MembershipRole } from '../../db/schema.ts';
import type { MailMessage } from '../mail/mail.service.ts';

/** The invitation mail: who invites, to what, as which role, and the link (valid for `validDays`). */
export function invitationMail(input: {
  baseUrl: string;
  email: string;
  organisationName: string;
  inviterName: string;
  role: MembershipRole;
  token: string;
  validDays: number;
}): MailMessage {
  const link = `${input.baseUrl}/invitations/accept?token=${encodeURIComponent(input.token)}`;
  return {
    to: input.email,
    subject: `You are invited to join ${input.organisationName} on Credstack`,
    text: [
      'Hello,',
      '',
      `${input.inviterName} invited you to join ${input.organisationName} on Credstack as ${articleFor(input.role)} ${input.role}.`,
      '',
      `To accept, sign in (or create an account) with this e-mail address, ${input.email}, and open this link within ${input.validDays} days:`,
      link,
      '',
      'If you do not want to join, ignore this message.',
    ].join('\n'),
  };
}

function articleFor(role: MembershipRole): string {
  return /^[aeiou]/.test(role) ? 'an' : 'a';
}
