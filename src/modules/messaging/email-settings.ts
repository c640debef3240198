import { createPrivateKey } from 'node:crypto';
import type { Organisation } from '../../db/schema.ts';

// An organisation's e-mail identity, from its messaging settings (organisation.messaging):
//   from        "Acme Debiteuren <debiteuren@acme.nl>" (default: the legal name at noreply@<message_id_domain>)
//   reply_to    where answers go (default: none, so they go to `from`)
//   dkim        { domain, selector, privateKey }: every message is signed (RFC 6376, rsa-sha256,
//               relaxed/relaxed) for that domain; the public key is published at
//               <selector>._domainkey.<domain> as a TXT record "v=DKIM1; k=rsa; p=…".

export interface DkimOptions {
  domainName: string;
  keySelector: string;
  privateKey: string;
}

export interface EmailIdentity {
  from: string;
  replyTo: string | undefined;
  dkim: DkimOptions | undefined;
}

const DOMAIN = /^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/i;
const SELECTOR = /^[a-z0-9]([a-z0-9._-]{0,62})$/i;

/** Checks `messaging.dkim`; throws an Error that names the setting at fault. */
export function dkimFromSettings(value: unknown): DkimOptions | undefined {
  if (value === undefined || value === null) return undefined;
  const where = 'organisation setting messaging.dkim';
  if (typeof value !== 'object' || Array.isArray(value)) throw new Error(`${where} must be an object { domain, selector, privateKey }`);
  const v = value as Record<string, unknown>;
  if (typeof v.domain !== 'string' || !DOMAIN.test(v.domain)) throw new Error(`${where}.domain must be a domain name such as "example.nl", not ${JSON.stringify(v.domain)}`);
  if (typeof v.selector !== 'string' || !SELECTOR.test(v.selector)) throw new Error(`${where}.selector must be a DNS label such as "arflow", not ${JSON.stringify(v.selector)}`);
  if (typeof v.privateKey !== 'string') throw new Error(`${where}.privateKey must be a PEM private key`);
  try {
    const key = createPrivateKey(v.privateKey);
    if (key.asymmetricKeyType !== 'rsa' && key.asymmetricKeyType !== 'ed25519') throw new Error(`a ${key.asymmetricKeyType ?? 'unknown'} key`);
  } catch (e) {
    throw new Error(`${where}.privateKey is not a usable RSA or Ed25519 PEM private key (${e instanceof Error ? e.message : String(e)})`, { cause: e });
  }
  return { domainName: v.domain.toLowerCase(), keySelector: v.selector, privateKey: v.privateKey };
}

export function emailIdentity(org: Organisation, messageIdDomain: string): EmailIdentity {
  const s = org.messaging;
  return {
    from: typeof s.from === 'string' && s.from.trim() !== '' ? s.from : `${org.legal_name} <noreply@${messageIdDomain}>`,
    replyTo: typeof s.reply_to === 'string' && s.reply_to.trim() !== '' ? s.reply_to : undefined,
    dkim: dkimFromSettings(s.dkim),
  };
}
