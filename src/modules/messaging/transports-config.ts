import type { Organisation } from '../../db/schema.ts';
import { smtpTransport, type EmailTransport, type Transports } from './transport.ts';
import { twilioConfig, twilioSmsTransport, twilioVoiceTransport } from './twilio.ts';

// The transports of an organisation, from the environment (one for the whole installation) or the
// organisation's messaging settings. A channel without a transport keeps its messages queued with the
// reason, so nothing is lost while a provider is not configured yet.

export type Env = Record<string, string | undefined>;

/** Describes where each channel goes (secrets masked), for the CLI's summary. */
export interface TransportDescription {
  email: string | null;
  sms: string | null;
  voice: string | null;
  letter: string | null;
}

export function maskUrl(url: string): string {
  return url.replace(/\/\/([^:@/]+):[^@/]*@/, '//$1:***@');
}

function setting(org: Organisation, key: string): string | null {
  const value = org.messaging[key];
  return typeof value === 'string' && value !== '' ? value : null;
}

/** Test mode: every e-mail goes to one address; the debtor's address is kept in a header. */
export function redirected(inner: EmailTransport, to: string): EmailTransport {
  return {
    send: (email) => inner.send({ ...email, to, headers: { ...email.headers, 'X-ArFlow-Original-Recipient': email.to } }),
    close: () => inner.close(),
  };
}

export function transportsFor(org: Organisation, env: Env = process.env): { transports: Transports; description: TransportDescription; close: () => void } {
  const transports: Transports = {};
  const description: TransportDescription = { email: null, sms: null, voice: null, letter: null };
  const smtpUrl = env.ARFLOW_SMTP_URL ?? setting(org, 'smtp_url');
  if (smtpUrl) {
    transports.email = smtpTransport(smtpUrl);
    description.email = maskUrl(smtpUrl);
  }
  const testRecipient = setting(org, 'test_recipient');
  if (transports.email && testRecipient) {
    transports.email = redirected(transports.email, testRecipient);
    description.email = `${description.email} (test mode: all e-mail to ${testRecipient})`;
  }
  // SMS and voice: Twilio (ARFLOW_TWILIO_* or messaging.twilio_*); see twilio.ts. In test mode they
  // are not sent: the messages wait, with the reason.
  const twilio = twilioConfig(org, env);
  if (twilio && testRecipient) {
    description.sms = description.voice = 'not sent in test mode';
  } else if (twilio) {
    transports.sms = twilioSmsTransport(twilio);
    transports.voice = twilioVoiceTransport(twilio);
    description.sms = description.voice = `twilio ${twilio.accountSid.slice(0, 6)}… at ${twilio.baseUrl}${twilio.from ? ` from ${twilio.from}` : ''}`;
  }
  // Letters: (print-and-mail provider or the daily bundle goes here)
  return {
    transports,
    description,
    close: () => {
      for (const t of [transports.email, transports.sms, transports.voice, transports.letter]) t?.close();
    },
  };
}
