/**
 * A calibrated probability in words an analyst reads, with its percentage.
 * @example probabilityInWords(0.93) // 'likely, 93 %'
 */
export function probabilityInWords(probability: number): string {
  const pct = Math.round(Math.min(1, Math.max(0, probability)) * 100);
  const word =
    probability >= 0.97 ? 'almost certain' : probability >= 0.8 ? 'likely' : probability >= 0.6 ? 'probable' : probability >= 0.4 ? 'uncertain' : 'unlikely';
  return `${word}, ${pct} %`;
}

/**
 * An invoice's anomaly score in words an analyst reads, with its percentage: "highly unusual"
 * from 0.8, "unusual" when flagged (at or above the model's threshold), "slightly unusual"
 * from 0.25, else "ordinary".
 * @example anomalyInWords(0.86, true) // 'highly unusual, 86 %'
 */
export function anomalyInWords(score: number, flagged: boolean): string {
  const pct = Math.round(Math.min(1, Math.max(0, score)) * 100);
  const word = score >= 0.8 ? 'highly unusual' : flagged ? 'unusual' : score >= 0.25 ? 'slightly unusual' : 'ordinary';
  return `${word}, ${pct} %`;
}
