import { afterAll, describe, expect, it } from 'vitest';
import { createAuthenticator } from '../src/auth/authenticator.js';
import { createEmbeddedIssuer } from '../src/auth/issuer.js';
import type { Principal } from '../src/auth/roles.js';
import { migrate, openDatabase } from '../src/store/db.js';
import { eventually, PATIENCE_MS, TEST_TIMEOUT_MS } from './support/http.js';

describe('a verified bearer token is remembered until it expires', { timeout: TEST_TIMEOUT_MS }, () => {
  const db = openDatabase({});
  afterAll(() => db.destroy());

  it('checks the signature once, answers copies, refuses another text and the token once expired', async () => {
    await migrate(db);
    const issuer = await createEmbeddedIssuer(db, '3s');
    let verified = 0;
    const counting = { ...issuer, verify: (token: string) => (verified++, issuer.verify(token)) };
    const authenticator = createAuthenticator(db, counting, 'embedded');
    const who: Principal = { userId: 'u-1', tenantId: 't-1', email: 'u1@example.test', name: 'U One', roles: ['analyst'] };
    const token = await issuer.sign(who);

    const first = await authenticator.authenticate(token);
    expect(first).toMatchObject({ userId: 'u-1', tenantId: 't-1', roles: ['analyst'] });
    first.roles.push('tenant_admin'); // a caller changing its copy changes nothing remembered
    expect((await authenticator.authenticate(token)).roles).toEqual(['analyst']);
    expect(verified).toBe(1);

    // a forged signature is another text: checked, and refused
    const forged = token.slice(0, -4) + (token.endsWith('AAAA') ? 'BBBB' : 'AAAA');
    await expect(authenticator.authenticate(forged)).rejects.toMatchObject({ status: 401 });
    expect(verified).toBe(2);

    await eventually(
      async () =>
        authenticator.authenticate(token).then(
          () => false,
          (e: { status?: number }) => e.status === 401,
        ),
      PATIENCE_MS,
      'the remembered token to be refused once it expired',
    );
  });
});
