import { createHmac, timingSafeEqual } from 'node:crypto';
import type { Organisation } from '../../db/schema.ts';
import type { OutgoingCall, OutgoingSms, SmsTransport, VoiceTransport } from './transport.ts';

// Twilio, the SMS and voice provider, over its REST API (no SDK): form-encoded POSTs with HTTP Basic
// auth (Account SID : Auth Token), JSON answers.
// - SMS: Messages resource, POST /2010-04-01/Accounts/{AccountSid}/Messages.json with To, From,
//   Body, StatusCallback; the answer has `sid` (SM…) and `num_segments`.
//   https://www.twilio.com/docs/messaging/api/message-resource
// - Voice: Calls resource, POST /2010-04-01/Accounts/{AccountSid}/Calls.json with To, From, Twiml
//   (inline `<Response><Say language="nl-NL">…</Say></Response>`), StatusCallback and
//   StatusCallbackEvent; the answer has `sid` (CA…). https://www.twilio.com/docs/voice/api/call-resource
// - Delivery reports: Twilio POSTs the status (MessageStatus / CallStatus) form-encoded to the
//   StatusCallback URL, signed in X-Twilio-Signature: base64 HMAC-SHA1, keyed with the Auth Token,
//   of the full URL followed by every POST parameter, sorted by name, as name + value.
//   https://www.twilio.com/docs/usage/webhooks/webhooks-security
// - Idempotency: every request carries `I-Twilio-Idempotency-Token: <outbox message id>`, the
//   header Twilio itself puts on its webhook retries. NOTE: Twilio's REST API does not document
//   deduplicating sends by it, so the outbox's rule stands: a send interrupted after the provider
//   accepted it is sent again with the same token and flagged as a possible duplicate.

export interface TwilioConfig {
  accountSid: string;
  authToken: string;
  /** A Twilio number (E.164) or, for SMS where the country allows it, an alphanumeric sender. */
  from: string | null;
  /** https://api.twilio.com; another base (a test double, a proxy) for tests. */
  baseUrl: string;
}

export const TWILIO_BASE_URL = 'https://api.twilio.com';

type Env = Record<string, string | undefined>;

function setting(org: Organisation, key: string): string | null {
  const value = org.messaging[key];
  return typeof value === 'string' && value !== '' ? value : null;
}

/**
 * The Twilio account of an organisation: the environment's (one for the installation,
 * ARFLOW_TWILIO_*) or else the organisation's messaging settings (`twilio_account_sid`,
 * `twilio_auth_token`, `twilio_from`, `twilio_base_url`); null when neither names an account.
 */
export function twilioConfig(org: Organisation, env: Env = process.env): TwilioConfig | null {
  const fromEnv = Boolean(env.ARFLOW_TWILIO_ACCOUNT_SID);
  const accountSid = fromEnv ? env.ARFLOW_TWILIO_ACCOUNT_SID! : setting(org, 'twilio_account_sid');
  if (!accountSid) return null;
  const authToken = fromEnv ? env.ARFLOW_TWILIO_AUTH_TOKEN : setting(org, 'twilio_auth_token');
  if (!authToken) {
    throw new Error(fromEnv ? 'ARFLOW_TWILIO_ACCOUNT_SID is set but ARFLOW_TWILIO_AUTH_TOKEN is not' : `organisation ${org.slug}: messaging.twilio_account_sid is set but messaging.twilio_auth_token is not`);
  }
  const from = (fromEnv ? env.ARFLOW_TWILIO_FROM : setting(org, 'twilio_from')) || null;
  const baseUrl = ((fromEnv ? env.ARFLOW_TWILIO_BASE_URL : setting(org, 'twilio_base_url')) || TWILIO_BASE_URL).replace(/\/$/, '');
  return { accountSid, authToken, from, baseUrl };
}

