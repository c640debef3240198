import { createHash, randomBytes, scrypt, timingSafeEqual } from 'node:crypto';
import { promisify } from 'node:util';
import type { Db, Trx } from '../../db/database.ts';
import type { Role } from '../../db/schema.ts';
import { newId } from '../../core/ids.ts';
import { AppError } from '../../errors.ts';
import { validateEmail } from '../../core/contact.ts';

const scryptAsync = promisify(scrypt) as (password: string, salt: Buffer, keylen: number) => Promise<Buffer>;
const SESSION_DAYS = 14;

export const ROLES: readonly Role[] = ['owner', 'admin', 'controller', 'viewer'];

/** Who is asking: resolved from a session or an API key; every request is scoped to its org. */
export interface Principal {
  orgId: string;
  role: Role;
  kind: 'user' | 'api_key' | 'local';
  id: string;
}

export async function hashPassword(password: string): Promise<string> {
  const salt = randomBytes(16);
  const hash = await scryptAsync(password, salt, 32);
  return `scrypt$${salt.toString('base64')}$${hash.toString('base64')}`;
}

export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const [scheme, saltB64, hashB64] = stored.split('$');
  if (scheme !== 'scrypt' || !saltB64 || !hashB64) return false;
  const expected = Buffer.from(hashB64, 'base64');
  const actual = await scryptAsync(password, Buffer.from(saltB64, 'base64'), expected.length);
  return timingSafeEqual(actual, expected);
}

export function hashToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

export function isRole(value: string): value is Role {
  return (ROLES as readonly string[]).includes(value);
}

export async function addUser(trx: Trx, orgId: string, input: { email: string; password: string; role: Role; name?: string | null }) {
  const email = input.email.trim().toLowerCase();
  if (!validateEmail(email)) throw new AppError('bad_request', `"${input.email}" is not a valid e-mail address.`);
  if (input.password.length < 8) throw new AppError('bad_request', 'The password must have at least 8 characters.');
  const existing = await trx.selectFrom('app_user').select('user_id').where('email', '=', email).executeTakeFirst();
  if (existing) throw new AppError('user_exists', `A user ${email} exists already in this organisation.`);
  const user = await trx
    .insertInto('app_user')
    .values({ org_id: orgId, user_id: newId('usr'), email, name: input.name ?? null, role: input.role, password_hash: await hashPassword(input.password) })
    .returning(['user_id', 'email', 'role', 'name', 'created_at'])
    .executeTakeFirstOrThrow();
  return user;
}

/** Creates an API key; the secret is shown once and only its hash is stored. */
export async function createApiKey(trx: Trx, orgId: string, input: { name: string; role: Role }) {
  const secret = `afk_${randomBytes(24).toString('base64url')}`;
  const row = await trx
    .insertInto('api_key')
    .values({ org_id: orgId, api_key_id: newId('key'), name: input.name, role: input.role, key_hash: hashToken(secret), key_prefix: secret.slice(0, 8) })
    .returning(['api_key_id', 'name', 'role', 'key_prefix', 'created_at'])
    .executeTakeFirstOrThrow();
  return { ...row, secret };
}

/**
 * Logs a user in. Runs as the owner role: the organisation is what the login establishes.
 * With no slug, the e-mail must belong to exactly one organisation.
 */
export async function login(db: Db, input: { email: string; password: string; orgSlug?: string | undefined }) {
  let query = db
    .selectFrom('app_user')
    .innerJoin('organisation', 'organisation.org_id', 'app_user.org_id')
    .select(['app_user.org_id', 'app_user.user_id', 'app_user.role', 'app_user.password_hash', 'organisation.slug'])
    .where('app_user.email', '=', input.email.trim().toLowerCase())
    .where('app_user.disabled_at', 'is', null);
  if (input.orgSlug) query = query.where('organisation.slug', '=', input.orgSlug);
  const candidates = await query.execute();
  const matches = [];
  for (const c of candidates) if (await verifyPassword(input.password, c.password_hash)) matches.push(c);
  if (matches.length === 0) throw new AppError('invalid_credentials', 'E-mail or password is wrong.');
  if (matches.length > 1) throw new AppError('organisation_ambiguous', 'This e-mail has accounts in several organisations; name the organisation.');
  const user = matches[0]!;
  const token = `afs_${randomBytes(32).toString('base64url')}`;
  const expiresAt = new Date(Date.now() + SESSION_DAYS * 86_400_000);
  await db
    .insertInto('user_session')
    .values({ org_id: user.org_id, session_id: newId('ses'), user_id: user.user_id, token_hash: hashToken(token), expires_at: expiresAt })
    .execute();
  return { token, expiresAt, orgId: user.org_id, orgSlug: user.slug, userId: user.user_id, role: user.role };
}

/** Resolves a bearer token (session `afs_…` or API key `afk_…`) to a principal, or null. */
export async function authenticate(db: Db, token: string): Promise<Principal | null> {
  const hash = hashToken(token);
  if (token.startsWith('afk_')) {
    const key = await db.selectFrom('api_key').select(['org_id', 'api_key_id', 'role']).where('key_hash', '=', hash).where('revoked_at', 'is', null).executeTakeFirst();
    return key ? { orgId: key.org_id, role: key.role, kind: 'api_key', id: key.api_key_id } : null;
  }
  if (token.startsWith('afs_')) {
    const session = await db
      .selectFrom('user_session')
      .innerJoin('app_user', (j) => j.onRef('app_user.org_id', '=', 'user_session.org_id').onRef('app_user.user_id', '=', 'user_session.user_id'))
      .select(['user_session.org_id', 'user_session.user_id', 'app_user.role'])
      .where('user_session.token_hash', '=', hash)
      .where('user_session.revoked_at', 'is', null)
      .where('user_session.expires_at', '>', new Date())
      .where('app_user.disabled_at', 'is', null)
      .executeTakeFirst();
    return session ? { orgId: session.org_id, role: session.role, kind: 'user', id: session.user_id } : null;
  }
  return null;
}

export async function revokeSession(db: Db, token: string): Promise<void> {
  await db.updateTable('user_session').set({ revoked_at: new Date() }).where('token_hash', '=', hashToken(token)).execute();
}

const RANK: Record<Role, number> = { viewer: 0, controller: 1, admin: 2, owner: 3 };

export function requireRole(principal: Principal, minimum: Role): void {
  if (RANK[principal.role] < RANK[minimum]) {
    throw new AppError('forbidden', `This needs the ${minimum} role or higher; you are ${principal.role}.`);
  }
}
