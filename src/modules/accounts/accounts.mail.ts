import type { MailMessage } from '../mail/mail.service.ts';

/** Plain-text first: every mail reads well without HTML, and carries the link and what to do with it. */
export function verificationMail(input: {
  baseUrl: string;
  name: string;
  email: string;
  token: string;
}): MailMessage {
  const link = `${input.baseUrl}/verify-email?token=${encodeURIComponent(input.token)}`;
  return {
    to: input.email,
    subject: 'Confirm your e-mail address for Credstack',
    text: [
      `Hello ${input.name},`,
      '',
      'Please confirm your e-mail address by opening this link within 48 hours:',
      link,
      '',
      'If you did not create a Credstack account, ignore this message.',
    ].join('\n'),
  };
}

export function passwordResetMail(input: {
  baseUrl: string;
  name: string;
  email: string;
  token: string;
}): MailMessage {
  const link = `${input.baseUrl}/reset-password?token=${encodeURIComponent(input.token)}`;
  return {
    to: input.email,
    subject: 'Reset your Credstack password',
    text: [
      `Hello ${input.name},`,
      '',
      'Someone (hopefully you) asked to reset your Credstack password. Open this link within one hour to choose a new one:',
      link,
      '',
      'If you did not ask for this, ignore this message: your password stays as it is.',
    ].join('\n'),
  };
}
