import type { FieldErrors } from '../../src/lib/errors.js';
import { fieldId } from './ErrorSummary.js';

export interface FieldProps {
  label: string;
  name: string;
  type?: string;
  value?: string | number | null;
  errors?: FieldErrors;
  required?: boolean;
  autocomplete?: string;
  inputmode?: 'text' | 'numeric' | 'decimal' | 'tel' | 'email' | 'search' | 'url';
  placeholder?: string;
  min?: string | number;
  max?: string | number;
  maxlength?: number;
  hint?: string;
}

/** A labelled input with its error message right under it. */
export function Field(p: FieldProps) {
  const error = p.errors?.[p.name];
  const id = fieldId(p.name);
  return (
    <label for={id}>
      {p.label}
      <input
        id={id}
        name={p.name}
        type={p.type ?? 'text'}
        value={p.type === 'password' ? undefined : (p.value ?? undefined)}
        required={p.required}
        autocomplete={p.autocomplete}
        inputmode={p.inputmode}
        placeholder={p.placeholder}
        min={p.min}
        max={p.max}
        maxlength={p.maxlength}
        aria-invalid={error ? 'true' : undefined}
        aria-describedby={error ? `${id}-error` : undefined}
      />
      {p.hint && !error && <small>{p.hint}</small>}
      {error && (
        <small id={`${id}-error`} class="field-error">
          {error}
        </small>
      )}
    </label>
  );
}
