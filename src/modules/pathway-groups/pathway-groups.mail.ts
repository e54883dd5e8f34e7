import type { MailMessage } from '../mail/mail.service.ts';

/**
 * The invitation a new group member gets: who added them, to what, what the organisation will and will not
 * see, and the wallet page where they follow the pathway (which is their consent). Plain text, English, like
 * the other modules' mails.
 */
export function groupInvitationMail(input: {
  to: string;
  organisationName: string;
  groupName: string;
  pathwayTitle: string;
  walletUrl: string;
}): MailMessage {
  return {
    to: input.to,
    subject: `${input.organisationName} invites you to follow "${input.pathwayTitle}"`,
    text: [
      'Hello,',
      '',
      `${input.organisationName} added this e-mail address, ${input.to}, to the group "${input.groupName}" on the pathway "${input.pathwayTitle}" on Credstack.`,
      '',
      'To follow the pathway, open this page, sign in (or create an account with this address and confirm it) and choose Follow:',
      input.walletUrl,
      '',
      `${input.organisationName} sees your progress on this pathway only while you follow it from an account that has confirmed this address. You can stop following at any time.`,
      '',
      'If you do not want to take part, ignore this message.',
    ].join('\n'),
  };
}
