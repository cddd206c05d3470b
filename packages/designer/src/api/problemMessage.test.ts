import { afterEach, describe, expect, it } from 'vitest';
import { i18n } from '../i18n/i18n.js';
import { ApiError, describeApiError, type Problem } from './client.js';
import { problemMessage } from './problemMessage.js';

const problem = (code: string | undefined, extra: Partial<Problem> = {}): Problem => ({
  type: `/api/v1/problems/${code}`,
  title: 'Unprocessable content',
  status: 422,
  detail: 'The request body is not valid: /productName must NOT have more than 60 characters',
  ...(code ? { code } : {}),
  ...extra,
});

describe('a server problem in the user’s language', () => {
  afterEach(() => void i18n.changeLanguage('en'));

  it('words a known code, a nested one too, in English and in German', async () => {
    await i18n.changeLanguage('en');
    expect(problemMessage(problem('sod.over-limit', { status: 403 }))).toMatch(/^Segregation of duties: the amount is above your approval limit/);
    expect(problemMessage(problem('version-conflict', { status: 409 }))).toBe('Someone changed this at the same moment; try again.');
    await i18n.changeLanguage('de');
    expect(problemMessage(problem('sod.over-limit', { status: 403 }))).toMatch(/^Funktionstrennung: Der Betrag liegt über Ihrer Freigabegrenze/);
    expect(problemMessage(problem('rate-limited', { status: 429 }))).toMatch(/^Zu viele Anfragen/);
    expect(problemMessage(problem('body-too-large', { status: 413 }))).toMatch(/^Zu groß/);
  });

  it('names each refused field with the page’s label, in words instead of ajv’s', async () => {
    const refused = problem('invalid-body', {
      errors: [
        { path: '/productName', message: '/productName must NOT have more than 60 characters' },
        { path: '/supportEmail', message: '/supportEmail is required' },
        { path: '/primaryColor', message: '/primaryColor must match pattern "^#[0-9a-fA-F]{6}$"' },
        { path: '/taskIds/1', message: 'listed twice' },
      ],
    });
    const labels = { '/productName': 'Produktname' };
    await i18n.changeLanguage('de');
    expect(problemMessage(refused, labels)).toBe(
      'Nicht angenommen: Produktname erlaubt höchstens 60 Zeichen; Support email ist erforderlich; Primary color hat nicht die erwartete Form; Task ids ist ungültig',
    );
    await i18n.changeLanguage('en');
    expect(problemMessage(refused, { '/productName': 'Product name' })).toMatch(
      /^Not accepted: Product name allows at most 60 characters; Support email is required;/,
    );
  });

  it('falls back to the server’s title and detail for a code the catalogue does not name, or no code at all', async () => {
    await i18n.changeLanguage('de');
    expect(problemMessage(problem('invalid-cloudevent', { detail: 'specversion must be "1.0"' }))).toBe('Unprocessable content: specversion must be "1.0"');
    expect(problemMessage({ type: 'about:blank', title: 'Bad Gateway', status: 502 })).toBe('Bad Gateway');
  });

  it('is what an ApiError says and what describeApiError shows', async () => {
    await i18n.changeLanguage('de');
    const error = new ApiError(404, problem('not-found', { status: 404 }));
    expect(error.message).toMatch(/^Nicht gefunden/);
    expect(describeApiError(error)).toBe(error.message);
    expect(describeApiError(new Error('plain'))).toBe('plain');
  });
});
