import { todayIn } from '../../core/dates.ts';
import type { LetterTransport, OutgoingLetter } from './transport.ts';

// Letter transports: Pingen (print and mail over a REST API), the day's bundle for own printing,
// and a recording double for tests.

export interface PingenConfig {
  /** https://api.pingen.com (staging: https://api-staging.pingen.com). */
  apiUrl: string;
  /** Where tokens are issued: https://identity.pingen.com (staging: https://identity-staging.pingen.com). */
  identityUrl: string;
  clientId: string;
  clientSecret: string;
  /** The Pingen organisation (a UUID from the Pingen app). */
  organisationId: string;
  /** Postal product of an ordinary letter: cheap | fast | bulk | premium (default fast). */
  deliveryProduct?: string | undefined;
  printSpectrum?: 'grayscale' | 'color' | undefined;
  printMode?: 'simplex' | 'duplex' | undefined;
  fetch?: typeof fetch;
}

export const PINGEN_DELIVERY_PRODUCTS = ['cheap', 'fast', 'bulk', 'premium'] as const;

interface JsonApiResource {
  data?: { id?: string; attributes?: Record<string, unknown> };
}

async function failure(what: string, res: Response): Promise<Error> {
  const body = (await res.text().catch(() => '')).slice(0, 300);
  return new Error(`Pingen ${what}: HTTP ${res.status}${body ? `: ${body}` : ''}`);
}

/**
 * Pingen (https://www.pingen.com): prints, envelopes and posts a PDF, in NL and BE among others.
 * One send: an OAuth2 client-credentials token, a signed upload URL, the PDF put there, then the
 * letter created with auto_send, its delivery product (`registered` for registered mail) and the
 * outbox message id as Idempotency-Key, so a retried send creates one letter.
 * API: https://api.pingen.com/documentation (JSON:API); official SDK: https://github.com/pingencom/pingen2-sdk-js
 * (src/oauth.ts, src/resources/file-upload.ts, src/resources/letters/letters.ts; its requestor sends an
 * Idempotency-Key with every POST). Layout rules: https://help.pingen.com/en/faq-post/briefstandards-und-briefvorlagen
 * NOTE: a re-send after a crash uploads the file again; the letter itself is created once per key.
 */
export function pingenLetterTransport(config: PingenConfig): LetterTransport {
  const http = config.fetch ?? fetch;
  const api = config.apiUrl.replace(/\/$/, '');
  let token: { value: string; expires: number } | null = null;

  async function accessToken(): Promise<string> {
    if (token && Date.now() < token.expires) return token.value;
    const res = await http(`${config.identityUrl.replace(/\/$/, '')}/auth/access-tokens`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
      body: new URLSearchParams({ grant_type: 'client_credentials', client_id: config.clientId, client_secret: config.clientSecret, scope: 'letter' }).toString(),
      signal: AbortSignal.timeout(20_000),
    });
    if (!res.ok) throw await failure('token request', res);
    const body = (await res.json()) as { access_token?: string; expires_in?: number };
    if (!body.access_token) throw new Error('Pingen token request: no access_token in the answer');
    // Renewed a minute before it runs out.
    token = { value: body.access_token, expires: Date.now() + Math.max(0, (body.expires_in ?? 0) - 60) * 1000 };
    return token.value;
  }

  async function call(path: string, init: RequestInit, what: string): Promise<JsonApiResource> {
    for (let attempt = 0; ; attempt++) {
      const res = await http(`${api}${path}`, {
        ...init,
        headers: { accept: 'application/vnd.api+json', ...(init.headers as Record<string, string>), authorization: `Bearer ${await accessToken()}` },
        signal: AbortSignal.timeout(20_000),
      });
      if (res.status === 401 && attempt === 0) {
        token = null;
        continue;
      }
      if (!res.ok) throw await failure(what, res);
      return (await res.json()) as JsonApiResource;
    }
  }

  return {
    async send(letter: OutgoingLetter) {
      const upload = await call('/file-upload', { method: 'GET' }, 'file upload URL');
      const url = upload.data?.attributes?.url;
      const signature = upload.data?.attributes?.url_signature;
      if (typeof url !== 'string' || typeof signature !== 'string') throw new Error('Pingen file upload URL: the answer has no url and url_signature');
      const put = await http(url, { method: 'PUT', body: letter.pdf, headers: { 'content-type': 'application/pdf' }, signal: AbortSignal.timeout(60_000) });
      if (!put.ok) throw await failure('file upload', put);
      const created = await call(`/organisations/${encodeURIComponent(config.organisationId)}/deliveries/letters`, {
        method: 'POST',
        headers: { 'content-type': 'application/vnd.api+json', 'idempotency-key': letter.idempotencyKey },
        body: JSON.stringify({
          data: {
            type: 'letters',
            attributes: {
              file_original_name: `${letter.idempotencyKey}.pdf`, file_url: url, file_url_signature: signature,
              // NOTE: the address is printed for a left-window envelope (letter-pdf.ts).
              address_position: 'left', auto_send: true,
              delivery_product: letter.registered ? 'registered' : (config.deliveryProduct ?? 'fast'),
              print_mode: config.printMode ?? 'simplex', print_spectrum: config.printSpectrum ?? 'grayscale',
            },
          },
        }),
      }, 'letter creation');
      if (!created.data?.id) throw new Error('Pingen letter creation: the answer has no letter id');
      return { providerId: `pingen:${created.data.id}` };
    },
    close: () => undefined,
  };
}

/** The provider id of the letters in the bundle of one day. */
export function bundleProviderId(date: string): string {
  return `bundle:${date}`;
}

/**
 * Own printing: a letter handed to this transport goes into the bundle of the day it is sent (in
 * the organisation's time zone) and is `sent` with provider id `bundle:<date>`; `arflow letters
 * bundle` then writes the day's letters as one PDF to print. Nothing leaves the building here.
 */
export function bundleLetterTransport(options: { timeZone: string; now?: () => Date }): LetterTransport {
  return {
    send: () => Promise.resolve({ providerId: bundleProviderId(todayIn(options.timeZone, options.now?.() ?? new Date())) }),
    close: () => undefined,
  };
}

/** A test double: keeps what it was given and answers with a provider id per letter. */
export function recordingLetterTransport(): LetterTransport & { sent: OutgoingLetter[] } {
  const sent: OutgoingLetter[] = [];
  return {
    sent,
    send(letter) {
      sent.push(letter);
      return Promise.resolve({ providerId: `recorded:${sent.length}` });
    },
    close: () => undefined,
  };
}
