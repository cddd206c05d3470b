import { FEATURE_NAMES, factorReason, featureReason } from '@exflow/shared';
import { afterEach, describe, expect, it } from 'vitest';
import { i18n } from '../i18n/i18n.js';
import { anomalyText, factorText, probabilityText } from './suggestionText.js';

const inGerman = () => void i18n.changeLanguage('de');

describe('the AI suggestion panel’s words in the user’s language', () => {
  afterEach(() => void i18n.changeLanguage('en'));

  it('says how likely and how unusual in German, and in English as shared does', () => {
    expect(probabilityText(0.93)).toBe('likely, 93 %');
    expect(anomalyText(0.78, true)).toBe('unusual, 78 %');
    inGerman();
    expect(probabilityText(0.93)).toBe('wahrscheinlich, 93 %');
    expect(probabilityText(0.99)).toBe('nahezu sicher, 99 %');
    expect(anomalyText(0.86, true)).toBe('sehr ungewöhnlich, 86 %');
    expect(anomalyText(0.55, false)).toBe('etwas ungewöhnlich, 55 %');
    expect(anomalyText(0.1, false)).toBe('unauffällig, 10 %');
  });

  it('words a suggestion’s reasons in German from the code and values shared gives them', () => {
    inGerman();
    const f = { variancePct: 4.2, lineCount: 1, 'finding.priceVariance': 2, supplierBankChanges: 3, taxDifference: 0.5 };
    expect(factorText(featureReason('variancePct', f))).toBe('Preis 4,2 % über der Bestellung');
    expect(factorText(featureReason('lineCount', f))).toBe('1 Rechnungszeile');
    expect(factorText(featureReason('lineCount', { lineCount: 3 }))).toBe('3 Rechnungszeilen');
    expect(factorText(featureReason('finding.priceVariance', f))).toBe('Die Prüfung fand: Preisabweichung (2-mal)');
    expect(factorText(featureReason('supplierBankChanges', f))).toBe('Der Lieferant hat sein Bankkonto 3-mal geändert');
    expect(factorText(featureReason('taxDifference', f))).toBe('Die Steuer weicht um 0,5 von Satz × Netto ab');
  });

  it('words an anomaly’s reasons in German, money and dates as German writes them', () => {
    inGerman();
    expect(factorText(factorReason('unusualAmountAbove', { gross: 9000, z: 3.4, typical: 1207.5 }))).toBe(
      'Brutto 9.000,00 liegt 3,4 Standardabweichungen über dem Üblichen dieses Lieferanten (typisch 1.207,50)',
    );
    expect(factorText(factorReason('unusualWeekend', { date: '2026-03-07', pct: 0 }))).toBe(
      'Auf ein Wochenende datiert (07.03.2026); 0 % der Rechnungen dieses Lieferanten sind es',
    );
    expect(factorText(factorReason('unknownBankAccount', { account: 'GB29NW', count: 14 }))).toBe(
      'Bankkonto GB29NW… steht auf keiner der 14 früheren Rechnungen des Lieferanten',
    );
  });

  it('keeps the server’s English for a factor without a code or with a code the catalogue does not know', () => {
    inGerman();
    expect(factorText({ text: 'Small amount at risk (36 EUR)' })).toBe('Small amount at risk (36 EUR)');
    expect(factorText({ code: 'newerReason', params: {}, text: 'As the server said' })).toBe('As the server said');
  });

  it('has a text for every reason shared gives a feature', () => {
    for (const lang of ['en', 'de']) {
      void i18n.changeLanguage(lang);
      for (const name of [...FEATURE_NAMES, 'finding.missingPo', 'channel.email'])
        for (const v of [0, 1, 2, -1]) {
          const reason = featureReason(name, { [name]: v });
          if (reason.code === 'feature') continue; // a feature shared has no words for: its name, as the server says it
          expect(i18n.exists(`aiReason.${reason.code}`, reason.params), `${lang}: ${name}=${v} → ${reason.code}`).toBe(true);
        }
    }
  });
});
