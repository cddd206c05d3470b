import { describe, expect, it } from 'vitest';
import { redact } from '../src/logging.js';

describe('logs never carry credentials', () => {
  it('masks secrets by key name and by shape', () => {
    const jwt = 'eyJhbGciOiJFUzI1NiJ9.eyJzdWIiOiJ1LWFuYWx5c3QifQ.c2lnbmF0dXJl';
    const key = `exf_${'a1'.repeat(9)}_${'x'.repeat(43)}`;
    const out = JSON.stringify(
      redact({
        headers: { authorization: `Bearer ${jwt}`, 'x-api-key': key },
        body: { email: 'a@b.c', password: 'hunter2' },
        error: `request with Bearer ${jwt} failed; key ${key} refused; token=${jwt}`,
        nested: [{ refreshToken: 'abc' }],
      }),
    );
    expect(out).not.toContain(jwt);
    expect(out).not.toContain(key);
    expect(out).not.toContain('hunter2');
    expect(out).not.toContain('"abc"');
    expect(out).toContain('a@b.c');
  });
});
