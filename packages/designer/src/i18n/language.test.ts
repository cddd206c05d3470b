import { describe, expect, it } from 'vitest';
import { formattingLocale, pickLanguage } from './language.js';

describe('pickLanguage', () => {
  it('keeps a remembered choice over the browser', () => {
    expect(pickLanguage('de', ['en-US'])).toBe('de');
  });
  it('takes the first browser language we ship, ignoring region and case', () => {
    expect(pickLanguage(null, ['fr-FR', 'DE-at', 'en'])).toBe('de');
  });
  it('falls back to English for an unknown choice and unknown browser languages', () => {
    expect(pickLanguage('xx', ['fr', 'it'])).toBe('en');
  });
});

describe('formattingLocale', () => {
  it("uses the browser's region of the chosen language", () => {
    expect(formattingLocale('de', ['en-US', 'de-CH'])).toBe('de-CH');
    expect(formattingLocale('en', ['en-US'])).toBe('en-US');
  });
  it("else the language's usual region", () => {
    expect(formattingLocale('de', ['en-US', 'de'])).toBe('de-DE');
    expect(formattingLocale('en', ['fr-FR'])).toBe('en-GB');
  });
});
