import nodemailer from 'nodemailer';

// Channels behind one interface each. The dispatcher hands a transport a message whose content was
// rendered and stored once; the transport only carries it. Every send carries the outbox message id
// as its idempotency key: a provider API that honours it sends a retried message once; SMTP cannot,
// so e-mail carries a fixed Message-ID and a resend folds into the same message in the mailbox.

/** A send that cannot succeed however often it is tried (a landline for an SMS, a refused number): the message ends `failed` at once. */
export class PermanentSendError extends Error {
  readonly permanent = true;
}

/** True for an error that says trying again cannot help (`permanent: true`, as PermanentSendError and TwilioError carry). */
export function isPermanent(e: unknown): boolean {
  return typeof e === 'object' && e !== null && (e as { permanent?: unknown }).permanent === true;
}

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
  /** Sign the message for the organisation's domain (RFC 6376). */
  dkim?: { domainName: string; keySelector: string; privateKey: string } | undefined;
}

export interface EmailTransport {
  send(email: OutgoingEmail): Promise<{ providerId: string }>;
  close(): void;
}

export interface OutgoingSms {
  /** The outbox message id: the provider's idempotency key. */
  idempotencyKey: string;
  /** E.164, e.g. +31612345678. */
  to: string;
  /** Sender name or number, as the provider allows. */
  from?: string | undefined;
  text: string;
  /** Where the provider posts delivery reports (signed). */
  statusCallbackUrl?: string | undefined;
}

export interface SmsTransport {
  send(sms: OutgoingSms): Promise<{ providerId: string; segments?: number }>;
  close(): void;
}

export interface OutgoingCall {
  idempotencyKey: string;
  to: string;
  from?: string | undefined;
  /** What the call says (text to speech), in `language`. */
  text: string;
  language: string;
  statusCallbackUrl?: string | undefined;
}

export interface VoiceTransport {
  call(call: OutgoingCall): Promise<{ providerId: string }>;
  close(): void;
}

export interface OutgoingLetter {
  idempotencyKey: string;
  recipient: { name: string; lines: string[]; country: string | null };
  /** The letter as printed: A4 PDF, address in the window position. */
  pdf: Uint8Array;
  registered: boolean;
}

export interface LetterTransport {
  send(letter: OutgoingLetter): Promise<{ providerId: string }>;
  close(): void;
}

/** The transports a dispatcher has; a channel without one keeps its messages queued with the reason. */
export interface Transports {
  email?: EmailTransport | null;
  sms?: SmsTransport | null;
  voice?: VoiceTransport | null;
  letter?: LetterTransport | null;
}

/** How many messages the outbox dispatcher hands to its transports at once; the SMTP pool's connections. */
export const DEFAULT_SEND_CONCURRENCY = 8;

/**
 * An SMTP transport from a URL such as `smtp://user:pass@host:587` (or `smtps://` for TLS). It keeps
 * a pool of DEFAULT_SEND_CONCURRENCY connections open (a new connection and handshake per message
 * costs more than the message), unless the URL says otherwise (`?pool=false`, `?maxConnections=4`).
 */
export function smtpTransport(url: string): EmailTransport {
  const transporter = nodemailer.createTransport(pooledUrl(url));
  return {
    async send(email) {
      const info = await transporter.sendMail({
        messageId: email.messageId, from: email.from, to: email.to, replyTo: email.replyTo, subject: email.subject, html: email.html, text: email.text,
        headers: email.headers, attachments: email.attachments?.map((a) => ({ filename: a.filename, content: Buffer.from(a.content), contentType: a.contentType })),
        ...(email.dkim ? { dkim: email.dkim } : {}),
      });
      return { providerId: String(info.response ?? info.messageId) };
    },
    close: () => transporter.close(),
  };
}

/** The URL with nodemailer's pool options added where it sets none. */
export function pooledUrl(url: string): string {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return url; // nodemailer reports the bad URL itself
  }
  if (parsed.searchParams.has('pool')) return url;
  parsed.searchParams.set('pool', 'true');
  if (!parsed.searchParams.has('maxConnections')) parsed.searchParams.set('maxConnections', String(DEFAULT_SEND_CONCURRENCY));
  return parsed.toString();
}
