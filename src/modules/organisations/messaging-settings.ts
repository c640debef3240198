import type { Trx } from '../../db/database.ts';
import type { Organisation } from '../../db/schema.ts';
import { newId } from '../../core/ids.ts';
import { validateEmail } from '../../core/contact.ts';
import { AppError } from '../../errors.ts';
import { getOrganisation } from './organisation-service.ts';
import { dkimFromSettings } from '../messaging/email-settings.ts';

// An organisation's messaging settings (organisation.messaging, jsonb): sender, reply-to, SMTP,
// costs per channel, and a test mode. Secrets are written, never read back: a read shows them masked.

export const COST_KEYS = ['email', 'sms', 'voice', 'letter', 'registered'] as const;
export type CostKey = (typeof COST_KEYS)[number];

export interface MessagingSettings {
  /** `Name <address>` or an address. */
  from?: string | null;
  reply_to?: string | null;
  /** The domain of the Message-IDs (`<msg_…@domain>`). */
  message_id_domain?: string | null;
  /** `smtp://user:password@host:587` or `smtps://…`; ARFLOW_SMTP_URL overrides it. */
  smtp_url?: string | null;
  /** Sender name or number for SMS and calls. */
  sms_sender?: string | null;
  /** Cost per message in cents, per channel (`registered`: the extra for a registered letter). */
  costs?: Partial<Record<CostKey, number>> | null;
  /** Test mode: every e-mail goes to this address instead of the debtor's (the original in a header); SMS, calls and letters wait. */
  test_recipient?: string | null;
  /** SMS and voice through Twilio (see src/modules/messaging/twilio.ts); ARFLOW_TWILIO_* override them. */
  twilio_account_sid?: string | null;
  twilio_auth_token?: string | null;
  twilio_from?: string | null;
  twilio_base_url?: string | null;
  /** DKIM signing of every e-mail (see src/modules/messaging/email-settings.ts). */
  dkim?: { domain: string; selector: string; privateKey: string } | null;
  /** Send each newly imported invoice (off by default: most ERPs send their own). */
  invoice_delivery?: boolean | null;
  /** Letters: through Pingen (print and mail) or a daily bundle for own printing; see letter-transports.ts. */
  letters?: 'pingen' | 'bundle' | null;
  pingen_client_id?: string | null;
  pingen_client_secret?: string | null;
  pingen_organisation_id?: string | null;
  pingen_api_url?: string | null;
  pingen_identity_url?: string | null;
  pingen_delivery_product?: string | null;
  pingen_print_spectrum?: string | null;
  pingen_webhook_secret?: string | null;
}

const SECRET_KEYS = new Set(['smtp_url', 'twilio_auth_token', 'pingen_client_secret', 'pingen_webhook_secret']);

function mailbox(value: string): string | null {
  const m = /^\s*(?:"?([^"<>]*)"?\s*)?<([^<>\s]+)>\s*$/.exec(value);
  const address = m ? m[2]! : value.trim();
  return validateEmail(address) ? address : null;
}

export function maskSecret(key: string, value: unknown): unknown {
  if (key === 'dkim' && typeof value === 'object' && value !== null) return { ...value, privateKey: '***' };
  if (typeof value !== 'string' || !SECRET_KEYS.has(key)) return value;
  if (key.endsWith('_url')) return value.replace(/\/\/([^:@/]+):[^@/]*@/, '//$1:***@');
  return '***';
}

/** The settings as shown: secrets masked. */
export function presentMessagingSettings(org: Organisation): Record<string, unknown> {
  return Object.fromEntries(Object.entries(org.messaging).map(([k, v]) => [k, maskSecret(k, v)]));
}

function check(patch: MessagingSettings): void {
  const bad = (field: string, why: string): never => {
    throw new AppError('bad_request', `messaging.${field}: ${why}`);
  };
  for (const field of ['from', 'reply_to'] as const) {
    const v = patch[field];
    if (typeof v === 'string' && mailbox(v) === null) bad(field, `"${v}" is not an e-mail address (use "Name <address>" or an address).`);
  }
  if (typeof patch.test_recipient === 'string' && !validateEmail(patch.test_recipient)) bad('test_recipient', `"${patch.test_recipient}" is not an e-mail address.`);
  if (typeof patch.message_id_domain === 'string' && !/^[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)+$/i.test(patch.message_id_domain)) {
    bad('message_id_domain', `"${patch.message_id_domain}" is not a domain name.`);
  }
  if (typeof patch.smtp_url === 'string') {
    let url: URL | null = null;
    try {
      url = new URL(patch.smtp_url);
    } catch {
      bad('smtp_url', 'not a URL (use smtp://user:password@host:587 or smtps://…).');
    }
    if (url && url.protocol !== 'smtp:' && url.protocol !== 'smtps:') bad('smtp_url', `the scheme must be smtp: or smtps:, not ${url.protocol}`);
  }
  if (patch.dkim) {
    try {
      dkimFromSettings(patch.dkim);
    } catch (e) {
      bad('dkim', e instanceof Error ? e.message : String(e));
    }
  }
  for (const [k, v] of Object.entries(patch.costs ?? {})) {
    if (!(COST_KEYS as readonly string[]).includes(k)) bad(`costs.${k}`, `unknown channel (one of ${COST_KEYS.join(', ')}).`);
    if (!Number.isSafeInteger(v) || v < 0) bad(`costs.${k}`, 'a cost is a whole number of cents, 0 or more.');
  }
}

/**
 * Changes the messaging settings: a key set to null is removed, `costs` merge per channel. An event
 * records which settings changed (secrets masked).
 */
export async function updateMessagingSettings(trx: Trx, orgId: string, patch: MessagingSettings, actor: string): Promise<Organisation> {
  check(patch);
  const current = await getOrganisation(trx, orgId);
  const next: Record<string, unknown> = { ...current.messaging };
  for (const [key, value] of Object.entries(patch) as [string, unknown][]) {
    if (value === undefined) continue;
    if (value === null) delete next[key];
    else if (key === 'costs') next.costs = { ...((current.messaging.costs ?? {}) as Record<string, unknown>), ...(value as Record<string, unknown>) };
    else next[key] = value;
  }
  const changed = Object.keys({ ...current.messaging, ...next }).filter((k) => JSON.stringify(current.messaging[k]) !== JSON.stringify(next[k]));
  if (changed.length === 0) return current;
  await trx.updateTable('organisation').set({ messaging: JSON.stringify(next) }).where('org_id', '=', orgId).execute();
  const changes = Object.fromEntries(changed.map((k) => [k, [maskSecret(k, current.messaging[k]) ?? null, maskSecret(k, next[k]) ?? null]]));
  await trx
    .insertInto('event')
    .values({ org_id: orgId, event_id: newId('evt'), type: 'organisation.messaging_updated', subject_type: 'organisation', subject_id: orgId, actor, data: JSON.stringify({ fields: changed, changes }) })
    .execute();
  return getOrganisation(trx, orgId);
}
