import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { unauthorized } from '../errors.js';
import { createApiKeyRepository } from '../store/apiKeyRepository.js';
import type { Db } from '../store/db.js';
import type { PrincipalCache } from './principalCache.js';
import { ROLES, type Principal, type Role } from './roles.js';

const PREFIX = 'exf_';

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

/** The actor id an API key's actions are recorded under (`invoices.received_by`, audit). */
export const apiKeyActor = (keyId: string) => `apikey:${keyId}`;

/** The key id of an actor id written by `apiKeyActor`, else `undefined`. */
export const apiKeyIdOf = (actor: string) => (actor.startsWith('apikey:') ? actor.slice('apikey:'.length) : undefined);

/** True when a bearer credential is an API key rather than a JWT. */
export const isApiKey = (credential: string) => credential.startsWith(PREFIX);

/**
 * A new key: `exf_<id>_<secret>`. Only the SHA-256 of the secret is stored (the secret is 256
 * random bits, so a plain hash is enough); the whole key is shown once, to its creator.
 */
export function mintApiKey(): { id: string; secret: string; key: string; secretHash: string } {
  const id = randomBytes(9).toString('hex');
  const secret = randomBytes(32).toString('base64url');
  return { id, secret, key: `${PREFIX}${id}_${secret}`, secretHash: sha256(secret) };
}

/** When a key's use was last written (`last_used_at`), per key id: at most once a minute per process. */
const touched = new Map<string, number>();
const TOUCH_EVERY_MS = 60_000;

/**
 * Resolves an API key to the principal it acts as; refuses unknown, wrong or revoked keys. With
 * `principals`, an active key's record is remembered between calls (the secret is still checked
 * every time).
 */
export async function verifyApiKey(db: Db, credential: string, principals?: PrincipalCache): Promise<Principal> {
  const match = /^exf_([0-9a-f]{18})_([A-Za-z0-9_-]{43})$/.exec(credential);
  if (!match) throw unauthorized('The API key is malformed');
  const repo = createApiKeyRepository(db);
  const load = () => repo.byId(match[1]);
  const key = principals ? await principals.get(undefined, apiKeyActor(match[1]), load, (k) => Boolean(k && !k.revokedAt)) : await load();
  const expected = Buffer.from(key?.secretHash ?? sha256('no such key'), 'hex');
  const actual = Buffer.from(sha256(match[2]), 'hex');
  if (!key || !timingSafeEqual(expected, actual)) throw unauthorized('The API key is not valid');
  if (key.revokedAt) throw unauthorized(`The API key "${key.name}" was revoked on ${key.revokedAt}`);
  const now = Date.now();
  if (now - (touched.get(key.id) ?? 0) >= TOUCH_EVERY_MS) {
    if (touched.size >= 10_000) touched.clear();
    touched.set(key.id, now);
    void repo.touch(key.id).catch(() => {});
  }
  const role = (ROLES as readonly string[]).includes(key.role) ? (key.role as Role) : undefined;
  return {
    userId: apiKeyActor(key.id),
    tenantId: key.tenantId,
    email: '',
    name: `API key ${key.name}`,
    roles: role ? [role] : [],
    keyCreatedBy: key.createdBy,
  };
}
