import { randomBytes } from 'node:crypto';
import type { Config } from '../config/config.js';
import { ProblemError } from '../errors.js';
import { PermanentServiceError } from '../services/registry.js';
import { createCredentialRepository, type CredentialType } from '../store/credentialRepository.js';
import type { Db } from '../store/db.js';
import { createSecretBox, embeddedSecretKey, parseSecretKey, type SecretBox } from './secretBox.js';

/** A credential's value, as only the call that uses it sees it. */
export type CredentialValue = { type: 'bearer'; token: string } | { type: 'basic'; username: string; password: string } | { type: 'secret'; value: string };

/** The box, or the problem an API caller gets when the operator set no key (503 `secrets-key-missing`). */
export function requireSecrets(box: SecretBox | undefined): SecretBox {
  if (!box) throw new ProblemError('secrets-key-missing', 'Secrets cannot be stored: EXFLOW_SECRETS_KEY is not set on this runtime');
  return box;
}

/** The credential's value as sealed text (the type is stored beside it, in clear). */
export function sealCredential(box: SecretBox, value: CredentialValue): { type: CredentialType; sealed: string; keyId: string } {
  const { type, ...fields } = value;
  return { type, sealed: box.seal(JSON.stringify(fields)), keyId: box.keyId };
}

/** A stored secret in clear: sealed text is opened; text stored before sealing existed is as written. */
export function openStoredSecret(box: SecretBox | undefined, stored: string): string {
  if (!box) {
    if (stored.startsWith('v1.')) throw new Error('a sealed secret cannot be opened: EXFLOW_SECRETS_KEY is not set');
    return stored;
  }
  return box.keyIdOf(stored) ? box.open(stored) : stored;
}

/**
 * The value of a tenant's credential, for one outbound call (its `last_used_at` is set). A
 * missing credential, or no key to open it, is a permanent failure of the call: retrying cannot help.
 */
export async function resolveCredential(db: Db, box: SecretBox | undefined, tenantId: string, name: string): Promise<CredentialValue> {
  const stored = await createCredentialRepository(db).takeForUse(tenantId, name);
  if (!stored) throw new PermanentServiceError(`No credential named "${name}": add it with PUT /api/v1/credentials/${name}`, 'credential-missing');
  if (!box) throw new PermanentServiceError(`Credential "${name}" cannot be opened: EXFLOW_SECRETS_KEY is not set`, 'credential-missing');
  return { type: stored.type, ...JSON.parse(box.open(stored.sealed)) } as CredentialValue;
}

/** The `Authorization` header a bearer or basic credential gives. */
export function authorizationHeader(value: CredentialValue): string {
  if (value.type === 'bearer') return `Bearer ${value.token}`;
  if (value.type === 'basic') return `Basic ${Buffer.from(`${value.username}:${value.password}`).toString('base64')}`;
  throw new PermanentServiceError('A credential of type "secret" cannot authenticate an HTTP call: use a bearer or basic credential', 'credential-type');
}

/**
 * The secret box the runtime runs with, decided at start:
 * - `EXFLOW_SECRETS_KEY` (base64, 32 bytes) seals; `EXFLOW_SECRETS_PREVIOUS_KEYS` still open;
 * - the embedded database without a key: a key generated into a file in its folder, beside the data (warned);
 * - in-memory PGlite (tests): a key for this process only;
 * - PostgreSQL without a key: none, and the runtime refuses to start when secrets are stored.
 * Then whatever is not sealed with the current key (webhook secrets from before sealing, values
 * an older key sealed) is resealed.
 */
export async function prepareSecrets(config: Config, db: Db, log: (m: string, c: Record<string, unknown>) => void): Promise<SecretBox | undefined> {
  const previous = config.secretsPreviousKeys.map((k) => parseSecretKey(k, 'EXFLOW_SECRETS_PREVIOUS_KEYS'));
  let box: SecretBox | undefined;
  if (config.secretsKey) box = createSecretBox(parseSecretKey(config.secretsKey), previous);
  else if (!config.databaseUrl) {
    if (config.dataDir) {
      const { key, file, generated } = embeddedSecretKey(config.dataDir);
      if (generated) log('generated a secrets key for the embedded database; set EXFLOW_SECRETS_KEY in production', { file });
      box = createSecretBox(key, previous);
    } else box = createSecretBox(randomBytes(32), previous);
  }
  const credentials = createCredentialRepository(db);
  if (!box) {
    if (await credentials.anyStored())
      throw new Error('Secrets are stored in this database but EXFLOW_SECRETS_KEY is not set: set it (base64 of 32 bytes) to the key they were sealed with');
    log('EXFLOW_SECRETS_KEY is not set: credentials and webhook subscriptions cannot be created', {});
    return undefined;
  }
  const sealer = box;
  const resealed = await credentials.resealAll(sealer.keyId, (stored) => sealer.seal(openStoredSecret(sealer, stored)));
  if (resealed) log('resealed stored secrets with the current key', { count: resealed, keyId: sealer.keyId });
  return box;
}
