import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * Seals secrets at rest with AES-256-GCM. A sealed value is text:
 * `v1.<key id>.<iv>.<tag>.<ciphertext>` (base64url parts), so the key that sealed it is known
 * and a key rotation can reseal what an older key sealed. The key never reaches the database.
 */
export interface SecretBox {
  /** The id of the key that seals (the first 8 bytes of its SHA-256, hex). */
  readonly keyId: string;
  seal(plain: string): string;
  /** Opens a sealed value; throws when no known key sealed it or it was tampered with. */
  open(sealed: string): string;
  /** The key id a sealed value names, or `undefined` for text that is not sealed. */
  keyIdOf(value: string): string | undefined;
}

const PREFIX = 'v1';
/** The embedded database's generated key, in its folder. */
const SECRETS_KEY_FILE = 'exflow-secrets.key';
const b64u = (b: Buffer) => b.toString('base64url');

/** The id of a key: the first 8 bytes of its SHA-256, hex (safe to store and to log). */
export const secretKeyId = (key: Buffer): string => createHash('sha256').update(key).digest('hex').slice(0, 16);

/** Reads a key given as base64 of 32 bytes; throws naming the variable otherwise. */
export function parseSecretKey(text: string, variable = 'EXFLOW_SECRETS_KEY'): Buffer {
  const key = Buffer.from(text.trim(), 'base64');
  if (key.length !== 32) throw new Error(`${variable} must be 32 random bytes in base64 (e.g. \`openssl rand -base64 32\`), got ${key.length} bytes`);
  return key;
}

/** A box that seals with `current` and opens what `current` or any of `previous` sealed. */
export function createSecretBox(current: Buffer, previous: Buffer[] = []): SecretBox {
  const keys = new Map([current, ...previous].map((k) => [secretKeyId(k), k] as const));
  const keyId = secretKeyId(current);
  return {
    keyId,
    seal(plain) {
      const iv = randomBytes(12);
      const cipher = createCipheriv('aes-256-gcm', current, iv);
      const ciphertext = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
      return [PREFIX, keyId, b64u(iv), b64u(cipher.getAuthTag()), b64u(ciphertext)].join('.');
    },
    open(sealed) {
      const [prefix, id, iv, tag, ciphertext] = sealed.split('.');
      if (prefix !== PREFIX || ciphertext === undefined) throw new Error('not a sealed secret');
      const key = keys.get(id);
      if (!key) throw new Error(`secret sealed with key ${id}, which is not configured (EXFLOW_SECRETS_KEY or EXFLOW_SECRETS_PREVIOUS_KEYS)`);
      const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(iv, 'base64url'));
      decipher.setAuthTag(Buffer.from(tag, 'base64url'));
      return Buffer.concat([decipher.update(Buffer.from(ciphertext, 'base64url')), decipher.final()]).toString('utf8');
    },
    keyIdOf(value) {
      const parts = value.split('.');
      return parts.length === 5 && parts[0] === PREFIX ? parts[1] : undefined;
    },
  };
}

/**
 * The embedded database's key when none is configured: read from, or generated into, a file in
 * the PGlite folder beside the data (`<dataDir>/exflow-secrets.key`, mode 0600, like its lock
 * file). `generated` says a new one was made (the caller warns: whoever has the folder has the secrets).
 */
export function embeddedSecretKey(dataDir: string): { key: Buffer; file: string; generated: boolean } {
  mkdirSync(dataDir, { recursive: true });
  const file = join(dataDir, SECRETS_KEY_FILE);
  if (existsSync(file)) return { key: parseSecretKey(readFileSync(file, 'utf8'), file), file, generated: false };
  const key = randomBytes(32);
  writeFileSync(file, `${key.toString('base64')}\n`, { mode: 0o600, flag: 'wx' });
  return { key, file, generated: true };
}
