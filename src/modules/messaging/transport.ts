import nodemailer from 'nodemailer';

// Channels behind one interface. E-mail goes over SMTP (nodemailer) with a fixed Message-ID, so a
// resend after a crash folds into the same message in the recipient's mailbox.

export interface OutgoingEmail {
  messageId: string;
  from: string;
  to: string;
  replyTo?: string | undefined;
  subject: string;
  html: string;
  text: string;
  headers?: Record<string, string>;
  attachments?: { filename: string; content: Buffer | Uint8Array; contentType: string }[];
}

export interface EmailTransport {
  send(email: OutgoingEmail): Promise<{ providerId: string }>;
  close(): void;
}

/** An SMTP transport from a URL such as `smtp://user:pass@host:587` (or `smtps://` for TLS). */
export function smtpTransport(url: string): EmailTransport {
  const transporter = nodemailer.createTransport(url);
  return {
    async send(email) {
      const info = await transporter.sendMail({
        messageId: email.messageId, from: email.from, to: email.to, replyTo: email.replyTo, subject: email.subject, html: email.html, text: email.text,
        headers: email.headers, attachments: email.attachments?.map((a) => ({ filename: a.filename, content: Buffer.from(a.content), contentType: a.contentType })),
      });
      return { providerId: String(info.response ?? info.messageId) };
    },
    close: () => transporter.close(),
  };
}
