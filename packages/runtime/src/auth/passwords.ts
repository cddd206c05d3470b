import { randomBytes, scrypt as scryptCb, timingSafeEqual, type BinaryLike } from 'node:crypto';

const scrypt = (password: BinaryLike, salt: BinaryLike, keylen: number) =>
  new Promise<Buffer>((resolve, reject) => scryptCb(password, salt, keylen, (err, key) => (err ? reject(err) : resolve(key))));

/** `scrypt$salt$hash`, both base64. */
export async function hashPassword(password: string): Promise<string> {
  const salt = randomBytes(16);
  const hash = await scrypt(password, salt, 32);
  return `scrypt$${salt.toString('base64')}$${hash.toString('base64')}`;
}

/**
 * Stands in for the hash of an account that does not exist (or has no usable password), so a
 * wrong email costs the same scrypt as a wrong password and sign-in time does not tell which
 * emails have accounts. No password matches it: it is not the hash of anything we know.
 */
const NO_ACCOUNT = `scrypt$${Buffer.alloc(16).toString('base64')}$${Buffer.alloc(32).toString('base64')}`;

/**
 * True when `password` matches `stored`. Always runs scrypt once, also when there is no stored
 * hash (unknown account) or it is not one of ours, so the answer takes as long either way.
 */
export async function verifyPassword(password: string, stored: string | null | undefined): Promise<boolean> {
  const parts = (stored ?? '').split('$');
  const usable = parts.length === 3 && parts[0] === 'scrypt' && Boolean(parts[1]) && Boolean(parts[2]);
  const [, salt, hash] = usable ? parts : NO_ACCOUNT.split('$');
  const expected = Buffer.from(hash!, 'base64');
  const actual = await scrypt(password, Buffer.from(salt!, 'base64'), expected.length);
  return timingSafeEqual(actual, expected) && usable;
}
