import type { MailMessage } from '../mail/mail.service.ts';

/** Plain text: every mail reads well without HTML and says what the link does. */
export function claimMail(input: {
  baseUrl: string;
  to: string;
  recipientName: string | null;
  organisationName: string;
  title: string;
  pageUrl: string;
  token: string;
  expiresInDays: number;
}): MailMessage {
  const link = `${input.baseUrl}/claim?token=${encodeURIComponent(input.token)}`;
  return {
    to: input.to,
    subject: `Claim your credential: ${input.title}`,
    text: [
      `Hello${input.recipientName ? ` ${input.recipientName}` : ''},`,
      '',
      `${input.organisationName} has issued you the credential "${input.title}":`,
      input.pageUrl,
      '',
      `To keep it in a Credstack account, sign in (or create an account with any e-mail address) and open this link within ${input.expiresInDays} days:`,
      link,
      '',
      'The link works once. Anyone who has it can claim the credential, so do not forward this message.',
    ].join('\n'),
  };
}

export function emailConfirmationMail(input: {
  baseUrl: string;
  to: string;
  userName: string;
  token: string;
}): MailMessage {
  const link = `${input.baseUrl}/confirm-email?token=${encodeURIComponent(input.token)}`;
  return {
    to: input.to,
    subject: 'Confirm your additional e-mail address for Credstack',
    text: [
      `Hello ${input.userName},`,
      '',
      'You added this address to your Credstack account. Credentials issued to it will count as yours once you confirm it within 48 hours:',
      link,
      '',
      'If you did not add this address, ignore this message.',
    ].join('\n'),
  };
}
