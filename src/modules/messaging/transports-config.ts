import type { Organisation } from '../../db/schema.ts';
import { AppError } from '../../errors.ts';
import { smtpTransport, type EmailTransport, type Transports } from './transport.ts';
import { twilioConfig, twilioSmsTransport, twilioVoiceTransport } from './twilio.ts';
import { bundleLetterTransport, pingenLetterTransport, PINGEN_DELIVERY_PRODUCTS, type PingenConfig } from './letter-transports.ts';

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

/**
 * Pingen's settings: ARFLOW_PINGEN_* from the environment, else the organisation's messaging
 * settings pingen_*; null unless client id, client secret and Pingen organisation are all given.
 */
export function pingenConfigFor(org: Organisation, env: Env = process.env): PingenConfig | null {
  const get = (name: string) => env[`ARFLOW_PINGEN_${name.toUpperCase()}`] || setting(org, `pingen_${name}`);
  const clientId = get('client_id');
  const clientSecret = get('client_secret');
  const organisationId = get('organisation_id');
  if (!clientId || !clientSecret || !organisationId) return null;
  const deliveryProduct = get('delivery_product') ?? 'fast';
  if (!(PINGEN_DELIVERY_PRODUCTS as readonly string[]).includes(deliveryProduct)) {
    throw new AppError('bad_request', `ARFLOW_PINGEN_DELIVERY_PRODUCT / messaging.pingen_delivery_product must be one of ${PINGEN_DELIVERY_PRODUCTS.join(', ')}, not "${deliveryProduct}" (registered mail is asked per message).`);
  }
  const spectrum = get('print_spectrum') ?? 'grayscale';
  if (spectrum !== 'grayscale' && spectrum !== 'color') throw new AppError('bad_request', `ARFLOW_PINGEN_PRINT_SPECTRUM must be grayscale or color, not "${spectrum}".`);
  return {
    apiUrl: get('api_url') ?? 'https://api.pingen.com', identityUrl: get('identity_url') ?? 'https://identity.pingen.com',
    clientId, clientSecret, organisationId, deliveryProduct, printSpectrum: spectrum,
  };
}

/** The secret Pingen signs the organisation's status webhooks with (ARFLOW_PINGEN_WEBHOOK_SECRET or messaging.pingen_webhook_secret). */
export function pingenWebhookSecret(org: Organisation, env: Env = process.env): string | null {
  return env.ARFLOW_PINGEN_WEBHOOK_SECRET || setting(org, 'pingen_webhook_secret');
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
  // Letters: ARFLOW_LETTERS (or messaging.letters) = pingen | bundle; without it, Pingen when configured.
  const letters = env.ARFLOW_LETTERS || setting(org, 'letters');
  if (letters !== null && letters !== 'pingen' && letters !== 'bundle') throw new AppError('bad_request', `ARFLOW_LETTERS / messaging.letters must be pingen or bundle, not "${letters}".`);
  const pingen = letters === 'bundle' ? null : pingenConfigFor(org, env);
  if (letters === 'bundle') {
    transports.letter = bundleLetterTransport({ timeZone: org.time_zone });
    description.letter = 'bundle (own printing: arflow letters bundle)';
  } else if (pingen && testRecipient) {
    description.letter = 'not sent in test mode';
  } else if (pingen) {
    transports.letter = pingenLetterTransport(pingen);
    description.letter = `pingen ${pingen.apiUrl} (organisation ${pingen.organisationId})`;
  }
  return {
    transports,
    description,
    close: () => {
      for (const t of [transports.email, transports.sms, transports.voice, transports.letter]) t?.close();
    },
  };
}
