import type { MailMessage } from '../mail/mail.service.ts';

function greeting(name: string | null): string {
  return name ? `Hello ${name},` : 'Hello,';
}

/** Tells the recipient a credential was issued to them, with the link to its public page. */
export function credentialIssuedMail(input: {
  to: string;
  recipientName: string | null;
  organisationName: string;
  title: string;
  pageUrl: string;
}): MailMessage {
  return {
    to: input.to,
    subject: `${input.organisationName} issued you a credential: ${input.title}`,
    text: [
      greeting(input.recipientName),
      '',
      `${input.organisationName} issued you a credential: ${input.title}.`,
      '',
      'View it here:',
      input.pageUrl,
      '',
      'The credential is signed by the issuer, so anyone you show it to can check that it is genuine.',
    ].join('\n'),
  };
}

const WHAT: Record<'revoked' | 'suspended' | 'reinstated', { subject: string; sentence: string }> = {
  revoked: {
    subject: 'was revoked',
    sentence: 'has revoked your credential. It no longer verifies as valid, and this cannot be undone.',
  },
  suspended: {
    subject: 'was suspended',
    sentence: 'has suspended your credential. It does not verify as valid until the issuer reinstates it.',
  },
  reinstated: {
    subject: 'was reinstated',
    sentence: 'has reinstated your credential. It verifies as valid again.',
  },
};

/** Tells the holder their credential's status changed, and why. */
export function credentialStatusMail(input: {
  to: string;
  recipientName: string | null;
  organisationName: string;
  title: string;
  pageUrl: string;
  change: 'revoked' | 'suspended' | 'reinstated';
  reason: string;
}): MailMessage {
  const what = WHAT[input.change];
  return {
    to: input.to,
    subject: `Your credential "${input.title}" ${what.subject}`,
    text: [
      greeting(input.recipientName),
      '',
      `${input.organisationName} ${what.sentence}`,
      '',
      `Credential: ${input.title}`,
      `Reason given: ${input.reason}`,
      '',
      'Its page shows the current status:',
      input.pageUrl,
      '',
      `If you have questions, contact ${input.organisationName}.`,
    ].join('\n'),
  };
}
