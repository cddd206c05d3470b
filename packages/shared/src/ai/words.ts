/** How likely a suggested outcome is, in one of five words (the thresholds below). */
export type ProbabilityBand = 'almostCertain' | 'likely' | 'probable' | 'uncertain' | 'unlikely';

/** How unusual an invoice is, in one of four words. */
export type AnomalyBand = 'highlyUnusual' | 'unusual' | 'slightlyUnusual' | 'ordinary';

const PROBABILITY_WORDS: Record<ProbabilityBand, string> = {
  almostCertain: 'almost certain',
  likely: 'likely',
  probable: 'probable',
  uncertain: 'uncertain',
  unlikely: 'unlikely',
};

const ANOMALY_WORDS: Record<AnomalyBand, string> = {
  highlyUnusual: 'highly unusual',
  unusual: 'unusual',
  slightlyUnusual: 'slightly unusual',
  ordinary: 'ordinary',
};

/**
 * A share (0..1) as a whole percentage, clamped to 0..100: what the words below quote.
 * @example wholePercent(0.934) // 93
 */
export const wholePercent = (share: number) => Math.round(Math.min(1, Math.max(0, share)) * 100);

/**
 * The word for a calibrated probability: almost certain from 0.97, likely from 0.8, probable
 * from 0.6, uncertain from 0.4, else unlikely.
 * @example probabilityBand(0.93) // 'likely'
 */
export function probabilityBand(probability: number): ProbabilityBand {
  return probability >= 0.97
    ? 'almostCertain'
    : probability >= 0.8
      ? 'likely'
      : probability >= 0.6
        ? 'probable'
        : probability >= 0.4
          ? 'uncertain'
          : 'unlikely';
}

/**
 * The word for an anomaly score: "highly unusual" from 0.8, "unusual" when flagged (at or
 * above the model's threshold), "slightly unusual" from 0.25, else "ordinary".
 * @example anomalyBand(0.55, false) // 'slightlyUnusual'
 */
export function anomalyBand(score: number, flagged: boolean): AnomalyBand {
  return score >= 0.8 ? 'highlyUnusual' : flagged ? 'unusual' : score >= 0.25 ? 'slightlyUnusual' : 'ordinary';
}

/**
 * A calibrated probability in words an analyst reads, with its percentage (English; the
 * designer words the band in the user's language).
 * @example probabilityInWords(0.93) // 'likely, 93 %'
 */
export function probabilityInWords(probability: number): string {
  return `${PROBABILITY_WORDS[probabilityBand(probability)]}, ${wholePercent(probability)} %`;
}

/**
 * An invoice's anomaly score in words an analyst reads, with its percentage (English).
 * @example anomalyInWords(0.86, true) // 'highly unusual, 86 %'
 */
export function anomalyInWords(score: number, flagged: boolean): string {
  return `${ANOMALY_WORDS[anomalyBand(score, flagged)]}, ${wholePercent(score)} %`;
}
