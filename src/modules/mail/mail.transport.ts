import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import nodemailer from 'nodemailer';

export interface OutgoingMail {
  id: string;
  from: string;
  to: string;
  subject: string;
  text: string;
  html?: string | null;
}

/** The mailer port: SMTP in production, `.eml` files in development, memory in tests. */
export interface MailTransport {
  readonly name: string;
  send(message: OutgoingMail): Promise<void>;
  close?(): Promise<void>;
}

function toNodemailer(message: OutgoingMail) {
  return {
    from: message.from,
    to: message.to,
    subject: message.subject,
    text: message.text,
    html: message.html ?? undefined,
    messageId: `<${message.id}@credstack>`,
  };
}

export function createSmtpTransport(smtpUrl: string): MailTransport {
  const transporter = nodemailer.createTransport(smtpUrl);
  return {
    name: 'smtp',
    async send(message) {
      await transporter.sendMail(toNodemailer(message));
    },
    async close() {
      transporter.close();
    },
  };
}

/** Writes each message as an RFC 5322 `.eml` file, so development needs no mail server. */
export function createOutboxTransport(
  directory: string,
  onWritten?: (path: string, message: OutgoingMail) => void,
): MailTransport {
  const composer = nodemailer.createTransport({ streamTransport: true, buffer: true, newline: 'unix' });
  return {
    name: 'outbox',
    async send(message) {
      const info = await composer.sendMail(toNodemailer(message));
      mkdirSync(directory, { recursive: true, mode: 0o700 });
      const stamp = new Date().toISOString().replace(/[:.]/g, '-');
      const path = join(directory, `${stamp}-${message.id}.eml`);
      writeFileSync(path, info.message as Buffer, { mode: 0o600 });
      onWritten?.(path, message);
    },
  };
}

/** Keeps messages in memory; tests read them back. */
export function createMemoryTransport() {
  const sent: OutgoingMail[] = [];
  const transport: MailTransport & { sent: OutgoingMail[]; failNext: number } = {
    name: 'memory',
    sent,
    failNext: 0,
    async send(message) {
      if (transport.failNext > 0) {
        transport.failNext--;
        throw new Error('simulated transport failure');
      }
      sent.push(message);
    },
  };
  return transport;
}