/** A refusal by Twilio; `permanent` when sending the same request again cannot help (4xx but 429). */
export class TwilioError extends Error {
  override name = 'TwilioError';
  readonly httpStatus: number;
  readonly code: number | null;
  readonly permanent: boolean;
  constructor(httpStatus: number, code: number | null, message: string) {
    super(message);
    this.httpStatus = httpStatus;
    this.code = code;
    this.permanent = httpStatus >= 400 && httpStatus < 500 && httpStatus !== 429;
  }
}

async function post(config: TwilioConfig, resource: 'Messages' | 'Calls', params: [string, string][], idempotencyKey: string): Promise<Record<string, unknown>> {
  const url = `${config.baseUrl}/2010-04-01/Accounts/${encodeURIComponent(config.accountSid)}/${resource}.json`;
  const response = await fetch(url, {
    method: 'POST',
    headers: {
      authorization: `Basic ${Buffer.from(`${config.accountSid}:${config.authToken}`).toString('base64')}`,
      'content-type': 'application/x-www-form-urlencoded',
      accept: 'application/json',
      'i-twilio-idempotency-token': idempotencyKey,
    },
    body: new URLSearchParams(params).toString(),
    signal: AbortSignal.timeout(30_000),
  });
  const text = await response.text();
  let body: unknown = null;
  try {
    body = JSON.parse(text);
  } catch {
    // not JSON: reported below with the raw text
  }
  const what = resource === 'Messages' ? 'SMS' : 'call';
  if (!response.ok) {
    // Twilio's error shape: { code, message, more_info, status }.
    const e = (body ?? {}) as { code?: unknown; message?: unknown };
    const code = typeof e.code === 'number' ? e.code : null;
    const message = typeof e.message === 'string' ? e.message : text.slice(0, 200);
    throw new TwilioError(response.status, code, `Twilio refused the ${what} (HTTP ${response.status}${code ? `, error ${code}` : ''}): ${message}`);
  }
  if (typeof body !== 'object' || body === null || typeof (body as { sid?: unknown }).sid !== 'string') {
    throw new Error(`Twilio answered the ${what} without a sid: ${text.slice(0, 200)}`);
  }
  return body as Record<string, unknown>;
}

/** SMS through Twilio's Messages resource; the message's own sender name (if any) before the account's number. */
export function twilioSmsTransport(config: TwilioConfig): SmsTransport {
  return {
    async send(sms: OutgoingSms) {
      const from = sms.from ?? config.from;
      if (!from) throw new Error('no SMS sender: set ARFLOW_TWILIO_FROM (or messaging.twilio_from, or messaging.sms_sender)');
      const params: [string, string][] = [['To', sms.to], ['From', from], ['Body', sms.text]];
      if (sms.statusCallbackUrl) params.push(['StatusCallback', sms.statusCallbackUrl]);
      const answer = await post(config, 'Messages', params, sms.idempotencyKey);
      const segments = Number(answer.num_segments);
      // NOTE: 0 for a message through a Messaging Service until a sender is picked: then ours stands.
      return { providerId: String(answer.sid), ...(Number.isInteger(segments) && segments > 0 ? { segments } : {}) };
    },
    close: () => undefined,
  };
}

const SAY_LANGUAGES: Record<string, string> = { nl: 'nl-NL', fr: 'fr-FR', de: 'de-DE', en: 'en-GB' };

const xmlEscape = (s: string) => s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' })[c]!);

/** The TwiML a call plays: the text spoken (links are not read aloud), once more after a pause. */
export function callTwiml(text: string, language: string): string {
  const spoken = xmlEscape(text.replace(/\bhttps?:\/\/\S+/g, '').replace(/\s+/g, ' ').trim());
  const lang = SAY_LANGUAGES[language] ?? 'nl-NL';
  return `<Response><Say language="${lang}">${spoken}</Say><Pause length="1"/><Say language="${lang}">${spoken}</Say></Response>`;
}

