import type { FieldProps } from '@rjsf/utils';
import { useEffect, useState } from 'react';

/** An object without declared properties (a task's form schema, a service's params), edited as JSON. */
export function JsonField(props: FieldProps) {
  const { formData, onChange, fieldPathId, schema, disabled, readonly } = props;
  const pretty = (v: unknown) => (v === undefined ? '' : JSON.stringify(v, null, 2));
  const [text, setText] = useState(pretty(formData));
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    // follow undo/redo from outside, but never reformat what the user is typing
    setText((current) => (safeParse(current) !== undefined && JSON.stringify(safeParse(current)) === JSON.stringify(formData) ? current : pretty(formData)));
  }, [formData]);
  return (
    <div className="json-field">
      <label htmlFor={fieldPathId.$id}>{schema.title ?? 'JSON'}</label>
      <textarea
        id={fieldPathId.$id}
        className={error ? 'is-invalid' : ''}
        rows={Math.min(12, Math.max(3, text.split('\n').length))}
        spellCheck={false}
        value={text}
        disabled={disabled || readonly}
        onChange={(e) => {
          setText(e.target.value);
          if (e.target.value.trim() === '') {
            setError(null);
            onChange(undefined, fieldPathId.path);
            return;
          }
          const parsed = safeParse(e.target.value);
          if (parsed === undefined || typeof parsed !== 'object' || Array.isArray(parsed)) {
            setError('Not a JSON object yet');
            return;
          }
          setError(null);
          onChange(parsed as never, fieldPathId.path);
        }}
      />
      {error && <p className="json-field__error">{error}</p>}
    </div>
  );
}

function safeParse(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
