/** Fields masked before anything is sent to a language model, unless the tenant policy `llmMaskFields` lists others. */
export const DEFAULT_MASKED_FIELDS = ['name', 'taxId', 'vatId', 'bankAccount', 'iban', 'bic', 'email', 'phone', 'contactName', 'address'] as const;

const IBAN = /\b[A-Z]{2}\d{2}(?: ?[A-Z0-9]{4}){2,7}(?: ?[A-Z0-9]{1,4})?\b/g;
const EMAIL = /[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}/g;

/** What {@link maskPii} gave back: the masked copy and the paths it masked. */
export interface Masked<T> {
  value: T;
  masked: string[];
}

/**
 * A copy of `value` with every field named in `fields` (any depth, case-insensitive) replaced by
 * `[masked]`, and IBANs and e-mail addresses inside any other text replaced too. Pure.
 * @example
 * maskPii({ supplier: { name: 'ACME', bankAccount: 'DE89…' }, note: 'mail ap@acme.example' }, ['name', 'bankAccount'])
 * // { value: { supplier: { name: '[masked]', bankAccount: '[masked]' }, note: 'mail [email]' }, masked: ['supplier.name', 'supplier.bankAccount', 'note'] }
 */
export function maskPii<T>(value: T, fields: readonly string[] = DEFAULT_MASKED_FIELDS): Masked<T> {
  const names = new Set(fields.map((f) => f.toLowerCase()));
  const masked: string[] = [];
  const walk = (v: unknown, path: string): unknown => {
    if (Array.isArray(v)) return v.map((item, i) => walk(item, `${path}[${i}]`));
    if (v && typeof v === 'object') {
      return Object.fromEntries(
        Object.entries(v).map(([key, inner]) => {
          const at = path ? `${path}.${key}` : key;
          if (names.has(key.toLowerCase()) && inner !== null && inner !== undefined && typeof inner !== 'object') {
            masked.push(at);
            return [key, '[masked]'];
          }
          return [key, walk(inner, at)];
        }),
      );
    }
    if (typeof v === 'string') {
      const text = v.replace(IBAN, '[iban]').replace(EMAIL, '[email]');
      if (text !== v) masked.push(path);
      return text;
    }
    return v;
  };
  return { value: walk(value, '') as T, masked };
}
