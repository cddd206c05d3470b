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
