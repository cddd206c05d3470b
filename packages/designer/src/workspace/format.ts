/** How the workspace writes amounts, exception kinds and times. */

const EXCEPTION_LABELS: Record<string, string> = {
  priceVariance: 'Price variance',
  quantityVariance: 'Quantity variance',
  amountVariance: 'Amount over cap',
  missingGoodsReceipt: 'Missing goods receipt',
  missingPo: 'Missing PO',
  unmatchedLine: 'Line not on PO',
  currencyMismatch: 'Currency mismatch',
  checkFailed: 'Check failed',
};

/** "priceVariance" → "Price variance"; unknown kinds are split at their capitals. */
export function exceptionLabel(kind: string | null | undefined): string {
  if (!kind) return '—';
  const words = kind.replace(/([a-z0-9])([A-Z])/g, '$1 $2').toLowerCase();
  return EXCEPTION_LABELS[kind] ?? words.charAt(0).toUpperCase() + words.slice(1);
}

/** A decimal string as money for reading ("€3,450.00"); the string stays the value. */
export function money(amount: string | number | null | undefined, currency: string | null | undefined): string {
  if (amount === null || amount === undefined || amount === '') return '—';
  const n = Number(amount);
  if (!Number.isFinite(n)) return String(amount);
  try {
    return new Intl.NumberFormat('en-GB', { style: 'currency', currency: currency || 'EUR' }).format(n);
  } catch {
    return `${n.toFixed(2)} ${currency ?? ''}`.trim();
  }
}

export function dateTime(iso: string | null | undefined): string {
  if (!iso) return '—';
  return new Intl.DateTimeFormat('en-GB', { day: 'numeric', month: 'short', hour: '2-digit', minute: '2-digit' }).format(new Date(iso));
}

export function relative(iso: string, now: number): string {
  const s = Math.round((now - Date.parse(iso)) / 1000);
  if (s < 45) return 'just now';
  if (s < 3600) return `${Math.round(s / 60)} min ago`;
  if (s < 86400) return `${Math.round(s / 3600)} h ago`;
  return `${Math.round(s / 86400)} d ago`;
}
