import { checkFeelExpression } from '@exflow/shared';
import type { WidgetProps } from '@rjsf/utils';
import { useMemo, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { feelErrorText } from '../i18n/designerText.js';
import type { AvailableField } from './availableFields.js';

export interface InspectorFormContext {
  /** Names FEEL can use at this step: invoice fields and results of the steps before it. */
  fields: AvailableField[];
}

/**
 * A FEEL expression field (`format: 'feel'`): checks the syntax as the user types with shared's
 * `checkFeelExpression`, marks where it breaks, and offers the fields FEEL can read here.
 */
export function FeelWidget(props: WidgetProps) {
  const { t } = useTranslation();
  const { id, value, required, disabled, readonly, onChange, onBlur, onFocus, registry, placeholder } = props;
  const text = typeof value === 'string' ? value : '';
  const error =
    text.trim() === '' ? (required ? { message: 'Write a condition, e.g. invoice.grossTotal > 10000', position: 0 } : undefined) : checkFeelExpression(text);
  const [open, setOpen] = useState(false);
  const [filter, setFilter] = useState('');
  const input = useRef<HTMLTextAreaElement>(null);
  const fields = (registry.formContext as InspectorFormContext | undefined)?.fields;
  const shown = useMemo(() => {
    const q = filter.trim().toLowerCase();
    return (fields ?? []).filter((f) => !q || f.path.toLowerCase().includes(q) || f.source.toLowerCase().includes(q)).slice(0, 80);
  }, [fields, filter]);

  const insert = (path: string) => {
    const el = input.current;
    const start = el?.selectionStart ?? text.length;
    const end = el?.selectionEnd ?? text.length;
    const next = `${text.slice(0, start)}${path}${text.slice(end)}`;
    onChange(next);
    requestAnimationFrame(() => {
      el?.focus();
      el?.setSelectionRange(start + path.length, start + path.length);
    });
  };

  return (
    <div className={`feel ${error ? 'is-invalid' : text ? 'is-valid' : ''}`}>
      <div className="feel__row">
        <textarea
          ref={input}
          id={id}
          className="feel__input"
          rows={Math.min(4, Math.max(1, Math.ceil(text.length / 34)))}
          value={text}
          spellCheck={false}
          disabled={disabled || readonly}
          placeholder={placeholder || t('feel.placeholder')}
          aria-invalid={Boolean(error)}
          onChange={(e) => onChange(e.target.value)}
          onBlur={() => onBlur(id, text)}
          onFocus={() => onFocus(id, text)}
        />
        <button type="button" className="feel__fields-toggle" onClick={() => setOpen((o) => !o)} aria-expanded={open} title={t('feel.fields')}>
          {'{ }'}
        </button>
      </div>
      {error ? (
        <p className="feel__status feel__status--error" role="alert">
          {feelErrorText(error, text)}
          {text && error.position >= 0 && (
            <code className="feel__where">
              {text.slice(0, error.position)}
              <mark>{text.slice(error.position, error.position + 1) || ' '}</mark>
              {text.slice(error.position + 1)}
            </code>
          )}
        </p>
      ) : text ? (
        <p className="feel__status feel__status--ok">{t('feel.valid')}</p>
      ) : null}
      {open && (
        <div className="feel__fields" data-testid="feel-fields">
          <input type="search" placeholder={t('feel.filter')} value={filter} onChange={(e) => setFilter(e.target.value)} />
          <ul>
            {shown.map((f) => (
              <li key={f.path}>
                <button type="button" onClick={() => insert(f.path)} title={t('feel.insert', { path: f.path })}>
                  <code>{f.path}</code>
                  <span>{f.hint ? `${f.source} · ${f.hint}` : f.source}</span>
                </button>
              </li>
            ))}
            {shown.length === 0 && <li className="feel__none">{t('feel.noMatch')}</li>}
          </ul>
        </div>
      )}
    </div>
  );
}
