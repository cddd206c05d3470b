import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { startTestServer, type TestServer } from './support/testServer.js';
import { httpClient } from './support/http.js';

// Every scrypt the runtime runs, counted by its key length (the password check asks for 32 bytes).
const scryptCalls = vi.hoisted(() => ({ keylens: [] as number[] }));
vi.mock('node:crypto', async (importOriginal) => {
  const crypto = await importOriginal<typeof import('node:crypto')>();
  const scrypt = ((password: never, salt: never, keylen: number, ...rest: never[]) => {
    scryptCalls.keylens.push(keylen);
    return (crypto.scrypt as (...args: unknown[]) => void)(password, salt, keylen, ...rest);
  }) as typeof crypto.scrypt;
  return { ...crypto, default: { ...crypto, scrypt }, scrypt };
});

/**
 * Sign-in answers a wrong password and an unknown email alike, in content and in work: both run
 * the password hash once, so response time does not tell which emails have accounts. Counting the
 * hash calls (rather than timing them) holds on a loaded machine.
 */
describe('sign-in does the same work for an unknown email as for a wrong password', () => {
  let server: TestServer;

  beforeAll(async () => {
    server = await startTestServer({ workers: false });
  });
  afterAll(() => server?.stop());

  const signIn = async (email: string, password: string) => {
    scryptCalls.keylens.length = 0;
    const answer = await httpClient(server.url)('POST', '/api/v1/auth/login', { email, password });
    return { status: answer.status, detail: answer.body?.detail, hashes: [...scryptCalls.keylens] };
  };

  it('runs scrypt once for a real account with a wrong password, for an unknown email, and for the right password', async () => {
    const wrongPassword = await signIn('analyst@demo.exflow', 'not-the-password');
    const unknownEmail = await signIn('nobody@demo.exflow', 'not-the-password');
    expect(wrongPassword).toEqual({ status: 401, detail: 'Wrong email or password', hashes: [32] });
    expect(unknownEmail).toEqual(wrongPassword);
    expect(await signIn('analyst@demo.exflow', 'demo')).toMatchObject({ status: 200, hashes: [32] });
  });

  it('runs scrypt for an account without a password too, and never lets it in', async () => {
    await server
      .db('users')
      .insert({ tenant_id: 'demo', id: 'u-sso-only', email: 'sso@demo.exflow', name: 'SSO only', roles: JSON.stringify(['analyst']), password_hash: null });
    expect(await signIn('sso@demo.exflow', '')).toMatchObject({ status: 422 });
    expect(await signIn('sso@demo.exflow', 'anything')).toEqual({ status: 401, detail: 'Wrong email or password', hashes: [32] });
  });
});