/** Calls through Twilio's Calls resource, saying the text; the caller id must be a number (E.164). */
export function twilioVoiceTransport(config: TwilioConfig): VoiceTransport {
  return {
    async call(call: OutgoingCall) {
      // NOTE: an alphanumeric sender name works for SMS in some countries, never as a caller id.
      const from = call.from && /^\+\d{6,15}$/.test(call.from) ? call.from : config.from;
      if (!from) throw new Error('no caller id: set ARFLOW_TWILIO_FROM (or messaging.twilio_from) to a Twilio number');
      const params: [string, string][] = [['To', call.to], ['From', from], ['Twiml', callTwiml(call.text, call.language)]];
      if (call.statusCallbackUrl) {
        params.push(['StatusCallback', call.statusCallbackUrl], ['StatusCallbackMethod', 'POST'], ['StatusCallbackEvent', 'answered'], ['StatusCallbackEvent', 'completed']);
      }
      const answer = await post(config, 'Calls', params, call.idempotencyKey);
      return { providerId: String(answer.sid) };
    },
    close: () => undefined,
  };
}

/** X-Twilio-Signature of a form-encoded request to `url` (the full URL Twilio called, query included). */
export function twilioSignature(authToken: string, url: string, params: Record<string, string>): string {
  const data = Object.keys(params)
    .sort()
    .reduce((s, name) => s + name + params[name], url);
  return createHmac('sha1', authToken).update(data, 'utf8').digest('base64');
}

export function validTwilioSignature(authToken: string, signature: string | undefined, url: string, params: Record<string, string>): boolean {
  if (!signature) return false;
  const expected = Buffer.from(twilioSignature(authToken, url, params));
  const given = Buffer.from(signature);
  return expected.length === given.length && timingSafeEqual(expected, given);
}

/** What a status report means for the outbox: the final outcome, or null while it is on its way. */
export type DeliveryOutcome = 'delivered' | 'failed' | null;

export interface DeliveryReport {
  provider: 'twilio';
  providerId: string;
  providerStatus: string;
  outcome: DeliveryOutcome;
  /** The provider's words, as kept in the message's history. */
  detail: string;
}

// NOTE: Message statuses (https://www.twilio.com/docs/messaging/api/message-resource): queued, sending, sent, delivered, undelivered, failed, read (WhatsApp,
// RCS), canceled (a scheduled message), plus accepted/scheduled/partially_delivered on the way.
// Call statuses (https://www.twilio.com/docs/voice/api/call-resource#call-status-values): queued, initiated, ringing, in-progress, then completed (answered, by a person or
// a voicemail) or busy / no-answer / failed / canceled.
const SMS_OUTCOMES: Record<string, DeliveryOutcome> = { delivered: 'delivered', read: 'delivered', undelivered: 'failed', failed: 'failed', canceled: 'failed' };
const CALL_OUTCOMES: Record<string, DeliveryOutcome> = { completed: 'delivered', busy: 'failed', 'no-answer': 'failed', failed: 'failed', canceled: 'failed' };

/** Reads a Twilio status callback (form parameters); null when it is not one. */
export function parseTwilioStatus(channel: 'sms' | 'voice', params: Record<string, string>): DeliveryReport | null {
  const sid = channel === 'sms' ? (params.MessageSid ?? params.SmsSid) : params.CallSid;
  const status = channel === 'sms' ? (params.MessageStatus ?? params.SmsStatus) : params.CallStatus;
  if (!sid || !status) return null;
  const extra = [
    params.ErrorCode ? `error ${params.ErrorCode}` : null,
    params.AnsweredBy ? `answered by ${params.AnsweredBy}` : null,
    params.CallDuration ? `${params.CallDuration} s` : null,
  ].filter(Boolean);
  return {
    provider: 'twilio', providerId: sid, providerStatus: status,
    outcome: (channel === 'sms' ? SMS_OUTCOMES[status] : CALL_OUTCOMES[status]) ?? null,
    detail: `twilio ${sid} ${status}${extra.length ? ` (${extra.join(', ')})` : ''}`,
  };
}
